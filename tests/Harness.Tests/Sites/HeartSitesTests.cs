using System.Globalization;
using System.Text;
using Harness.Core.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Sites;

/// <summary>
/// The committed UCI heart-disease sites (sites/heart) against their sources (sites/heart/uci),
/// read here independently of convert.py: counts, every feature value, ids, labels and recodes.
/// </summary>
public sealed class HeartSitesTests
{
    private static readonly string[] SourceColumns =
        ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"];

    private static readonly string[] Features = SourceColumns[..^1];

    /// <summary>Zeros the README documents as "not measured".</summary>
    private static readonly string[] ZeroMeansMissing = ["chol", "trestbps"];

    /// <summary>Site, source file, its size in bytes, rows and num > 0, as PROVENANCE.md lists them.</summary>
    public static TheoryData<string, string, long, int, int> Sites => new()
    {
        { "cleveland", "processed.cleveland.data", 18461, 303, 139 },
        { "hungary", "processed.hungarian.data", 10263, 294, 106 },
        { "switzerland", "processed.switzerland.data", 4109, 123, 115 },
        { "va-long-beach", "processed.va.data", 6737, 200, 149 },
    };

    /// <summary>Recoded zeros per site, as the README's table states them.</summary>
    public static TheoryData<string, string, int, int> Recodes => new()
    {
        { "cleveland", "processed.cleveland.data", 0, 0 },
        { "hungary", "processed.hungarian.data", 0, 0 },
        { "switzerland", "processed.switzerland.data", 123, 0 },
        { "va-long-beach", "processed.va.data", 49, 1 },
    };

    [Theory]
    [MemberData(nameof(Sites))]
    public void Source_copy_is_the_verbatim_uci_file_with_the_documented_rows_and_positives(
        string site, string source, long bytes, int rows, int positives)
    {
        // Given the committed copy of the UCI file
        string path = RepoPaths.Sites("heart", "uci", source);

        // When it is read
        var sourceRows = ReadSource(path);

        // Then its size, row count and positives are those the provenance records
        Assert.Equal(bytes, new FileInfo(path).Length);
        Assert.Equal(rows, sourceRows.Count);
        Assert.Equal(positives, sourceRows.Count(r => double.Parse(r[^1], CultureInfo.InvariantCulture) > 0));
        Assert.True(File.Exists(RepoPaths.Sites("heart", site, "manifest.csv")), $"{site} has no manifest.csv");
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public void Manifest_holds_one_row_per_source_row_with_the_source_values(
        string site, string source, long bytes, int rows, int positives)
    {
        _ = bytes;
        // Given the source rows and the committed manifest of a site
        var sourceRows = ReadSource(RepoPaths.Sites("heart", "uci", source));
        var (header, manifestRows) = ReadManifest(RepoPaths.Sites("heart", site, "manifest.csv"));

        // Then the header is id, label and the 13 features in the documented order (no patient_id, no date)
        Assert.Equal(["id", "label", .. Features], header);

        // And there is one manifest row per source row, in source order, with the documented counts
        Assert.Equal(rows, manifestRows.Count);
        Assert.Equal(sourceRows.Count, manifestRows.Count);
        Assert.Equal(positives, manifestRows.Count(r => r[1] == "disease"));
        Assert.Equal(manifestRows.Count, manifestRows.Select(r => r[0]).Distinct(StringComparer.Ordinal).Count());

        for (int i = 0; i < sourceRows.Count; i++)
        {
            string[] src = sourceRows[i];
            string[] row = manifestRows[i];
            Assert.True(row.Length == header.Length, $"{site} row {i + 1}: {row.Length} cells, header has {header.Length}");

            // And the id is <site>-<1-based source row, 3 digits>
            Assert.Equal($"{site}-{i + 1:000}", row[0]);

            // And the label follows num > 0
            double num = double.Parse(src[^1], CultureInfo.InvariantCulture);
            Assert.Equal(num > 0 ? "disease" : "no_disease", row[1]);

            // And every feature is the source value, missing where the source has '?' or a documented zero
            for (int f = 0; f < Features.Length; f++)
            {
                double? expected = SourceValue(Features[f], src[f]);
                double? actual = row[2 + f].Length == 0 ? null : double.Parse(row[2 + f], NumberStyles.Float, CultureInfo.InvariantCulture);
                Assert.True(expected == actual,
                    $"{site} row {i + 1} column {Features[f]}: source '{src[f]}', manifest '{row[2 + f]}'");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Recodes))]
    public void Only_zero_cholesterol_and_zero_resting_pressure_are_recoded_to_missing(
        string site, string source, int cholZeros, int trestbpsZeros)
    {
        // Given the source rows and the committed manifest of a site
        var sourceRows = ReadSource(RepoPaths.Sites("heart", "uci", source));
        var (_, manifestRows) = ReadManifest(RepoPaths.Sites("heart", site, "manifest.csv"));

        // When the cells that are a number in the source but empty in the manifest are counted per column
        var recoded = Features.ToDictionary(f => f, _ => 0);
        for (int i = 0; i < sourceRows.Count; i++)
            for (int f = 0; f < Features.Length; f++)
                if (sourceRows[i][f] != "?" && manifestRows[i][2 + f].Length == 0)
                    recoded[Features[f]]++;

        // Then they are exactly the zeros the README counts, in chol and trestbps only
        Assert.Equal(cholZeros, recoded["chol"]);
        Assert.Equal(trestbpsZeros, recoded["trestbps"]);
        Assert.All(Features.Except(ZeroMeansMissing), f => Assert.Equal(0, recoded[f]));
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public void Manifest_is_utf8_without_bom_with_lf_line_endings_and_no_trailing_spaces(
        string site, string source, long bytes, int rows, int positives)
    {
        _ = (source, bytes, positives);
        // Given the manifest's bytes
        byte[] content = File.ReadAllBytes(RepoPaths.Sites("heart", site, "manifest.csv"));

        // When they are decoded strictly as UTF-8
        string text = new UTF8Encoding(false, true).GetString(content);

        // Then there is no BOM, no CR, no trailing space, and the file ends with one newline
        Assert.False(content.AsSpan().StartsWith(Encoding.UTF8.Preamble), "manifest starts with a BOM");
        Assert.DoesNotContain('\r', text);
        Assert.EndsWith("\n", text);
        Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal), "manifest ends with an empty line");
        string[] lines = text[..^1].Split('\n');
        Assert.Equal(rows + 1, lines.Length);
        Assert.All(lines, l => Assert.False(l.EndsWith(' ') || l.EndsWith('\t'), $"trailing whitespace: '{l}'"));
    }

