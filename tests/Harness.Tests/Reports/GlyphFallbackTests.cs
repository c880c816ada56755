using Harness.Reports.Rendering;

namespace Harness.Tests.Reports;

/// <summary>No character is dropped silently: the typesetter falls back to another shipped font, or replaces and records.</summary>
public sealed class GlyphFallbackTests
{
    [Fact]
    public void A_cjk_name_is_drawn_in_the_shipped_fallback_font_which_has_every_one_of_its_characters()
    {
        // Given a site name in Japanese between Latin words
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        const string cjk = "東京大学病院";
        string name = $"site {cjk} north";

        // When it is laid out
        var pieces = type.Wrap(name, 8, 400).SelectMany(l => l.Pieces).Select(p => p.Span).ToList();

        // Then the text is whole, the CJK run alone is in Droid Sans Fallback (which has each code point: no box), and nothing is undrawable
        Assert.Equal(name, string.Concat(pieces.Select(p => p.Text)));
        var fallback = Assert.Single(pieces, p => p.Fallback is not null);
        Assert.Equal(cjk, fallback.Text);
        Assert.Same(fonts.FallbackFace, fallback.Fallback);
        Assert.All(cjk, c => Assert.True(fonts.FallbackFace.ContainsGlyph(c), $"U+{(int)c:X4}"));
        Assert.All(cjk, c => Assert.False(fonts.Regular.ContainsGlyph(c)));
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
        Assert.Equal([$"a{ReportFonts.Replacement}b\\x1B[5mc", "next"], texts);
        Assert.Equal([0x378], type.Undrawable);
    }

    [Fact]
    public void Subsets_hold_exactly_the_characters_laid_out_and_measure_as_the_whole_fonts()
    {
        // Given text laid out with the whole fonts
        using var fonts = ReportFonts.Load();
        using var type = new Typesetter(fonts);
        const string text = "AUROC 0.712 (0.504–0.920) ▼ −0.174 東京";
        float before = type.Wrap(text, 9, 1000)[0].Width;

        // When the fonts switch to their subsets
        fonts.UseSubsets();

        // Then the same text measures the same (to 1e-3 pt), and a character never laid out has no glyph in the subset
        float after = type.Wrap(text, 9, 1000)[0].Width;
        Assert.Equal(before, after, 3);
        var subset = fonts.Get(fonts.Regular, 9).Typeface;
        Assert.NotSame(fonts.Regular, subset);
        Assert.True(subset.ContainsGlyph('A'));
        Assert.False(subset.ContainsGlyph('Q'));
    }
}
