using System.Text;
using Harness.Core;
using SkiaSharp;

namespace Harness.Reports.Rendering;

internal enum Face { Regular, Bold, Mono }

/// <summary>A run of text in one face and colour; <paramref name="Fallback"/>, when set, is the shipped typeface that draws it instead.</summary>
internal readonly record struct Span(string Text, Face Face = Face.Regular, SKColor? Color = null, SKTypeface? Fallback = null);

/// <summary>A laid-out line: pieces at x offsets from the line's left edge.</summary>
internal sealed record TextLine(IReadOnlyList<(float X, Span Span)> Pieces, float Width);

/// <summary>
/// Measures, wraps and draws text. Skia draws glyphs but does not wrap, so paragraphs and table
/// cells are broken into lines here, at spaces where possible and inside long words (hashes) where not.
/// No character is dropped silently: a control character is drawn as its escape (\x1B, as on the
/// console), one the face lacks in another shipped font that has it, and one no shipped font has
/// as the replacement character, listed in <see cref="Undrawable"/>. Every character laid out is
/// noted with its typeface (<see cref="ReportFonts.Use"/>), so the embedded subsets hold it.
/// </summary>
internal sealed class Typesetter(ReportFonts fonts) : IDisposable
{
    /// <summary>Line height as a multiple of the font size.</summary>
    public const float Leading = 1.32f;

    private readonly Dictionary<SKColor, SKPaint> _paints = [];
    private readonly SortedSet<int> _undrawable = [];

    public ReportFonts Fonts { get; } = fonts;

    /// <summary>The code points no shipped font has, each drawn as <see cref="ReportFonts.Replacement"/>.</summary>
    public IReadOnlyCollection<int> Undrawable => _undrawable;

    public SKTypeface Typeface(Face face) => face switch
    {
        Face.Bold => Fonts.Bold,
        Face.Mono => Fonts.Mono,
        _ => Fonts.Regular,
    };

    public SKFont Font(Span span, float size) => Fonts.Get(span.Fallback ?? Typeface(span.Face), size);

    public float Measure(Span span, float size) => Font(span, size).MeasureText(span.Text);

    public static float LineHeight(float size) => size * Leading;

    public IReadOnlyList<TextLine> Wrap(string text, float size, float width, Face face = Face.Regular, SKColor? color = null) =>
        Wrap([new Span(text, face, color)], size, width);

    /// <summary>Greedy line breaking over the spans; explicit '\n' starts a new line.</summary>
    public IReadOnlyList<TextLine> Wrap(IEnumerable<Span> spans, float size, float width)
    {
        var lines = new List<TextLine>();
        var pieces = new List<(float X, Span Span)>();
        float x = 0;

        void EndLine()
        {
            // Trailing spaces neither count towards the width nor get drawn.
            if (pieces.Count > 0 && pieces[^1].Span.Text.TrimEnd() is var last && last.Length < pieces[^1].Span.Text.Length)
            {
                if (last.Length == 0) pieces.RemoveAt(pieces.Count - 1);
                else pieces[^1] = (pieces[^1].X, pieces[^1].Span with { Text = last });
            }
            float w = pieces.Count == 0 ? 0 : pieces[^1].X + Measure(pieces[^1].Span, size);
            lines.Add(new TextLine([.. pieces], w));
            pieces.Clear();
            x = 0;
        }

        void Place(Span token)
        {
            // Neighbouring tokens of one span become one piece: fewer draw calls, and copied text stays whole.
            if (pieces.Count > 0 && pieces[^1].Span with { Text = "" } == token with { Text = "" })
                pieces[^1] = (pieces[^1].X, pieces[^1].Span with { Text = pieces[^1].Span.Text + token.Text });
            else
                pieces.Add((x, token));
            x += Measure(token, size);
        }

        foreach (var span in spans.SelectMany(Cover))
        {
            Fonts.Use(span.Fallback ?? Typeface(span.Face), span.Text);
            var paragraphs = span.Text.Split('\n');
            for (int p = 0; p < paragraphs.Length; p++)
            {
                if (p > 0) EndLine();
                foreach (string word in Words(paragraphs[p]))
                {
                    var token = span with { Text = word };
                    if (x == 0) token = token with { Text = word.TrimStart() };
                    if (token.Text.Length == 0) continue;
                    float ink = Measure(token with { Text = token.Text.TrimEnd() }, size);
                    if (x + ink <= width) { Place(token); continue; }
                    if (x > 0)
                    {
                        EndLine();
                        token = token with { Text = token.Text.TrimStart() };
                        ink = Measure(token with { Text = token.Text.TrimEnd() }, size);
                        if (ink <= width) { Place(token); continue; }
                    }
                    // A word wider than the line (a hash, a long site name): break it between characters.
                    foreach (string chunk in Chunks(token, size, width))
                    {
                        if (x > 0) EndLine();
                        Place(token with { Text = chunk });
                    }
                }
            }
        }
        if (pieces.Count > 0 || lines.Count == 0) EndLine();
        return lines;
    }

