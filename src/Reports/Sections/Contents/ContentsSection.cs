using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.Contents;

/// <summary>The table of contents: every section after it with its page, each line a link to it.</summary>
internal sealed class ContentsSection(IReadOnlyList<IReportSection> sections) : IReportSection
{
    public string Id => "contents";
    public string Title => "Contents";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: sections.Count * Typesetter.LineHeight(Palette.BodySize));
        var flow = c.Flow;
        var type = c.Type;
        // Page numbers are known only once every page is laid out: drawn then, in digits laid out now.
        type.Wrap("0123456789", Palette.BodySize, 100);
        int first = c.Sections;
        float numberWidth = 30, size = Palette.BodySize, lineHeight = Typesetter.LineHeight(size) + 1;
        for (int i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            var lines = type.Wrap($"{first + i + 1}. {section.Title}", size, c.Width - numberWidth);
            flow.Reserve(lineHeight);
            float top = flow.Y, left = flow.Left, width = c.Width;
            flow.Draw(SKRect.Create(left, top, width, lineHeight), canvas =>
            {
                type.Draw(canvas, lines, left, top, size, Palette.Ink);
                string page = flow.PageOf(section.Id)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
                type.Draw(canvas, type.Wrap(page, size, numberWidth), left + width - numberWidth, top, size, Palette.Ink, numberWidth, SKTextAlign.Right);
                using var dots = Plot.Stroke(Palette.Rule, 0.6f, dashed: true);
                float baseline = top + size * 0.95f;
                canvas.DrawLine(left + lines[0].Width + 4, baseline, left + width - numberWidth, baseline, dots);
                canvas.DrawLinkDestinationAnnotation(SKRect.Create(left, top, width, lineHeight), section.Id);
            });
            flow.Advance(lineHeight);
        }
        flow.Advance(4);
    }
}
