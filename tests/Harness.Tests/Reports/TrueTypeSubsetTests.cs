using System.Buffers.Binary;
using System.Text;
using Harness.Reports.Rendering;
using Harness.Tests.Support;
using SkiaSharp;
using Xunit.Abstractions;

namespace Harness.Tests.Reports;

/// <summary>Runs only where /usr/bin/python3 can import fontTools (Debian's python3-fonttools); skips with the reason elsewhere.</summary>
public sealed class FontToolsFactAttribute : FactAttribute
{
    public FontToolsFactAttribute()
    {
        if (ExternalTools.RequireExternalChecks) return;
        if (ExternalTools.Python is null) Skip = "python3 not found";
        else if (!ExternalTools.PythonHas("fontTools")) Skip = "python3 cannot import fontTools (apt-get install python3-fonttools)";
    }
}

/// <summary>
/// The subset fonts the PDF report embeds, checked against the full fonts as SkiaSharp (FreeType) reads them:
/// same glyph outlines, same advances, only the glyphs asked for.
/// </summary>
public sealed class TrueTypeSubsetTests(ITestOutputHelper log)
{
    // A typical report line: letters, digits, the minus sign, dashes, gap markers, symbols, and accented
    // letters that DejaVu draws as composite glyphs (é, Ä with an unmapped dieresis component, ǖ nested: ü plus a macron).
    private const string ReportLine = "Site Nord-Est (n = 1 234): AUROC 0.723 (0.584–0.862), gap −0.171 ▼ ▲ — 5·10 × 2 ≥ 0.05 ≤ ±0.02 % é Å Ä ǖ";
    private const string Cjk = "東京大学病院 서울 ｶﾀｶﾅ";

    private static string FontPath(string file) => Path.Combine(RepoPaths.Root, "src", "Reports", "Fonts", file);

    private static byte[] Subset(string file, string text) => TrueTypeSubset.Subset(File.ReadAllBytes(FontPath(file)), Codepoints(text));

    private static IEnumerable<int> Codepoints(string text) => text.EnumerateRunes().Select(r => r.Value);

    private static SKTypeface Load(byte[] font) =>
        SKTypeface.FromData(SKData.CreateCopy(font)) ?? throw new Xunit.Sdk.XunitException("SkiaSharp could not load the subset font");

    /// <summary>The report's own font settings (ReportFonts.Get): unhinted, linear metrics.</summary>
    private static SKFont ReportFont(SKTypeface typeface, SKFontHinting hinting = SKFontHinting.None) =>
        new(typeface, 10) { Subpixel = true, LinearMetrics = true, Hinting = hinting, Edging = SKFontEdging.Antialias };

    [Theory]
    [InlineData("DejaVuSans.ttf")]
    [InlineData("DejaVuSans-Bold.ttf")]
    [InlineData("DejaVuSansMono.ttf")]
    public void A_subset_draws_and_measures_the_requested_characters_exactly_as_the_full_font(string file)
    {
        // Given a report line, some of whose characters are composite glyphs in the full font
        using var full = SKTypeface.FromFile(FontPath(file));
        var requested = ReportLine.EnumerateRunes().Distinct().ToList();
        var fullGlyphs = requested.Select(r => (int)full.GetGlyphs(r.ToString())[0]).ToList();
        Assert.DoesNotContain(0, fullGlyphs);
        var fullTables = new FullFontGlyphs(full);
        Assert.Contains(fullGlyphs, fullTables.IsComposite);
        Assert.DoesNotContain(new Rune('Q'), requested);

        // When the font is cut down to it
        using var subset = Load(Subset(file, ReportLine));

        // Then every requested character has a glyph and 'Q' has none
        Assert.All(requested, r => Assert.True(subset.ContainsGlyph(r.Value), $"no glyph for {r}"));
        Assert.False(subset.ContainsGlyph('Q'));
        // and the glyphs are .notdef, one per distinct requested glyph, and their components (recursively)
        var closure = fullTables.WithComponents(fullGlyphs.Prepend(0));
        Assert.True(closure.Count > fullGlyphs.Distinct().Count() + 1, "some composite has a component not requested itself");
        Assert.Equal(closure.Count, subset.GlyphCount);
        // and text measures the same (to 1e-4 pt at 10 pt), unhinted as the report draws it and hinted
        foreach (var hinting in new[] { SKFontHinting.None, SKFontHinting.Full })
        {
            using SKFont fullFont = ReportFont(full, hinting), subsetFont = ReportFont(subset, hinting);
            Assert.Equal(fullFont.MeasureText(ReportLine), subsetFont.MeasureText(ReportLine), 1e-4);
            foreach (var r in requested)
                Assert.Equal(fullFont.MeasureText(r.ToString()), subsetFont.MeasureText(r.ToString()), 1e-4);
            // and every glyph's outline, .notdef and the composite ones included, is the full font's exactly
            AssertSameOutlines(fullFont, subsetFont, requested);
            using SKPath fullPath = fullFont.GetTextPath(ReportLine, SKPoint.Empty), subsetPath = subsetFont.GetTextPath(ReportLine, SKPoint.Empty);
            Assert.Equal(fullPath.ToSvgPathData(), subsetPath.ToSvgPathData());
        }
    }

