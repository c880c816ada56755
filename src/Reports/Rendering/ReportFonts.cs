using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>
/// The typefaces the report draws with: the fonts shipped in the <see cref="Folder"/> beside the
/// program (src/Reports/Fonts, with their licences), never the machine's, so a report looks the
/// same wherever it is made. DejaVu Sans (regular, bold, mono) draws Latin, Greek, Cyrillic and
/// symbols; Droid Sans Fallback draws what they lack (CJK, kana, Hangul).
/// <para>
/// Text is laid out with the whole fonts; before the pages are drawn, <see cref="UseSubsets"/>
/// swaps each font for a subset holding only the characters the layout used
/// (<see cref="TrueTypeSubset"/>), which is what the PDF embeds: a few kilobytes instead of the
/// whole files. Advance widths are the same in both, so the layout stays exact.
/// </para>
/// </summary>
internal sealed class ReportFonts : IDisposable
{
    /// <summary>The fonts' folder, relative to the program.</summary>
    public const string Folder = "fonts";

    private const string RegularFile = "DejaVuSans.ttf", BoldFile = "DejaVuSans-Bold.ttf", MonoFile = "DejaVuSansMono.ttf",
        FallbackFile = "DroidSansFallback.ttf";

    private readonly Dictionary<SKTypeface, (byte[] Bytes, SortedSet<int> Used)> _sources = [];
    private readonly Dictionary<SKTypeface, SKTypeface> _subsets = [];
    private readonly Dictionary<(SKTypeface, float), SKFont> _fonts = [];

    private readonly string _folder;
    private SKTypeface? _fallback;

    private ReportFonts(string folder)
    {
        _folder = folder;
        Regular = Open(folder, RegularFile);
        Bold = Open(folder, BoldFile);
        Mono = Open(folder, MonoFile);
    }

    public SKTypeface Regular { get; }
    public SKTypeface Bold { get; }
    public SKTypeface Mono { get; }

    /// <summary>Droid Sans Fallback: CJK and whatever else the DejaVu faces lack. Read (3.4 MB) only when a report needs it.</summary>
    public SKTypeface FallbackFace => _fallback ??= Open(_folder, FallbackFile);

    /// <summary>What stands for a character no shipped font has: U+FFFD.</summary>
    public const string Replacement = "\uFFFD";

    /// <summary>Loads the shipped fonts from <paramref name="folder"/> (default: <see cref="Folder"/> beside the program).</summary>
    public static ReportFonts Load(string? folder = null) => new(folder ?? Path.Combine(AppContext.BaseDirectory, Folder));

    /// <summary>The shipped typeface that draws <paramref name="codepoint"/> when <paramref name="face"/> lacks it; null when none does.</summary>
    public SKTypeface? Fallback(SKTypeface face, int codepoint) =>
        new[] { Regular, Bold, Mono }.FirstOrDefault(t => t != face && t.ContainsGlyph(codepoint))
        ?? (FallbackFace.ContainsGlyph(codepoint) ? FallbackFace : null);

    /// <summary>Notes that <paramref name="text"/> is drawn in <paramref name="typeface"/>, so its subset keeps those characters.</summary>
    public void Use(SKTypeface typeface, string text)
    {
        if (_sources.TryGetValue(typeface, out var source))
            foreach (var rune in text.EnumerateRunes()) source.Used.Add(rune.Value);
    }

    /// <summary>From now on, draws with subsets holding only the characters noted by <see cref="Use"/>.</summary>
    public void UseSubsets()
    {
        foreach (var (full, (bytes, used)) in _sources)
        {
            if (_subsets.ContainsKey(full) || used.Count == 0) continue;
            var data = TrueTypeSubset.Subset(bytes, used);
            _subsets[full] = SKTypeface.FromData(SKData.CreateCopy(data))
                ?? throw new InvalidOperationException($"SkiaSharp could not load the subset of {full.FamilyName}.");
        }
    }

    /// <summary>A font of the given typeface and size (its subset once <see cref="UseSubsets"/> ran), cached.</summary>
    public SKFont Get(SKTypeface typeface, float size)
    {
        var drawn = _subsets.GetValueOrDefault(typeface, typeface);
        if (!_fonts.TryGetValue((drawn, size), out var font))
        {
            // Unhinted, linear metrics: glyph advances are not rounded to whole points, which would space text out.
            font = new SKFont(drawn, size) { Subpixel = true, LinearMetrics = true, Hinting = SKFontHinting.None, Edging = SKFontEdging.Antialias };
            _fonts[(drawn, size)] = font;
        }
        return font;
    }

    private SKTypeface Open(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The report's font {path} cannot be read ({e.Message}); it ships with Harness: rebuild or reinstall Harness.", e);
        }
        var typeface = SKTypeface.FromData(SKData.CreateCopy(bytes))
            ?? throw new InvalidOperationException($"The report's font {path} is not a font SkiaSharp can load; rebuild or reinstall Harness.");
        _sources[typeface] = (bytes, []);
        return typeface;
    }

    public void Dispose()
    {
        foreach (var font in _fonts.Values) font.Dispose();
        foreach (var subset in _subsets.Values) subset.Dispose();
        foreach (var typeface in _sources.Keys) typeface.Dispose();
        _fonts.Clear();
        _subsets.Clear();
        _sources.Clear();
    }
}
