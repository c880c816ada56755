using System.Security.Cryptography;
using System.Text;
using Harness.Core;
using Harness.Core.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Sites;

/// <summary>
/// Reading manifest.csv: a good manifest's values, and for each kind of bad input an
/// <see cref="InputException"/> that names the file, line and (for a cell) the 1-based column,
/// on one line, with a fix.
/// </summary>
public sealed class ManifestReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private List<ManifestRow> Read(string csv, out ManifestSchema schema)
    {
        using var reader = ManifestReader.Open(SiteFolder.Open(_temp.WriteSite("site", csv)));
        schema = reader.Schema;
        return reader.ReadRows().ToList();
    }

    private List<ManifestRow> Read(string csv) => Read(csv, out _);

    /// <summary>Reads <paramref name="csv"/>, expecting an input error, and checks what every such error must have.</summary>
    private InputException Fails(string csv)
    {
        var e = Assert.Throws<InputException>(() => Read(csv));
        AssertWellFormed(e);
        Assert.NotNull(e.File);
        Assert.EndsWith("manifest.csv", e.File);
        return e;
    }

    internal static void AssertWellFormed(InputException e)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.Problem));
        Assert.False(string.IsNullOrWhiteSpace(e.Fix));
        Assert.Contains(e.Problem, e.Message);
        Assert.Contains(e.Fix, e.Message);
        if (e.File is not null) Assert.StartsWith(e.File, e.Message);
    }

    // ------------------------------------------------------------------ good input

    [Fact]
    public void Good_manifest_parses_values_missing_cells_dates_and_patients()
    {
        // Given ids, patients (one left empty), dates (one empty), labels and two features with missing values
        const string csv = """
            id,patient_id,date,label,age,chol
            a1,p1,2019-03-28,disease,63,233.5
            a2,p1,2019-04-02,no_disease,?,-1e2
            a3,,,disease, 41 ,
            """;

        // When it is read
        var rows = Read(csv, out var schema);

        // Then the schema and every value are as written
        Assert.Equal(new[] { "age", "chol" }, schema.FeatureNames.ToArray());
        Assert.True(schema.HasPatientId);
        Assert.True(schema.HasDate);
        Assert.Equal(3, rows.Count);

        Assert.Equal(("a1", "p1", "disease", 2L), (rows[0].Id, rows[0].PatientId, rows[0].Label, rows[0].Line));
        Assert.Equal(new DateOnly(2019, 3, 28), rows[0].Date);
        Assert.Equal(new[] { 63f, 233.5f }, rows[0].Features);

        Assert.Equal(new DateOnly(2019, 4, 2), rows[1].Date);
        Assert.Equal("p1", rows[1].PatientId);
        Assert.True(float.IsNaN(rows[1].Features[0]), "'?' is missing");
        Assert.Equal(-100f, rows[1].Features[1]);

        Assert.Equal("a3", rows[2].PatientId); // empty patient_id: the row is its own patient
        Assert.Null(rows[2].Date);
        Assert.Equal(41f, rows[2].Features[0]); // surrounding spaces trimmed
        Assert.True(float.IsNaN(rows[2].Features[1]), "empty cell is missing");
        Assert.Equal(4L, rows[2].Line);
    }

    [Fact]
    public void Without_patient_id_each_row_is_its_own_patient()
    {
        // Given no patient_id and no date column
        var rows = Read("id,label,age\nx1,a,1\nx2,b,2\n", out var schema);

        // Then the patient is the row's id
        Assert.False(schema.HasPatientId);
        Assert.False(schema.HasDate);
        Assert.Equal(new[] { "x1", "x2" }, rows.Select(r => r.PatientId).ToArray());
        Assert.All(rows, r => Assert.Null(r.Date));
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_tolerated()
    {
        // Given a manifest saved by a spreadsheet with a UTF-8 BOM before "id"
        string dir = _temp.Combine("bom");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "manifest.csv"), "id,label,age\n1,a,5\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(Path.Combine(dir, "manifest.csv"))[0]);

        // When it is read
        using var reader = ManifestReader.Open(SiteFolder.Open(dir));
        var rows = reader.ReadRows().ToList();

        // Then the first column is "id" (not "\uFEFFid") and the row reads
        Assert.Equal("id", reader.Schema.Columns[0]);
        Assert.Equal("1", rows.Single().Id);
        Assert.Equal(5f, rows.Single().Features[0]);
    }

    [Fact]
    public void A_quoted_cell_may_hold_a_comma_and_a_doubled_quote()
    {
        // Given quoted id and label cells holding commas and quotes, and a quoted number
        const string csv = "id,label,age\n\"a,1\",\"heart \"\"disease\"\", severe\",\"7.5\"\nb,x,2\n";

        // When / Then
        var rows = Read(csv);
        Assert.Equal("a,1", rows[0].Id);
        Assert.Equal("heart \"disease\", severe", rows[0].Label);
        Assert.Equal(7.5f, rows[0].Features[0]);
        Assert.Equal(3L, rows[1].Line);
    }

    [Fact]
    public void Windows_line_endings_read_like_unix_ones()
    {
        // Given CRLF line endings
        var rows = Read("id,label,age\r\n1,a,5\r\n2,b,6\r\n");

        // Then the last cell carries no '\r' and lines count as usual
        Assert.Equal(new[] { 5f, 6f }, rows.Select(r => r.Features[0]).ToArray());
        Assert.Equal(new[] { "a", "b" }, rows.Select(r => r.Label).ToArray());
        Assert.Equal(new[] { 2L, 3L }, rows.Select(r => r.Line).ToArray());
    }

    [Fact]
    public void Rows_report_their_physical_line_after_a_blank_line()
    {
        // Given a blank line between two rows
        var rows = Read("id,label,age\n1,a,5\n\n2,b,6\n");

        // Then the blank line is skipped and the second row is on line 4
        Assert.Equal(new[] { 2L, 4L }, rows.Select(r => r.Line).ToArray());
    }

    [Theory]
    [InlineData("2019-03-28", 2019, 3, 28)]
    [InlineData("2019-03-28T10:15:00", 2019, 3, 28)]
    [InlineData("2019-03-28T10:15:00Z", 2019, 3, 28)]
    [InlineData("2000-02-29", 2000, 2, 29)]
    public void Iso_dates_parse(string text, int year, int month, int day)
    {
        var rows = Read($"id,date,label,age\n1,{text},a,5\n");
        Assert.Equal(new DateOnly(year, month, day), rows.Single().Date);
    }

    [Fact]
    public void Feature_values_are_the_nearest_float32()
    {
        // Given decimals that float32 cannot hold exactly
        var rows = Read("id,label,a,b,c\n1,x,0.1,3.4028234663852886E+38,-0.0000001\n");

        // Then each is the float nearest the decimal (checked against float.Parse)
        Assert.Equal(new[] { float.Parse("0.1", System.Globalization.CultureInfo.InvariantCulture), float.MaxValue, -1e-7f },
            rows.Single().Features);
    }

    [Fact]
    public void Site_data_load_reads_every_row_and_hashes_the_exact_bytes()
    {
        // Given a manifest whose SHA-256 is computed here from the bytes written
        const string csv = "id,label,age\n1,a,5\n2,b,6\n";
        string dir = _temp.WriteSite("hashed", csv);
        string expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(csv)));

        // When
        var data = SiteData.Load(SiteFolder.Open(dir));

        // Then
        Assert.Equal(2, data.Rows.Count);
        Assert.Equal("hashed", data.Site.Name);
        Assert.Equal(expected, data.ManifestSha256);
        Assert.Matches("^[0-9a-f]{64}$", data.ManifestSha256);
    }

    [ToolFact("sha256sum")]
    public void Site_data_hash_matches_sha256sum()
    {
        // Given a manifest on disk / When hashed by Harness and by coreutils / Then the same lower-case hex
        string dir = _temp.WriteSite("tool", "id,label,age\n1,a,5\n");
        var (exit, output) = ExternalTools.Run("sha256sum", Path.Combine(dir, "manifest.csv"));
        Assert.Equal(0, exit);
        Assert.Equal(output.Split(' ')[0], SiteData.Load(SiteFolder.Open(dir)).ManifestSha256);
    }

    [Fact]
    public void Rows_can_be_read_only_once()
    {
        using var reader = ManifestReader.Open(SiteFolder.Open(_temp.WriteSite("once", "id,label,age\n1,a,5\n")));
        _ = reader.ReadRows().ToList();
        Assert.Throws<InvalidOperationException>(() => reader.ReadRows().ToList());
    }

    // ------------------------------------------------------------------ bad input

    [Fact]
    public void Missing_label_column_is_reported_on_line_1()
    {
        // Given a header without label / When read / Then line 1, the problem names 'label', the header is shown
        var e = Fails("id,age\n1,5\n");
        Assert.Equal(1L, e.Line);
        Assert.Null(e.Column);
        Assert.Contains("'label'", e.Problem);
        Assert.Contains("id,age", e.Fix);
    }

    [Fact]
    public void Label_spelled_with_a_capital_gets_a_case_hint()
    {
        var e = Fails("id,Label,age\n1,a,5\n");
        Assert.Equal(1L, e.Line);
        Assert.Contains("'label'", e.Problem);
        Assert.Contains("found 'Label'", e.Problem);
        Assert.Contains("case-sensitive", e.Problem);
    }

    [Fact]
    public void Missing_id_column_is_reported()
    {
        var e = Fails("label,age\na,5\n");
        Assert.Equal(1L, e.Line);
        Assert.Contains("'id'", e.Problem);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,5")]        // quoted decimal comma
    [InlineData("NaN")]        // missing is '?' or empty, not NaN
    [InlineData("Infinity")]
    [InlineData("1e39")]       // finite as a double, beyond float32
    [InlineData("0x10")]
    public void Non_numeric_feature_value_names_line_and_column(string cell)
    {
        // Given the bad value on line 3 in the 4th column (chol)
        string quoted = cell.Contains(',') ? $"\"{cell}\"" : cell;
        var e = Fails($"id,label,age,chol\n1,a,63,200\n2,b,50,{quoted}\n3,a,40,180\n");

        // Then line 3, column 4, and the problem quotes the value and the column
        Assert.Equal(3L, e.Line);
        Assert.Equal(4, e.Column);
        Assert.Contains(cell, e.Problem);
        Assert.Contains("chol", e.Problem);
        Assert.Contains(":3:4:", e.Message);
    }

    [Fact]
    public void Duplicate_id_names_both_lines()
    {
        // Given id "b" on lines 3 and 5
        var e = Fails("id,label,age\na,x,1\nb,x,2\nc,x,3\nb,x,4\n");

        // Then the error is on line 5, column 1 (id), and mentions the first use on line 3
        Assert.Equal(5L, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Contains("'b'", e.Problem);
        Assert.Contains("line 3", e.Problem);
    }

    [Fact]
    public void Ids_are_compared_after_trimming()
    {
        var e = Fails("id,label,age\nb,x,1\n b ,x,2\n");
        Assert.Equal(3L, e.Line);
        Assert.Contains("line 2", e.Problem);
    }

    [Theory]
    [InlineData("id,label,age\n1,a,5\n2,b,6,7\n", 3L)]   // one cell too many
    [InlineData("id,label,age\n1,a,5\n2,b\n", 3L)]       // one too few
    [InlineData("id,label,age\n1,a\n", 2L)]
    public void Ragged_row_names_its_line(string csv, long line)
    {
        var e = Fails(csv);
        Assert.Equal(line, e.Line);
        Assert.Contains("3", e.Problem); // the header's cell count
    }

    [Theory]
    [InlineData("28/03/2019")]
    [InlineData("2019-13-01")]
    [InlineData("2019-02-30")]
    [InlineData("yesterday")]
    public void Unparsable_date_names_line_and_column(string date)
    {
        // Given the bad date on line 2, in the 2nd column
        var e = Fails($"id,date,label,age\n1,{date},a,5\n");

        // Then line 2, column 2, and the fix shows the expected format
        Assert.Equal(2L, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Contains(date, e.Problem);
        Assert.Contains("YYYY-MM-DD", e.Fix);
    }

    [Fact]
    public void Empty_id_and_empty_label_name_their_cells()
    {
        var id = Fails("id,label,age\n1,a,5\n ,b,6\n");
        Assert.Equal((3L, 1), (id.Line!.Value, id.Column!.Value));

        var label = Fails("id,age,label\n1,5,a\n2,6,\n");
        Assert.Equal((3L, 3), (label.Line!.Value, label.Column!.Value));
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        // Given a 0-byte manifest.csv / When opened / Then an input error (not a CsvHelper or index exception)
        var e = Fails("");
        Assert.Contains("empty", e.Problem);
    }

    [Fact]
    public void File_of_blank_lines_is_reported_as_empty()
    {
        var e = Fails("\n\n");
        Assert.Contains("empty", e.Problem);
    }

    [Fact]
    public void Header_only_file_is_reported()
    {
        // Given a header and no rows / When the rows are read / Then "no rows"
        var e = Fails("id,label,age\n");
        Assert.Contains("no rows", e.Problem);
    }

    [Fact]
    public void Duplicate_column_name_names_both_columns()
    {
        var e = Fails("id,label,age,chol,age\n1,a,5,6,7\n");
        Assert.Equal(1L, e.Line);
        Assert.Equal(5, e.Column);
        Assert.Contains("'age'", e.Problem);
        Assert.Contains("3", e.Problem);
    }

    [Theory]
    [InlineData("id;label;age\n1;a;5\n")]
    [InlineData("id\tlabel\tage\n1\ta\t5\n")]
    public void Semicolon_or_tab_separated_file_is_recognised(string csv)
    {
        var e = Fails(csv);
        Assert.Equal(1L, e.Line);
        Assert.Equal(1, e.Column);
        Assert.Contains("comma", e.Fix);
    }

    [Fact]
    public void Unnamed_header_column_is_reported()
    {
        var e = Fails("id,label,,age\n1,a,2,5\n");
        Assert.Equal(1L, e.Line);
        Assert.Equal(3, e.Column);
    }

    [Fact]
    public void Unterminated_quote_is_a_malformed_csv_error()
    {
        // Given a quote that never closes on line 3
        var e = Fails("id,label,age\n1,a,5\n2,\"b,6\n3,c,7\n");

        // Then an input error with a fix about quoting (not a raw CsvHelper exception)
        Assert.Contains("quote", e.Fix, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Message_stays_on_one_line_when_a_duplicate_id_holds_a_line_break()
    {
        // Given an id cell "a<LF>b" (legal CSV: quoted) used on two rows
        var e = Assert.Throws<InputException>(() => Read("id,label,age\n\"a\nb\",x,1\n\"a\nb\",x,2\n"));

        // Then the error still reads as one line (e.g. with the break escaped) and points at the second row
        Assert.Equal(4L, e.Line);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Message_stays_on_one_line_when_a_bad_feature_cell_holds_a_line_break()
    {
        // Given a non-numeric feature cell that holds a line break
        var e = Assert.Throws<InputException>(() => Read("id,label,age\n1,a,\"4\n2\"\n"));

        // Then line 2, column 3, on one line
        Assert.Equal((2L, 3), (e.Line!.Value, e.Column!.Value));
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_timestamp_with_an_offset_keeps_the_date_it_was_written_with()
    {
        // Given acquisition timestamps with local offsets, late and early in the local day
        var rows = Read("id,date,label,age\n1,2019-03-28T23:30:00-05:00,a,5\n2,2019-03-28T00:30:00+02:00,a,5\n");

        // Then the date is the local calendar date written in the manifest
        Assert.All(rows, r => Assert.Equal(new DateOnly(2019, 3, 28), r.Date));
    }

    [Fact]
    public void Error_file_is_shown_relative_to_the_working_folder_when_inside_it()
    {
        // Given an absolute temp path (outside the working folder) / Then the full path is shown
        var e = Fails("id,age\n1,5\n");
        Assert.Equal(Path.Combine(_temp.Path, "site", "manifest.csv"), e.File);
        Assert.StartsWith(e.File + ":1: ", e.Message);
    }
}
