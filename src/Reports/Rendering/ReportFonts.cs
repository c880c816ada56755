using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// The typefaces the report embeds. Found by family name through Skia's font manager: a PDF
/// needs a real font file to embed, and a missing one would otherwise print as empty boxes.
/// A character the chosen fonts lack (a CJK site name, say) is drawn in another installed font
/// that has it (<see cref="Fallback"/>); Skia's font manager on Linux does not search for one itself.
/// </summary>
internal sealed class ReportFonts : IDisposable
{
    private static readonly string[] SansFamilies = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"];
    private static readonly string[] MonoFamilies = ["DejaVu Sans Mono", "Liberation Mono", "Courier New", "Courier"];

    // Characters the report cannot do without: digits, letters, the minus sign, the dashes for missing
    // values and intervals, and the markers of distinguishable gaps.
    private const string NeededGlyphs = "0123456789.%()ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz−—–▼▲";

    private readonly Dictionary<(SKTypeface, float), SKFont> _fonts = [];
    private readonly Dictionary<int, SKTypeface?> _fallbacks = [];
    private List<SKTypeface>? _installed;

    private ReportFonts(SKTypeface regular, SKTypeface bold, SKTypeface mono)
    {
        Regular = regular;
        Bold = bold;
        Mono = mono;
    }

    public SKTypeface Regular { get; }
    public SKTypeface Bold { get; }
    public SKTypeface Mono { get; }

    /// <summary>The family ScottPlot is told to use, so charts and text match.</summary>
    public string Family => Regular.FamilyName;

    /// <summary>What stands for a character no installed font has: U+FFFD where the font has it, else '?'.</summary>
    public string Replacement => Regular.ContainsGlyph(0xFFFD) ? "\uFFFD" : "?";

    /// <summary>The first installed typeface that has <paramref name="codepoint"/>, or null when none has it.</summary>
    public SKTypeface? Fallback(int codepoint)
    {
        if (!_fallbacks.TryGetValue(codepoint, out var typeface))
            _fallbacks[codepoint] = typeface = Installed().FirstOrDefault(t => t.ContainsGlyph(codepoint));
        return typeface;
    }

    /// <summary>The first installed typeface that has every character of <paramref name="text"/>, or null.</summary>
    public SKTypeface? Covering(string text) => Installed().FirstOrDefault(t => t.ContainsGlyphs(text));

    private List<SKTypeface> Installed() => _installed ??= SKFontManager.Default.FontFamilies
        .Select(f => SKFontManager.Default.MatchFamily(f, SKFontStyle.Normal))
        .OfType<SKTypeface>().ToList();

    public static ReportFonts Load()
    {
        var manager = SKFontManager.Default;
        var regular = Find(manager, SansFamilies.Concat(manager.FontFamilies), SKFontStyle.Normal)
            ?? throw new InvalidOperationException(
                "No usable font was found for the PDF report (tried DejaVu Sans, Liberation Sans, Arial, Helvetica and every installed family). " +
                "Install one, e.g. 'apt-get install fonts-dejavu-core'.");
        var bold = manager.MatchFamily(regular.FamilyName, SKFontStyle.Bold) is { } b && HasGlyphs(b) && b.FontWeight > regular.FontWeight
            ? b
            : regular;
        var mono = Find(manager, MonoFamilies, SKFontStyle.Normal) ?? regular;
        return new ReportFonts(regular, bold, mono);
    }

    /// <summary>A font of the given typeface and size, cached: pages are laid out first and drawn later.</summary>
    public SKFont Get(SKTypeface typeface, float size)
    {
        if (!_fonts.TryGetValue((typeface, size), out var font))
        {
            // Unhinted, linear metrics: glyph advances are not rounded to whole points, which would space text out.
            font = new SKFont(typeface, size) { Subpixel = true, LinearMetrics = true, Hinting = SKFontHinting.None, Edging = SKFontEdging.Antialias };
            _fonts[(typeface, size)] = font;
        }
        return font;
    }

    private static SKTypeface? Find(SKFontManager manager, IEnumerable<string> families, SKFontStyle style)
    {
        foreach (string family in families)
        {
            var typeface = manager.MatchFamily(family, style);
            if (typeface is not null && HasGlyphs(typeface)) return typeface;
            typeface?.Dispose();
        }
        return null;
    }

    private static bool HasGlyphs(SKTypeface typeface) => typeface.GetGlyphs(NeededGlyphs).All(g => g != 0);

    public void Dispose()
    {
        foreach (var font in _fonts.Values) font.Dispose();
        _fonts.Clear();
        foreach (var typeface in _installed ?? []) typeface.Dispose();
    }
}