    /// <summary>Draws lines with their first baseline placed so the text's top sits at <paramref name="top"/>.</summary>
    public void Draw(SKCanvas canvas, IReadOnlyList<TextLine> lines, float left, float top, float size, SKColor color, float boxWidth = 0, SKTextAlign align = SKTextAlign.Left)
    {
        float baseline = top + size * 0.95f;
        foreach (var line in lines)
        {
            float shift = align switch
            {
                SKTextAlign.Right => boxWidth - line.Width,
                SKTextAlign.Center => (boxWidth - line.Width) / 2,
                _ => 0,
            };
            foreach (var (x, span) in line.Pieces)
                canvas.DrawText(span.Text, left + shift + x, baseline, Font(span, size), Paint(span.Color ?? color));
            baseline += LineHeight(size);
        }
    }

    public SKPaint Paint(SKColor color)
    {
        if (!_paints.TryGetValue(color, out var paint))
            _paints[color] = paint = new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };
        return paint;
    }

    /// <summary>
    /// The span as runs its face draws and runs in a fallback typeface; a control character becomes
    /// its escape, and a character no shipped font has the replacement character, recorded.
    /// Line breaks pass through.
    /// </summary>
    private IEnumerable<Span> Cover(Span span)
    {
        var face = Typeface(span.Face);
        if (!span.Text.Any(c => char.IsControl(c) && c != '\n') && face.ContainsGlyphs(span.Text.Replace("\n", "")))
        {
            yield return span;
            yield break;
        }
        var run = new StringBuilder();
        SKTypeface? current = null;
        foreach (var rune in span.Text.EnumerateRunes())
        {
            string text = rune.ToString();
            SKTypeface? fallback = null;
            if (Rune.IsControl(rune) && rune.Value != '\n')
                text = VisibleText.Of(text);
            else if (rune.Value != '\n' && !face.ContainsGlyph(rune.Value))
            {
                fallback = Fonts.Fallback(face, rune.Value);
                if (fallback is null)
                {
                    _undrawable.Add(rune.Value);
                    text = ReportFonts.Replacement;
                }
            }
            if (fallback != current && run.Length > 0)
            {
                yield return span with { Text = run.ToString(), Fallback = current };
                run.Clear();
            }
            current = fallback;
            run.Append(text);
        }
        yield return span with { Text = run.ToString(), Fallback = current };
    }

    /// <summary>Words with their trailing spaces kept, so re-joining them restores the text.</summary>
    private static IEnumerable<string> Words(string text)
    {
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == ' ' && (i + 1 == text.Length || text[i + 1] != ' '))
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }
        if (start < text.Length) yield return text[start..];
    }

    private IEnumerable<string> Chunks(Span token, float size, float width)
    {
        string word = token.Text;
        int start = 0;
        while (start < word.Length)
        {
            int end = start + 1;
            while (end < word.Length && Measure(token with { Text = word[start..(end + 1)] }, size) <= width) end++;
            yield return word[start..end];
            start = end;
        }
    }

    public void Dispose()
    {
        foreach (var paint in _paints.Values) paint.Dispose();
        _paints.Clear();
    }
}