    [Fact]
    public void A_CJK_subset_is_small_and_draws_its_characters_as_the_full_font()
    {
        // Given the 3.4 MB CJK fallback font and a site name in Japanese, Korean and half-width katakana
        using var full = SKTypeface.FromFile(FontPath("DroidSansFallback.ttf"));
        var requested = Cjk.EnumerateRunes().Distinct().ToList();
        Assert.All(requested, r => Assert.True(full.ContainsGlyph(r.Value), $"the full font lacks {r}"));

        // When it is cut down to that name
        byte[] bytes = Subset("DroidSansFallback.ttf", Cjk);
        using var subset = Load(bytes);

        // Then it is under 30 KB and draws and measures each character as the full font does
        log.WriteLine($"DroidSansFallback.ttf subset to {requested.Count} distinct characters: {bytes.Length} bytes");
        Assert.True(bytes.Length < 30_000, $"{bytes.Length} bytes");
        using SKFont fullFont = ReportFont(full), subsetFont = ReportFont(subset);
        AssertSameOutlines(fullFont, subsetFont, requested);
        Assert.Equal(fullFont.MeasureText(Cjk), subsetFont.MeasureText(Cjk), 1e-4);
        Assert.False(subset.ContainsGlyph('中'));
    }

    [Fact]
    public void A_character_above_the_BMP_gets_a_format_12_cmap()
    {
        // Given a DejaVu character outside the BMP (mathematical sans-serif letters) beside BMP ones
        using var full = SKTypeface.FromFile(FontPath("DejaVuSans.ttf"));
        string text = "a\U0001D5A0b";
        Assert.True(full.ContainsGlyph(0x1D5A0));

        // When the font is cut down to it
        using var subset = Load(Subset("DejaVuSans.ttf", text));
        using SKFont fullFont = ReportFont(full), subsetFont = ReportFont(subset);

        // Then all three characters draw as in the full font, from .notdef, their glyphs and those glyphs' components
        AssertSameOutlines(fullFont, subsetFont, [.. text.EnumerateRunes()]);
        var fullGlyphs = text.EnumerateRunes().Select(r => (int)full.GetGlyphs(r.ToString())[0]).Prepend(0);
        Assert.Equal(new FullFontGlyphs(full).WithComponents(fullGlyphs).Count, subset.GlyphCount);
        // and the cmap has format 4 under Unicode BMP (0/3) and Windows BMP (3/1), format 12 under Unicode full (0/4) and Windows full (3/10)
        byte[] cmap = subset.GetTableData(BinaryPrimitives.ReadUInt32BigEndian("cmap"u8));
        var subtables = Enumerable.Range(0, BinaryPrimitives.ReadUInt16BigEndian(cmap.AsSpan(2))).Select(i =>
        {
            int platform = BinaryPrimitives.ReadUInt16BigEndian(cmap.AsSpan(4 + 8 * i)), encoding = BinaryPrimitives.ReadUInt16BigEndian(cmap.AsSpan(6 + 8 * i));
            int offset = (int)BinaryPrimitives.ReadUInt32BigEndian(cmap.AsSpan(8 + 8 * i));
            return $"{platform}/{encoding}:{BinaryPrimitives.ReadUInt16BigEndian(cmap.AsSpan(offset))}";
        });
        Assert.Equal(["0/3:4", "0/4:12", "3/1:4", "3/10:12"], subtables);
    }

