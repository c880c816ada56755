using System.Text;
using Harness.Reports.Rendering;

namespace Harness.Tests.Reports;

/// <summary>Runs only where some installed font has a character the report's own font lacks (DejaVu Math TeX Gyre's 𝒜 here).</summary>
public sealed class FallbackFontFactAttribute : FactAttribute
{
    public FallbackFontFactAttribute()
    {
        if (GlyphFallbackTests.FallbackOnly is null) Skip = "no installed font has a character the report's font lacks";
    }
}

/// <summary>No character is dropped silently: the report's typesetter falls back to another installed font, or replaces and records.</summary>
public sealed class GlyphFallbackTests
{
    /// <summary>A character only another installed font has (searched in the math and symbol blocks), or null.</summary>
    public static Rune? FallbackOnly { get; } = FindFallbackOnly();

    private static Rune? FindFallbackOnly()
    {
        using var fonts = ReportFonts.Load();
        var candidates = Enumerable.Range(0x2100, 0x700).Concat(Enumerable.Range(0x1D400, 0x400)).Where(Rune.IsValid);
        foreach (int c in candidates)
            if (!fonts.Regular.ContainsGlyph(c) && fonts.Fallback(c) is not null) return new Rune(c);
        return null;
    }

    [FallbackFontFact]
    public void A_character_the_report_font_lacks_is_drawn_in_an_installed_font_that_has_it()
    {
        // Given a site name with a character only another installed font has
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        string name = $"site {FallbackOnly} north";

        // When it is laid out
        var pieces = type.Wrap(name, 8, 400).SelectMany(l => l.Pieces).Select(p => p.Span).ToList();

        // Then the text is whole, that character alone is in the fallback typeface, and nothing is recorded as undrawable
        Assert.Equal(name, string.Concat(pieces.Select(p => p.Text)));
        var fallback = Assert.Single(pieces, p => p.Fallback is not null);
        Assert.Equal(FallbackOnly.ToString(), fallback.Text);
        Assert.True(fallback.Fallback!.ContainsGlyph(FallbackOnly!.Value.Value));
        Assert.Empty(type.Undrawable);
    }

    [Fact]
    public void A_character_no_font_has_is_replaced_visibly_and_recorded_and_a_control_character_is_escaped()
    {
        // Given text with U+0378 (unassigned: no font has it), ESC, and a line break
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);

        // When it is laid out
        var lines = type.Wrap("a\u0378b\u001b[5mc\nnext", 8, 400);

        // Then U+0378 becomes the replacement character and is recorded, ESC reads \x1B as on the console,
        // and the line break still breaks
        var texts = lines.Select(l => string.Concat(l.Pieces.Select(p => p.Span.Text))).ToList();
        Assert.Equal([$"a{fonts.Replacement}b\\x1B[5mc", "next"], texts);
        Assert.Equal([0x378], type.Undrawable);
    }

    [Fact]
    public void A_chart_label_is_kept_whole_in_one_family_or_replaced_and_recorded()
    {
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);

        var plain = type.OneFamily("Predicted risk of disease");
        var missing = type.OneFamily("Predicted risk of \u0378");

        Assert.Equal(("Predicted risk of disease", fonts.Family), plain);
        Assert.Equal(($"Predicted risk of {fonts.Replacement}", fonts.Family), missing);
        Assert.Equal([0x378], type.Undrawable);
    }
}
