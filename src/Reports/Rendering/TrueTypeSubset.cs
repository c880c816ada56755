using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Harness.Reports.Rendering;

/// <summary>
/// Cuts a TrueType font down to the glyphs a report's text uses, so the PDF embeds a few kilobytes
/// instead of the whole font file (SkiaSharp's PDF backend embeds whatever font file it is given).
/// <para>
/// Kept: .notdef, the glyphs the requested codepoints map to through the font's cmap, and every
/// component of a composite glyph (recursively), renumbered densely in ascending original glyph id.
/// Rebuilt: cmap (format 4, plus format 12 when a codepoint is above U+FFFF), glyf and loca, hmtx
/// (one full advance and side bearing per kept glyph, so every advance width is the full font's and
/// text measured with the full font lays out identically with the subset), vhea/vmtx likewise when
/// present, post (version 3.0: no glyph names), and the glyph counts in maxp and hhea. Copied:
/// head, hhea, maxp, OS/2 (its first and last character index updated), name, and the hinting
/// tables cvt, fpgm, prep and gasp, so hinted outlines are the full font's too.
/// </para>
/// <para>
/// Dropped: everything else, since it refers to glyph ids this does not renumber. SkiaSharp draws
/// unshaped text (each character's glyph comes from the cmap alone), so the shaping tables GSUB,
/// GPOS, GDEF and kern are never read; hdmx, VDMX and LTSH only cache hinted metrics; DSIG would
/// no longer match; MATH, bitmap and colour tables name glyphs.
/// </para>
/// </summary>
internal static class TrueTypeSubset
{
    // Copied unchanged (head, hhea, maxp and OS/2 are copied and patched).
    private static readonly string[] CopiedTables = ["cvt ", "fpgm", "gasp", "name", "prep"];

    // Composite glyph component flags (OpenType 'glyf').
    private const int ArgsAreWords = 0x0001, HaveScale = 0x0008, MoreComponents = 0x0020, HaveXYScale = 0x0040, HaveTwoByTwo = 0x0080;

    /// <summary>
    /// A TrueType font holding .notdef and the glyphs of <paramref name="codepoints"/> (and their
    /// components); codepoints the font lacks are ignored. Same input, same bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not a single TrueType (glyf-based) font, or is corrupt.</exception>
    public static byte[] Subset(ReadOnlySpan<byte> font, IEnumerable<int> codepoints)
    {
        ArgumentNullException.ThrowIfNull(codepoints);
        var wanted = codepoints.Where(c => c is >= 0 and <= 0x10FFFF).Distinct().Order().ToList();
        try
        {
            return Build(font, wanted);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            throw new InvalidDataException("The font file is truncated or corrupt: a table or glyph lies outside its data.", e);
        }
    }