    [Fact]
    public void Subsetting_is_deterministic_and_an_empty_set_leaves_only_notdef()
    {
        // Given the same characters twice, the second time shuffled, repeated and with ones the font lacks
        byte[] font = File.ReadAllBytes(FontPath("DejaVuSans.ttf"));
        var codepoints = Codepoints(ReportLine).ToList();

        // When the font is cut down each time
        byte[] first = TrueTypeSubset.Subset(font, codepoints);
        byte[] second = TrueTypeSubset.Subset(font, [.. Enumerable.Reverse(codepoints), .. codepoints, 0x0378, 0x10FFFF, -1]);

        // Then the bytes are identical
        Assert.Equal(first, second);

        // And with no characters at all, the font loads with .notdef alone, drawn as in the full font
        using var empty = Load(TrueTypeSubset.Subset(font, []));
        using var full = SKTypeface.FromFile(FontPath("DejaVuSans.ttf"));
        Assert.Equal(1, empty.GlyphCount);
        Assert.False(empty.ContainsGlyph('a'));
        using SKFont fullFont = ReportFont(full), emptyFont = ReportFont(empty);
        using SKPath fullNotdef = fullFont.GetGlyphPath(0), emptyNotdef = emptyFont.GetGlyphPath(0);
        Assert.Equal(fullNotdef.ToSvgPathData(), emptyNotdef.ToSvgPathData());
    }

