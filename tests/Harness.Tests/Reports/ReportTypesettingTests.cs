using Harness.Reports;
using Harness.Reports.Rendering;

namespace Harness.Tests.Reports;

public sealed class ReportTypesettingTests
{
    [Theory]
    [InlineData(-0.1049, "\u22120.105")]
    [InlineData(0.0124, "+0.012")]
    [InlineData(0.0004, "0.000")]
    [InlineData(-0.0004, "0.000")]
    [InlineData(null, "")]
    public void Gaps_are_signed_to_three_decimals_with_a_true_minus(double? gap, string expected)
    {
        // Given a gap; When it is formatted; Then it reads as the table shows it
        Assert.Equal(expected, ReportFormat.Gap(gap));
    }

    [Theory]
    [InlineData(0.71249, "0.712")]
    [InlineData(1.0, "1.000")]
    [InlineData(null, "—")]
    [InlineData(double.NaN, "—")]
    public void Metric_values_have_three_decimals_and_a_dash_when_undefined(double? value, string expected)
    {
        Assert.Equal(expected, ReportFormat.Metric(value));
    }

    [Fact]
    public void Intervals_use_a_dash_between_positive_bounds_and_to_beside_a_minus_sign()
    {
        // Given an AUROC and a calibration intercept with intervals, and a gap with one
        var auroc = Harness.Core.Metrics.MetricCatalog.Get(Harness.Core.Metrics.MetricKeys.Auroc);
        var intercept = Harness.Core.Metrics.MetricCatalog.Get(Harness.Core.Metrics.MetricKeys.CalibrationIntercept);
        static Harness.Core.Metrics.MetricValue With(double value, double lower, double upper) => new(value)
        {
            Ci = new(lower, upper, 0.95, Harness.Core.Metrics.IntervalMethod.Wald),
        };

        // When they are formatted; Then each reads as the tables show it
        Assert.Equal("0.723 (0.584–0.862)", ReportFormat.WithInterval(auroc, With(0.7231, 0.5841, 0.8622)));
        Assert.Equal("\u22120.05 (\u22120.51 to 0.41)", ReportFormat.WithInterval(intercept, With(-0.05, -0.51, 0.41)));
        Assert.Equal("0.723", ReportFormat.WithInterval(auroc, new(0.7231)));
        Assert.Equal("—", ReportFormat.WithInterval(auroc, new(null)));
        Assert.Equal("\u22120.171 (\u22120.318 to \u22120.024)", ReportFormat.GapWithInterval(auroc, With(-0.171, -0.318, -0.024)));
        Assert.Equal("(\u22120.318 to \u22120.024)", ReportFormat.GapInterval(auroc, With(-0.171, -0.318, -0.024)));
        Assert.Equal("", ReportFormat.GapInterval(auroc, new(-0.171)));
    }

    [Fact]
    public void Prevalence_is_a_percentage_with_one_decimal()
    {
        Assert.Equal("35.0%", ReportFormat.Percent(0.35));
        Assert.Equal("—", ReportFormat.Percent(null));
    }

    [Fact]
    public void Fonts_are_the_shipped_ones_with_the_reports_glyphs()
    {
        // Given the fonts shipped beside the program (src/Reports/Fonts), not the machine's
        // When the report's fonts are loaded
        using var fonts = ReportFonts.Load();

        // Then they are DejaVu Sans (regular, bold, mono) and Droid Sans Fallback, with the minus sign, dashes and markers
        Assert.Equal(["DejaVu Sans", "DejaVu Sans", "DejaVu Sans Mono", "Droid Sans Fallback"],
            [fonts.Regular.FamilyName, fonts.Bold.FamilyName, fonts.Mono.FamilyName, fonts.FallbackFace.FamilyName]);
        Assert.True(fonts.Bold.FontWeight > fonts.Regular.FontWeight);
        Assert.All(fonts.Regular.GetGlyphs("0.712 (−0.105) — ▼▲ ±≥≤ \uFFFD"), g => Assert.NotEqual(0, g));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, ReportFonts.Folder, "LICENSE-DejaVu.txt")));
    }

    [Fact]
    public void Long_words_such_as_hashes_break_inside_the_word_and_lose_nothing()
    {
        // Given a hash far wider than a narrow column
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);

        // When it is wrapped to 60 points
        var lines = type.Wrap(ReportFixtures.ModelSha256, 8, 60, Face.Mono);

        // Then it takes several lines, none wider than the column, and re-joins to the hash
        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(l.Width <= 60.01f, $"line {l.Width}pt wide"));
        Assert.Equal(ReportFixtures.ModelSha256, string.Concat(lines.SelectMany(l => l.Pieces).Select(p => p.Span.Text)));
    }

    [Fact]
    public void Paragraphs_wrap_at_spaces_and_honour_explicit_line_breaks()
    {
        // Given a sentence with a forced break
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        string text = "no CUDA device was found, so ONNX Runtime ran on the CPU\nReason stated";

        // When it is wrapped to 120 points
        var lines = type.Wrap(text, 8.5f, 120);

        // Then no line overflows, words stay whole, and the break starts a new line
        Assert.All(lines, l => Assert.True(l.Width <= 120.01f));
        var texts = lines.Select(l => string.Concat(l.Pieces.Select(p => p.Span.Text))).ToList();
        Assert.Equal(text.Replace("\n", " ").Split(' '), string.Join(" ", texts).Split(' '));
        Assert.Equal("Reason stated", texts[^1]);
    }
}
