using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;
using Harness.Core;
using Harness.Core.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Sites;

/// <summary>
/// The byte-level, parallel manifest parser against an independent one: CsvHelper 34 reading the
/// same random manifests (quoted cells with commas, quotes and line breaks, CRLF, lone CR, blank
/// lines, Unicode white space, a byte-order mark), with the trimming, number and date parsing of
/// the .NET string APIs; at chunk sizes that cut the file into many chunks parsed in parallel.
/// </summary>
public sealed class ManifestParsingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] Columns = ["id", "label", "patient_id", "date", "group:ward", "age", "chol", "bp"];

    /// <summary>A random valid manifest: its text, and the header's column order.</summary>
    private static string RandomManifest(Random rng, int rows)
    {
        var columns = Columns.OrderBy(_ => rng.Next()).ToArray();
        var text = new StringBuilder();
        if (rng.Next(2) == 0) text.Append('\uFEFF');
        text.Append(string.Join(",", columns.Select(c => rng.Next(4) == 0 ? Quote(c) : c))).Append('\n');
        for (int r = 0; r < rows; r++)
        {
            if (rng.Next(20) == 0) text.Append(rng.Next(2) == 0 ? "\n" : "\r\n"); // a blank line
            text.Append(string.Join(",", columns.Select(c => Cell(rng, c, r))));
            int ending = rng.Next(40);
            text.Append(ending == 0 ? "\r" : ending < 10 ? "\r\n" : "\n");
        }
        if (rng.Next(2) == 0) text.Length -= text[^1] == '\n' && text[^2] == '\r' ? 2 : 1; // no line break after the last row
        return text.ToString();
    }

    private static readonly string[] Spaces = ["", "", "", " ", "  ", "\t", "\u00A0", "\u3000", "\u2009"];

    private static string Padded(Random rng, string text) => Spaces[rng.Next(Spaces.Length)] + text + Spaces[rng.Next(Spaces.Length)];

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    private static string Cell(Random rng, string column, int row)
    {
        string text = column switch
        {
            "id" => Padded(rng, rng.Next(6) switch
            {
                0 => $"p,{row}",
                1 => $"p\"{row}\"",
                2 => $"line\n{row}",
                3 => $"é中{row}",
                _ => $"row-{row}",
            }),
            "label" => Padded(rng, rng.Next(3) switch { 0 => "yes", 1 => "no", _ => "maybe, \"so\"" }),
            "patient_id" => rng.Next(3) == 0 ? "" : Padded(rng, $"pt{rng.Next(50)}"),
            "date" => rng.Next(4) switch { 0 => "", 1 => "2019-03-28T10:15:00Z", _ => $"20{rng.Next(10, 25)}-{rng.Next(1, 13):00}-{rng.Next(1, 29):00}" },
            "group:ward" => Padded(rng, rng.Next(3) switch { 0 => "", 1 => "A", _ => "B,C" }),
            _ => Padded(rng, rng.Next(12) switch
            {
                0 => "",
                1 => "?",
                2 => rng.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture),
                3 => (rng.NextDouble() * 1e6).ToString("E6", CultureInfo.InvariantCulture),
                4 => "+" + rng.Next(100),
                5 => "." + rng.Next(1000),
                6 => rng.Next(100) + ".",
                7 => "0." + string.Concat(Enumerable.Range(0, 25).Select(_ => rng.Next(10))),
                8 => "-0",
                9 => ((decimal)rng.Next() / 7919m).ToString(CultureInfo.InvariantCulture),
                _ => (rng.NextDouble() * 400 - 200).ToString("R", CultureInfo.InvariantCulture),
            }),
        };
        bool mustQuote = text.IndexOfAny([',', '"', '\n', '\r']) >= 0;
        return mustQuote || rng.Next(10) == 0 ? Quote(text) : text;
    }

    /// <summary>What the manifest holds, read by CsvHelper and the .NET string APIs: the reference.</summary>
    private static (List<ManifestRow> Rows, string ContentSha256) Reference(string path)
    {
        using var csv = CsvReader.Create(File.OpenRead(path), new CsvReaderOptions
        {
            HasHeader = true, Separator = ',', TrackLineNumbers = true, SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw, FieldCountMismatch = CsvFieldCountHandling.Allow,
            FormatProvider = CultureInfo.InvariantCulture,
        }, leaveOpen: false);
        var header = csv.Headers.Select(h => h.Trim()).ToArray();
        int Col(string name) => Array.IndexOf(header, name);
        var byName = Enumerable.Range(0, header.Length).OrderBy(c => header[c], StringComparer.Ordinal).ToArray();
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Hash(IEnumerable<string> cells) => content.AppendData(Encoding.UTF8.GetBytes(string.Concat(cells.Select(c => c + "\u001F")) + "\u001E"));
        Hash(byName.Select(c => header[c]));
        var rows = new List<ManifestRow>();
        while (csv.Read())
        {
            var cells = Enumerable.Range(0, csv.FieldCount).Select(c => csv.GetString(c).Trim()).ToArray();
            Hash(byName.Select(c => cells[c]));
            string date = cells[Col("date")];
            DateOnly? day = date.Length == 0 ? null
                : DateOnly.FromDateTime(DateTimeOffset.ParseExact(date, ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssK"], CultureInfo.InvariantCulture).DateTime);
            float Feature(string name) => cells[Col(name)] is "" or "?" ? float.NaN : (float)double.Parse(cells[Col(name)], NumberStyles.Float, CultureInfo.InvariantCulture);
            string id = cells[Col("id")];
            rows.Add(new ManifestRow(csv.LineNumber, id, cells[Col("patient_id")] is { Length: > 0 } p ? p : id, day, cells[Col("label")],
                [Feature("age"), Feature("chol"), Feature("bp")]) { Groups = [cells[Col("group:ward")]] });
        }
        return (rows, Convert.ToHexStringLower(content.GetCurrentHash()));
    }

    [Theory]
    [InlineData(64)]      // about one row a chunk: every record crosses or ends at a boundary
    [InlineData(1000)]
    [InlineData(1 << 20)] // the default: one chunk
    public void Random_manifests_read_as_csvhelper_and_the_string_apis_read_them(int chunkBytes)
    {
        for (int seed = 0; seed < 8; seed++)
        {
            // Given a random valid manifest
            var rng = new Random(seed);
            string dir = _temp.WriteSite($"s{seed}-{chunkBytes}", RandomManifest(rng, 300));

            // When read by Harness and by the reference
            var (expected, contentSha256) = Reference(Path.Combine(dir, "manifest.csv"));
            using var reader = ManifestReader.Open(SiteFolder.Open(dir), chunkBytes);
            var features = reader.Schema.AlignTo(["age", "chol", "bp"], "manifest.csv", "the test");
            var rows = reader.ReadRows().ToList();

            // Then every row, value, line and both hashes agree
            Assert.Equal(expected.Count, rows.Count);
            for (int r = 0; r < rows.Count; r++)
            {
                var (want, got) = (expected[r], rows[r]);
                Assert.Equal((want.Line, want.Id, want.PatientId, want.Label, want.Date), (got.Line, got.Id, got.PatientId, got.Label, got.Date));
                Assert.Equal(want.Features, features.Select(f => got.Features[f]).ToArray());
                Assert.Equal(want.Groups, got.Groups);
            }
            Assert.Equal(contentSha256, reader.ContentSha256);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "manifest.csv")))), reader.Sha256);
        }
    }

    private string ManyRows(int rows, Func<int, string> row) =>
        _temp.WriteSite("many-" + Guid.NewGuid().ToString("N")[..6], "id,label,age\n" + string.Concat(Enumerable.Range(0, rows).Select(r => row(r) + "\n")));

    private static InputException FirstError(string dir, int chunkBytes = 64)
    {
        using var reader = ManifestReader.Open(SiteFolder.Open(dir), chunkBytes);
        return Assert.Throws<InputException>(() => reader.ReadRows().Count());
    }

    [Fact]
    public void The_first_error_in_file_order_is_raised_whatever_the_chunks()
    {
        // Given a repeated id on line 501 (first on line 11) and a bad number on line 901, in many small chunks
        string dir = ManyRows(1000, r => r switch { 499 => "r9,a,1", 899 => "r899,a,x", _ => $"r{r},a,{r}" });

        // Then the repeat, which comes first
        var e = FirstError(dir);
        Assert.Equal((501L, 1), (e.Line!.Value, e.Column!.Value));
        Assert.Contains("first on line 11", e.Problem);

        // And with the bad number first, the bad number
        string other = ManyRows(1000, r => r switch { 499 => "r499,a,x", 899 => "r9,a,1", _ => $"r{r},a,{r}" });
        Assert.Equal((501L, 3), (FirstError(other).Line!.Value, FirstError(other).Column!.Value));
    }

    [Fact]
    public void A_row_with_a_repeated_id_and_a_bad_number_reports_the_repeat_as_a_row_is_checked()
    {
        // Given line 3 repeats line 2's id and has a non-number: the id is checked before the features
        var e = FirstError(ManyRows(3, r => r == 1 ? "r0,a,x" : $"r{r},a,{r}"));
        Assert.Equal((3L, 1), (e.Line!.Value, e.Column!.Value));
    }

    [Fact]
    public void Rows_before_an_error_are_handed_out_before_it_is_raised()
    {
        // Given a bad number on line 801 of 1,000
        string dir = ManyRows(1000, r => r == 799 ? "r799,a,x" : $"r{r},a,{r}");

        // When the rows are read in small chunks
        var seen = new List<long>();
        using var reader = ManifestReader.Open(SiteFolder.Open(dir), 64);
        var e = Assert.Throws<InputException>(() => { foreach (var row in reader.ReadRows()) seen.Add(row.Line); });

        // Then every row before it came first, in order
        Assert.Equal(Enumerable.Range(2, 799).Select(l => (long)l), seen);
        Assert.Equal(801L, e.Line);
    }

    [Fact]
    public void Invalid_utf8_in_a_later_chunk_names_its_line_and_byte()
    {
        // Given a Latin-1 'é' (0xE9) as the 2nd byte of line 701
        var bytes = new List<byte>(Encoding.UTF8.GetBytes("id,label,age\n" + string.Concat(Enumerable.Range(0, 698).Select(r => $"r{r},a,{r}\n"))));
        bytes.AddRange([(byte)'r', 0xE9, (byte)',', (byte)'a', (byte)',', (byte)'1', (byte)'\n']);
        bytes.AddRange(Encoding.UTF8.GetBytes("z,a,2\n"));
        string dir = _temp.Combine("latin1");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "manifest.csv"), [.. bytes]);

        // Then line 700 (header + 698 rows before it), byte 2, and its file offset
        var e = FirstError(dir);
        Assert.Equal(700L, e.Line);
        Assert.Contains("byte 2 of this line", e.Problem);
        Assert.Contains($"offset {bytes.IndexOf(0xE9)} in the file", e.Problem);
    }

    [Fact]
    public void A_record_longer_than_a_chunk_is_read_whole()
    {
        // Given an id of 10,000 characters with quoted line breaks, read in 64-byte chunks
        string id = string.Concat(Enumerable.Repeat("ab\ncd,", 2000));
        string dir = _temp.WriteSite("long", $"id,label,age\nr1,a,1\n{Quote(id)},b,2\nr3,a,3\n");

        using var reader = ManifestReader.Open(SiteFolder.Open(dir), 64);
        var rows = reader.ReadRows().ToList();

        // Then the id is whole, and the next row is on line 2004: the 2,000 quoted line breaks count
        Assert.Equal(id, rows[1].Id);
        Assert.Equal((3L, 2004L), (rows[1].Line, rows[2].Line));
    }

    [Fact]
    public void Abandoning_the_rows_early_stops_the_parsing_cleanly()
    {
        string dir = ManyRows(5000, r => $"r{r},a,{r}");
        using var reader = ManifestReader.Open(SiteFolder.Open(dir), 256);
        Assert.Equal("r0", reader.ReadRows().First().Id);
    }

    [Fact]
    public void Numbers_parse_to_the_double_the_string_parser_gives()
    {
        // Plain decimals take the fast path; the rest the full parser: both must give double.Parse's double
        var rng = new Random(11);
        for (int i = 0; i < 200_000; i++)
        {
            string text = rng.Next(5) switch
            {
                0 => (rng.NextDouble() * Math.Pow(10, rng.Next(-8, 16))).ToString("F" + rng.Next(0, 12), CultureInfo.InvariantCulture),
                1 => rng.NextInt64(-(1L << 54), 1L << 54).ToString(CultureInfo.InvariantCulture),
                2 => "0." + string.Concat(Enumerable.Range(0, rng.Next(1, 30)).Select(_ => rng.Next(10))),
                3 => BitConverter.Int64BitsToDouble(rng.NextInt64() & 0x7FEF_FFFF_FFFF_FFFFL).ToString("R", CultureInfo.InvariantCulture),
                _ => (rng.Next(2) == 0 ? "-" : "+") + rng.Next(0, 100000) + "." + rng.Next(0, 100000).ToString("00000", CultureInfo.InvariantCulture),
            };
            double expected = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(Utf8Cells.TryParseDouble(Encoding.UTF8.GetBytes(text), out double parsed), text);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(parsed));
        }
        foreach (string bad in new[] { ".", "-", "+", "1.2.3", "1-2", "--1", "0x1", "1e", "abc" })
            Assert.Equal(double.TryParse(bad, NumberStyles.Float, CultureInfo.InvariantCulture, out _), Utf8Cells.TryParseDouble(Encoding.UTF8.GetBytes(bad), out _));
    }

    [Fact]
    public void Trimming_removes_what_string_trim_removes()
    {
        // Every white-space character .NET knows, around text, and non-white-space characters that look alike
        var white = Enumerable.Range(0, 0x3001).Select(c => (char)c).Where(char.IsWhiteSpace).Select(c => c.ToString()).ToArray();
        string[] texts = ["x", "é", "中文", "a b", "\u200B", "\uFEFFx", ""];
        foreach (string w in white)
            foreach (string t in texts)
            {
                string cell = w + t + w + w;
                Assert.Equal(cell.Trim(), Encoding.UTF8.GetString(Utf8Cells.Trim(Encoding.UTF8.GetBytes(cell))));
            }
    }

    [Fact]
    public void The_id_set_keeps_every_hash_through_growth()
    {
        // Given far more ids than the set expected, so that it grows several times
        var set = new IdHashSet(10);
        var rng = new Random(3);
        var hashes = Enumerable.Range(0, 100_000).Select(_ => (ulong)rng.NextInt64()).Append(0UL).Distinct().ToArray();

        // Then each is new once, and seen after
        Assert.All(hashes, h => Assert.True(set.Add(h)));
        Assert.All(hashes, h => Assert.False(set.Add(h)));
    }
}