    [Theory]
    [InlineData("DejaVuSans.ttf", ReportLine)]
    [InlineData("DejaVuSansMono.ttf", "")]
    [InlineData("DroidSansFallback.ttf", Cjk)]
    public void The_file_has_a_sorted_aligned_directory_with_right_checksums_and_only_the_tables_the_report_needs(string file, string text)
    {
        // Given a subset; When its table directory is read here from the bytes
        byte[] font = Subset(file, text);
        int count = BinaryPrimitives.ReadUInt16BigEndian(font.AsSpan(4));
        var tags = new List<string>();
        uint fileSum = 0;
        for (int i = 0; i + 4 <= font.Length; i += 4) fileSum += BinaryPrimitives.ReadUInt32BigEndian(font.AsSpan(i));

        // Then the whole file sums to 0xB1B0AFBA (head.checkSumAdjustment) and each table lies 4-byte aligned
        // inside the file with its own checksum (head's taken with checkSumAdjustment as zero)
        Assert.Equal(0xB1B0AFBAu, fileSum);
        Assert.Equal(0, font.Length % 4);
        for (int i = 0; i < count; i++)
        {
            var record = font.AsSpan(12 + 16 * i, 16);
            string tag = Encoding.ASCII.GetString(record[..4]);
            int offset = (int)BinaryPrimitives.ReadUInt32BigEndian(record[8..]), length = (int)BinaryPrimitives.ReadUInt32BigEndian(record[12..]);
            Assert.Equal(0, offset % 4);
            Assert.True(offset + length <= font.Length, tag);
            var data = font.AsSpan(offset, (length + 3) & ~3).ToArray();
            if (tag == "head") data.AsSpan(8, 4).Clear();
            uint sum = 0;
            for (int j = 0; j < data.Length; j += 4) sum += BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(j));
            Assert.True(sum == BinaryPrimitives.ReadUInt32BigEndian(record[4..]), $"checksum of '{tag}'");
            tags.Add(tag);
        }
        Assert.Equal(tags.Order(StringComparer.Ordinal), tags);
        Assert.Empty(tags.Intersect(["GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "DSIG", "MATH", "FFTM"]));
        Assert.Subset(new HashSet<string> { "OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post", "prep", "vhea", "vmtx" }, tags.ToHashSet());
        Assert.Superset(new HashSet<string> { "OS/2", "cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post" }, tags.ToHashSet());
    }

    [Fact]
    public void Sizes_of_typical_report_subsets_are_a_small_fraction_of_the_full_fonts()
    {
        // Given about 120 distinct characters, as a typical report uses: printable ASCII and the report's symbols
        string typical = new string([.. Enumerable.Range(0x20, 0x5F).Select(c => (char)c)]) + "−–—▼▲·×≥≤±°µ…‘’“”éÅÄÖÜäöü";
        Assert.InRange(typical.EnumerateRunes().Distinct().Count(), 115, 125);

        foreach (string file in new[] { "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf" })
        {
            // When each DejaVu font is cut down to them
            long fullSize = new FileInfo(FontPath(file)).Length;
            byte[] subset = Subset(file, typical);
            log.WriteLine($"{file}: {fullSize} bytes, subset to {typical.EnumerateRunes().Distinct().Count()} characters: {subset.Length} bytes");

            // Then the subset is under a tenth of the font
            Assert.True(subset.Length < fullSize / 10, $"{file}: {subset.Length} of {fullSize} bytes");
        }
        log.WriteLine($"DroidSansFallback.ttf subset to \"{Cjk}\": {Subset("DroidSansFallback.ttf", Cjk).Length} bytes");
    }

    [ToolFact("fc-scan")]
    public void Fontconfig_reads_the_subset_as_a_TrueType_font_with_exactly_the_requested_characters()
    {
        // Given a subset written to a file
        using var temp = new TempFolder();
        string path = temp.Combine("subset.ttf");
        File.WriteAllBytes(path, Subset("DejaVuSans.ttf", ReportLine));

        // When fontconfig scans it
        var (exit, output) = ExternalTools.Run("fc-scan", "--format", "%{fontformat}|%{family}|%{charset}", path);

        // Then it is a TrueType font of the family DejaVu Sans whose character set is the line's
        Assert.True(exit == 0, output);
        string[] fields = output.Trim().Split('|');
        Assert.Equal("TrueType", fields[0]);
        Assert.Equal("DejaVu Sans", fields[1]);
        var charset = fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(range =>
        {
            int[] ends = [.. range.Split('-').Select(h => Convert.ToInt32(h, 16))];
            return Enumerable.Range(ends[0], ends[^1] - ends[0] + 1);
        });
        Assert.Equal(Codepoints(ReportLine).Distinct().Order(), charset.Order());
    }

    [FontToolsFact]
    public void FontTools_reads_every_table_of_the_subset_and_finds_the_full_fonts_outlines_and_metrics()
    {
        // Given subsets of a Latin and a CJK font (which has vertical metrics), written to files
        using var temp = new TempFolder();
        foreach (var (file, text) in new[] { ("DejaVuSans.ttf", ReportLine), ("DroidSansFallback.ttf", Cjk) })
        {
            string path = temp.Combine(file);
            File.WriteAllBytes(path, Subset(file, text));

            // When fontTools decompiles every table (failing on a wrong table checksum) and compares each character's
            // outline (composites decomposed), horizontal and vertical metrics with the full font's
            const string Script = """
                import sys
                from fontTools.ttLib import TTFont
                from fontTools.pens.recordingPen import DecomposingRecordingPen
                full, sub = TTFont(sys.argv[1]), TTFont(sys.argv[2], checkChecksums=2)
                for tag in sub.keys():
                    sub[tag]
                full_cmap, full_glyphs, glyphs = full.getBestCmap(), full.getGlyphSet(), sub.getGlyphSet()
                for code, name in sorted(sub.getBestCmap().items()):
                    a, b = DecomposingRecordingPen(full_glyphs), DecomposingRecordingPen(glyphs)
                    full_glyphs[full_cmap[code]].draw(a)
                    glyphs[name].draw(b)
                    for tag in ("hmtx", "vmtx"):
                        if tag in sub and sub[tag][name] != full[tag][full_cmap[code]]:
                            print("U+%04X: %s differs" % (code, tag))
                    if a.value != b.value:
                        print("U+%04X: outline differs" % code)
                print(len(sub.getGlyphOrder()), " ".join("%X" % c for c in sorted(sub.getBestCmap())))
                """;
            var (exit, output) = ExternalTools.Run(ExternalTools.Python!, "-c", Script, FontPath(file), path);

            // Then it succeeds, nothing differs, and the cmap holds exactly the requested characters
            Assert.True(exit == 0, output);
            string[] lines = output.Trim().Split('\n');
            Assert.True(lines.Length == 1, output);
            string[] fields = lines[0].Split(' ');
            Assert.Equal(Codepoints(text).Distinct().Order().Select(c => c.ToString("X")), fields.Skip(1));
            using var subset = Load(File.ReadAllBytes(path));
            Assert.Equal(subset.GlyphCount, int.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Data_that_is_not_a_TrueType_font_is_refused_with_a_clear_message()
    {
        // Given a text file, a CFF-flavoured OpenType header, a font collection header, and a truncated font
        byte[] text = Encoding.UTF8.GetBytes("This is not a font file at all.");
        byte[] otto = [.. "OTTO"u8, 0, 9, 0, 0x80, 0, 3, 0, 0x10, 0, 0, 0, 0];
        byte[] ttc = [.. "ttcf"u8, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 12];
        byte[] truncated = File.ReadAllBytes(FontPath("DejaVuSans.ttf"))[..4096];

        // When each is subset; Then each is refused as invalid data, saying why
        Assert.Contains("not a TrueType font", Assert.Throws<InvalidDataException>(() => TrueTypeSubset.Subset(text, [65])).Message);
        Assert.Contains("CFF", Assert.Throws<InvalidDataException>(() => TrueTypeSubset.Subset(otto, [65])).Message);
        Assert.Contains("collection", Assert.Throws<InvalidDataException>(() => TrueTypeSubset.Subset(ttc, [65])).Message);
        Assert.Contains("outside the file", Assert.Throws<InvalidDataException>(() => TrueTypeSubset.Subset(truncated, [65])).Message);
        Assert.Throws<InvalidDataException>(() => TrueTypeSubset.Subset([], [65]));
    }

    /// <summary>Each character's glyph path in the subset is the full font's, point for point; so is .notdef's.</summary>
    private static void AssertSameOutlines(SKFont full, SKFont subset, IEnumerable<Rune> characters)
    {
        foreach (var r in characters.Prepend(default))
        {
            ushort fullGlyph = r.Value == 0 ? (ushort)0 : full.GetGlyphs(r.ToString())[0];
            ushort subsetGlyph = r.Value == 0 ? (ushort)0 : subset.GetGlyphs(r.ToString())[0];
            using SKPath fullPath = full.GetGlyphPath(fullGlyph), subsetPath = subset.GetGlyphPath(subsetGlyph);
            Assert.True(fullPath.ToSvgPathData() == subsetPath.ToSvgPathData(), $"outline of {r} (U+{r.Value:X4})");
            Assert.Equal(fullPath.Points, subsetPath.Points);
        }
    }
}

/// <summary>A full font's composite glyphs, read from its raw 'head', 'loca' and 'glyf' tables as SkiaSharp returns them.</summary>
internal sealed class FullFontGlyphs
{
    private readonly byte[] _loca, _glyf;
    private readonly bool _longOffsets;

    public FullFontGlyphs(SKTypeface font)
    {
        static uint Tag(string tag) => BinaryPrimitives.ReadUInt32BigEndian(Encoding.ASCII.GetBytes(tag));
        _loca = font.GetTableData(Tag("loca"));
        _glyf = font.GetTableData(Tag("glyf"));
        _longOffsets = BinaryPrimitives.ReadInt16BigEndian(font.GetTableData(Tag("head")).AsSpan(50)) == 1;
    }

    public bool IsComposite(int glyph) => Data(glyph) is { Length: > 0 } data && BinaryPrimitives.ReadInt16BigEndian(data) < 0;

    /// <summary>The glyphs and, recursively, their components.</summary>
    public SortedSet<int> WithComponents(IEnumerable<int> glyphs)
    {
        var all = new SortedSet<int>();
        var pending = new Queue<int>(glyphs);
        while (pending.TryDequeue(out int glyph))
        {
            if (!all.Add(glyph) || !IsComposite(glyph)) continue;
            var data = Data(glyph);
            for (int p = 10; ; )
            {
                int flags = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p));
                pending.Enqueue(BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(p + 2)));
                p += 4 + ((flags & 1) != 0 ? 4 : 2) + ((flags & 8) != 0 ? 2 : (flags & 0x40) != 0 ? 4 : (flags & 0x80) != 0 ? 8 : 0);
                if ((flags & 0x20) == 0) break;
            }
        }
        return all;
    }

    private byte[] Data(int glyph) => _glyf[Offset(glyph)..Offset(glyph + 1)];

    private int Offset(int g) => _longOffsets
        ? (int)BinaryPrimitives.ReadUInt32BigEndian(_loca.AsSpan(4 * g))
        : 2 * BinaryPrimitives.ReadUInt16BigEndian(_loca.AsSpan(2 * g));
}