    private static byte[] Build(ReadOnlySpan<byte> font, List<int> wanted)
    {
        var directory = ReadDirectory(font);
        if (!directory.ContainsKey("glyf") || !directory.ContainsKey("loca"))
            throw new InvalidDataException("The font has no 'glyf' and 'loca' tables: it is not a TrueType-outline font.");
        var head = Required(font, directory, "head");
        var maxp = Required(font, directory, "maxp");
        var hhea = Required(font, directory, "hhea");
        var hmtx = Required(font, directory, "hmtx");
        var cmap = Required(font, directory, "cmap");
        var loca = Required(font, directory, "loca");
        var glyf = Required(font, directory, "glyf");
        if (U32(head, 12) != 0x5F0F3CF5) throw new InvalidDataException("The font's 'head' table has the wrong magic number.");
        int indexToLocFormat = I16(head, 50);
        if (indexToLocFormat is not (0 or 1)) throw new InvalidDataException($"The font's head.indexToLocFormat is {indexToLocFormat}, not 0 or 1.");
        int numGlyphs = U16(maxp, 4);
        if (numGlyphs == 0) throw new InvalidDataException("The font has no glyphs (maxp.numGlyphs is 0).");

        var offsets = new int[numGlyphs + 1];
        for (int g = 0; g <= numGlyphs; g++)
            offsets[g] = indexToLocFormat == 0 ? 2 * U16(loca, 2 * g) : checked((int)U32(loca, 4 * g));

        // Which glyphs: .notdef, the cmap's glyph for each codepoint, then components until none is new.
        var (subtableOffset, symbol) = ChooseCmap(cmap);
        var subtable = cmap[subtableOffset..];
        int format = U16(subtable, 0);
        var codeToOld = new SortedDictionary<int, int>();
        foreach (int c in wanted)
        {
            int code = c, glyph = Lookup(subtable, format, c);
            if (glyph == 0 && symbol && c <= 0xFF) glyph = Lookup(subtable, format, code = 0xF000 + c);
            if (glyph > 0 && glyph < numGlyphs) codeToOld[code] = glyph;
        }
        var keep = new SortedSet<int>(codeToOld.Values) { 0 };
        var pending = new Stack<int>(keep);
        while (pending.Count > 0)
        {
            var glyph = Glyph(glyf, offsets, pending.Pop());
            foreach (int at in ComponentIndexOffsets(glyph))
            {
                int component = U16(glyph, at);
                if (component >= numGlyphs) throw new InvalidDataException($"A composite glyph refers to glyph {component}; the font has {numGlyphs}.");
                if (keep.Add(component)) pending.Push(component);
            }
        }
        int[] kept = [.. keep];
        var newId = new Dictionary<int, int>(kept.Length);
        for (int i = 0; i < kept.Length; i++) newId[kept[i]] = i;

        // glyf and loca: each glyph copied (4-byte aligned) with its component indices renumbered.
        var newOffsets = new int[kept.Length + 1];
        for (int i = 0; i < kept.Length; i++)
            newOffsets[i + 1] = newOffsets[i] + ((Glyph(glyf, offsets, kept[i]).Length + 3) & ~3);
        int glyfLength = newOffsets[^1];
        var newGlyf = new byte[glyfLength];
        for (int i = 0; i < kept.Length; i++)
        {
            var glyph = Glyph(glyf, offsets, kept[i]);
            var copy = newGlyf.AsSpan(newOffsets[i], glyph.Length);
            glyph.CopyTo(copy);
            foreach (int at in ComponentIndexOffsets(glyph)) W16(copy, at, newId[U16(glyph, at)]);
        }
        bool shortLoca = glyfLength / 2 <= 0xFFFF;
        var newLoca = new byte[(kept.Length + 1) * (shortLoca ? 2 : 4)];
        for (int i = 0; i <= kept.Length; i++)
            if (shortLoca) W16(newLoca, 2 * i, newOffsets[i] / 2);
            else W32(newLoca, 4 * i, (uint)newOffsets[i]);

        var tables = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["glyf"] = newGlyf,
            ["loca"] = newLoca,
            ["cmap"] = BuildCmap(codeToOld.ToDictionary(p => p.Key, p => newId[p.Value]), symbol),
            ["hmtx"] = Metrics(hmtx, U16(hhea, 34), numGlyphs, kept),
        };
        var newHead = head[..54].ToArray();
        W32(newHead, 8, 0); // checkSumAdjustment: set once the whole file is laid out
        W16(newHead, 50, shortLoca ? 0 : 1);
        tables["head"] = newHead;
        tables["maxp"] = WithU16(maxp, 4, kept.Length);
        tables["hhea"] = WithU16(hhea, 34, kept.Length);
        if (directory.ContainsKey("vhea") && directory.ContainsKey("vmtx"))
        {
            var vhea = Required(font, directory, "vhea");
            tables["vmtx"] = Metrics(Required(font, directory, "vmtx"), U16(vhea, 34), numGlyphs, kept);
            tables["vhea"] = WithU16(vhea, 34, kept.Length);
        }
        if (directory.ContainsKey("post"))
        {
            var post = Required(font, directory, "post")[..32].ToArray();
            W32(post, 0, 0x00030000);
            tables["post"] = post;
        }
        if (directory.ContainsKey("OS/2"))
        {
            var os2 = Required(font, directory, "OS/2").ToArray();
            if (codeToOld.Count > 0 && os2.Length >= 68)
            {
                W16(os2, 64, Math.Min(codeToOld.Keys.First(), 0xFFFF));
                W16(os2, 66, Math.Min(codeToOld.Keys.Last(), 0xFFFF));
            }
            tables["OS/2"] = os2;
        }
        foreach (string tag in CopiedTables)
            if (directory.ContainsKey(tag)) tables[tag] = Required(font, directory, tag).ToArray();
        return Assemble(U32(font, 0), tables);
    }

    private static Dictionary<string, (int Offset, int Length)> ReadDirectory(ReadOnlySpan<byte> font)
    {
        if (font.Length < 12) throw new InvalidDataException($"The data ({font.Length} bytes) is too short to be a font file.");
        uint version = U32(font, 0);
        if (version == 0x4F54544F) // 'OTTO'
            throw new InvalidDataException("The font is an OpenType font with CFF outlines ('OTTO'); only TrueType (glyf-based) fonts can be subset.");
        if (version == 0x74746366) // 'ttcf'
            throw new InvalidDataException("The data is a font collection ('ttcf'); pass a single TrueType font.");
        if (version is not (0x00010000 or 0x74727565)) // 1.0 or 'true'
            throw new InvalidDataException($"The data is not a TrueType font (its sfnt version is 0x{version:X8}).");
        int count = U16(font, 4);
        var directory = new Dictionary<string, (int, int)>(count);
        for (int i = 0; i < count; i++)
        {
            var record = font.Slice(12 + 16 * i, 16);
            string tag = Encoding.Latin1.GetString(record[..4]);
            long offset = U32(record, 8), length = U32(record, 12);
            if (offset + length > font.Length)
                throw new InvalidDataException($"The font's '{tag}' table lies outside the file ({offset}+{length} > {font.Length} bytes).");
            directory.TryAdd(tag, ((int)offset, (int)length));
        }
        return directory;
    }

    private static ReadOnlySpan<byte> Required(ReadOnlySpan<byte> font, Dictionary<string, (int Offset, int Length)> directory, string tag) =>
        directory.TryGetValue(tag, out var t) ? font.Slice(t.Offset, t.Length)
            : throw new InvalidDataException($"The font lacks the required '{tag}' table.");

    private static ReadOnlySpan<byte> Glyph(ReadOnlySpan<byte> glyf, int[] offsets, int glyph) =>
        glyf[offsets[glyph]..offsets[glyph + 1]];

    /// <summary>Where each component's glyph index lies in a composite glyph; empty for a simple or empty glyph.</summary>
    private static List<int> ComponentIndexOffsets(ReadOnlySpan<byte> glyph)
    {
        var at = new List<int>();
        if (glyph.Length == 0 || I16(glyph, 0) >= 0) return at;
        int p = 10, flags;
        do
        {
            flags = U16(glyph, p);
            at.Add(p + 2);
            p += 4 + ((flags & ArgsAreWords) != 0 ? 4 : 2)
                + ((flags & HaveScale) != 0 ? 2 : (flags & HaveXYScale) != 0 ? 4 : (flags & HaveTwoByTwo) != 0 ? 8 : 0);
        } while ((flags & MoreComponents) != 0);
        return at;
    }

    /// <summary>Full metrics (advance, side bearing) for each kept glyph, from an hmtx or vmtx table.</summary>
    private static byte[] Metrics(ReadOnlySpan<byte> table, int longMetrics, int numGlyphs, int[] kept)
    {
        if (longMetrics < 1 || longMetrics > numGlyphs)
            throw new InvalidDataException($"The font's number of long metrics ({longMetrics}) is not between 1 and its glyph count ({numGlyphs}).");
        var metrics = new byte[4 * kept.Length];
        for (int i = 0; i < kept.Length; i++)
        {
            int g = kept[i];
            W16(metrics, 4 * i, U16(table, 4 * Math.Min(g, longMetrics - 1)));
            W16(metrics, 4 * i + 2, g < longMetrics ? U16(table, 4 * g + 2) : U16(table, 4 * longMetrics + 2 * (g - longMetrics)));
        }
        return metrics;
    }

    /// <summary>
    /// The cmap subtable to read: Unicode (format 12 before format 4, Windows before Unicode platform),
    /// else the Windows symbol one, whose codes are looked up as given and then at U+F000 plus the code.
    /// </summary>
    private static (int Offset, bool Symbol) ChooseCmap(ReadOnlySpan<byte> cmap)
    {
        int best = int.MaxValue, bestOffset = 0;
        for (int i = 0; i < U16(cmap, 2); i++)
        {
            int platform = U16(cmap, 4 + 8 * i), encoding = U16(cmap, 6 + 8 * i);
            int offset = checked((int)U32(cmap, 8 + 8 * i)), format = U16(cmap, offset);
            int rank = (platform, encoding, format) switch
            {
                (3, 10, 12) => 0,
                (0, _, 12) => 1,
                (3, 1, 4) => 2,
                (0, _, 4) => 3,
                (3, 0, 4) => 4,
                _ => int.MaxValue,
            };
            if (rank < best) (best, bestOffset) = (rank, offset);
        }
        if (best == int.MaxValue)
            throw new InvalidDataException("The font has no Unicode or symbol cmap subtable of format 4 or 12.");
        return (bestOffset, best == 4);
    }

    private static int Lookup(ReadOnlySpan<byte> subtable, int format, int c)
    {
        if (format == 12)
        {
            int lo = 0, hi = checked((int)U32(subtable, 12)) - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2, at = 16 + 12 * mid;
                if (c < U32(subtable, at)) hi = mid - 1;
                else if (c > U32(subtable, at + 4)) lo = mid + 1;
                else return checked((int)(U32(subtable, at + 8) + (c - U32(subtable, at))));
            }
            return 0;
        }
        if (c > 0xFFFF) return 0;
        int segments = U16(subtable, 6) / 2;
        int starts = 16 + 2 * segments, deltas = starts + 2 * segments, ranges = deltas + 2 * segments;
        for (int i = 0; i < segments; i++)
        {
            if (U16(subtable, 14 + 2 * i) < c) continue;
            int start = U16(subtable, starts + 2 * i);
            if (c < start) return 0;
            int delta = U16(subtable, deltas + 2 * i), range = U16(subtable, ranges + 2 * i);
            if (range == 0) return (c + delta) & 0xFFFF;
            int glyph = U16(subtable, ranges + 2 * i + range + 2 * (c - start));
            return glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
        }
        return 0;
    }

    /// <summary>
    /// A cmap with a format 4 subtable for the BMP (under Unicode 0/3 and Windows 3/1) and, when a code is
    /// above U+FFFF, a format 12 one for all codes (0/4 and 3/10); a symbol font keeps its one 3/0 subtable.
    /// </summary>
    private static byte[] BuildCmap(Dictionary<int, int> codeToGlyph, bool symbol)
    {
        var map = codeToGlyph.OrderBy(p => p.Key).Select(p => (Code: p.Key, Glyph: p.Value)).ToList();
        var format4 = Format4(map.Where(m => m.Code < 0xFFFF).ToList());
        var format12 = map.Count > 0 && map[^1].Code > 0xFFFF ? Format12(map) : null;
        (int Platform, int Encoding, bool Full)[] records = symbol ? [(3, 0, false)]
            : format12 is null ? [(0, 3, false), (3, 1, false)]
            : [(0, 3, false), (0, 4, true), (3, 1, false), (3, 10, true)];
        int header = 4 + 8 * records.Length;
        var cmap = new byte[header + format4.Length + (format12?.Length ?? 0)];
        W16(cmap, 2, records.Length);
        for (int i = 0; i < records.Length; i++)
        {
            W16(cmap, 4 + 8 * i, records[i].Platform);
            W16(cmap, 6 + 8 * i, records[i].Encoding);
            W32(cmap, 8 + 8 * i, (uint)(records[i].Full ? header + format4.Length : header));
        }
        format4.CopyTo(cmap, header);
        format12?.CopyTo(cmap, header + format4.Length);
        return cmap;
    }

    /// <summary>Format 4: one segment per run of consecutive codes with consecutive glyphs (idDelta, no glyphIdArray), then the 0xFFFF end segment.</summary>
    private static byte[] Format4(List<(int Code, int Glyph)> map)
    {
        var segments = new List<(int Start, int End, int Delta)>();
        foreach (var (code, glyph) in map)
            if (segments.Count > 0 && segments[^1].End == code - 1 && segments[^1].Delta == glyph - code)
                segments[^1] = segments[^1] with { End = code };
            else
                segments.Add((code, code, glyph - code));
        segments.Add((0xFFFF, 0xFFFF, 1));
        int count = segments.Count, length = 16 + 8 * count;
        if (length > 0xFFFF)
            throw new ArgumentException($"Too many codepoints for one cmap format 4 subtable ({count} segments).");
        var table = new byte[length];
        int searchRange = 2 * (1 << BitOperations.Log2((uint)count));
        W16(table, 0, 4);
        W16(table, 2, length);
        W16(table, 6, 2 * count);
        W16(table, 8, searchRange);
        W16(table, 10, BitOperations.Log2((uint)searchRange / 2));
        W16(table, 12, 2 * count - searchRange);
        for (int i = 0; i < count; i++)
        {
            W16(table, 14 + 2 * i, segments[i].End);
            W16(table, 16 + 2 * count + 2 * i, segments[i].Start);
            W16(table, 16 + 4 * count + 2 * i, segments[i].Delta & 0xFFFF); // idRangeOffset (after it) stays 0
        }
        return table;
    }

    /// <summary>Format 12: one group per run of consecutive codes with consecutive glyphs.</summary>
    private static byte[] Format12(List<(int Code, int Glyph)> map)
    {
        var groups = new List<(int Start, int End, int Glyph)>();
        foreach (var (code, glyph) in map)
            if (groups.Count > 0 && groups[^1].End == code - 1 && groups[^1].Glyph + (code - groups[^1].Start) == glyph)
                groups[^1] = groups[^1] with { End = code };
            else
                groups.Add((code, code, glyph));
        var table = new byte[16 + 12 * groups.Count];
        W16(table, 0, 12);
        W32(table, 4, (uint)table.Length);
        W32(table, 12, (uint)groups.Count);
        for (int i = 0; i < groups.Count; i++)
        {
            W32(table, 16 + 12 * i, (uint)groups[i].Start);
            W32(table, 20 + 12 * i, (uint)groups[i].End);
            W32(table, 24 + 12 * i, (uint)groups[i].Glyph);
        }
        return table;
    }

    /// <summary>The font file: directory sorted by tag, tables 4-byte aligned, checksums, then head.checkSumAdjustment.</summary>
    private static byte[] Assemble(uint sfntVersion, SortedDictionary<string, byte[]> tables)
    {
        int count = tables.Count, offset = 12 + 16 * count;
        var file = new byte[offset + tables.Values.Sum(t => (t.Length + 3) & ~3)];
        int searchRange = 16 * (1 << BitOperations.Log2((uint)count));
        W32(file, 0, sfntVersion);
        W16(file, 4, count);
        W16(file, 6, searchRange);
        W16(file, 8, BitOperations.Log2((uint)searchRange / 16));
        W16(file, 10, 16 * count - searchRange);
        int record = 12, headOffset = 0;
        foreach (var (tag, data) in tables)
        {
            data.CopyTo(file, offset);
            Encoding.Latin1.GetBytes(tag, file.AsSpan(record, 4));
            W32(file, record + 4, Checksum(file.AsSpan(offset, (data.Length + 3) & ~3)));
            W32(file, record + 8, (uint)offset);
            W32(file, record + 12, (uint)data.Length);
            if (tag == "head") headOffset = offset;
            record += 16;
            offset += (data.Length + 3) & ~3;
        }
        W32(file, headOffset + 8, 0xB1B0AFBA - Checksum(file));
        return file;
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 4 <= data.Length; i += 4) sum += U32(data, i);
        return sum;
    }

    private static byte[] WithU16(ReadOnlySpan<byte> table, int at, int value)
    {
        var copy = table.ToArray();
        W16(copy, at, value);
        return copy;
    }

    private static int U16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
    private static int I16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadInt16BigEndian(data[at..]);
    private static uint U32(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
    private static void W16(Span<byte> data, int at, int value) => BinaryPrimitives.WriteUInt16BigEndian(data[at..], (ushort)value);
    private static void W32(Span<byte> data, int at, uint value) => BinaryPrimitives.WriteUInt32BigEndian(data[at..], value);
}