    [Theory]
    [MemberData(nameof(Sites))]
    public void Site_loads_through_the_manifest_reader_with_13_features_in_the_documented_order(
        string site, string source, long bytes, int rows, int positives)
    {
        _ = bytes;
        // Given the site folder
        string dir = RepoPaths.Sites("heart", site);

        // When the harness loads it
        var data = SiteData.Load(SiteFolder.Open(dir));

        // Then it is named after its folder, has the 13 features in order and no patient_id or date
        Assert.Equal(site, data.Site.Name);
        Assert.Equal(Features, data.Schema.FeatureNames);
        Assert.False(data.Schema.HasPatientId);
        Assert.False(data.Schema.HasDate);

        // And its rows, labels and values match the source (as float32, NaN for missing)
        var sourceRows = ReadSource(RepoPaths.Sites("heart", "uci", source));
        Assert.Equal(rows, data.Rows.Count);
        Assert.Equal(positives, data.Rows.Count(r => r.Label == "disease"));
        Assert.All(data.Rows, r => Assert.Contains(r.Label, new[] { "disease", "no_disease" }));
        for (int i = 0; i < rows; i++)
        {
            var row = data.Rows[i];
            Assert.Equal(row.Id, row.PatientId);
            Assert.Null(row.Date);
            for (int f = 0; f < Features.Length; f++)
            {
                float expected = SourceValue(Features[f], sourceRows[i][f]) is double v ? (float)v : float.NaN;
                Assert.True(expected.Equals(row.Features[f]),
                    $"{site} {row.Id} {Features[f]}: expected {expected}, loaded {row.Features[f]}");
            }
        }
    }

    /// <summary>The documented meaning of a source cell: null for '?' and for a recoded zero.</summary>
    private static double? SourceValue(string column, string cell)
    {
        if (cell == "?") return null;
        double value = double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);
        return value == 0 && ZeroMeansMissing.Contains(column) ? null : value;
    }

    /// <summary>A UCI processed file: no header, 14 comma-separated cells per line.</summary>
    private static List<string[]> ReadSource(string path)
    {
        var rows = File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(SourceColumns.Length, r.Length));
        return rows;
    }

    /// <summary>The manifest as plain text cells (it has no quoted cells), header apart.</summary>
    private static (string[] Header, List<string[]> Rows) ReadManifest(string path)
    {
        string[] lines = File.ReadAllLines(path);
        Assert.NotEmpty(lines);
        Assert.DoesNotContain(lines, l => l.Contains('"'));
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',')).ToList());
    }
}
