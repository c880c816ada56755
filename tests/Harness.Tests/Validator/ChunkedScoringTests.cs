using System.Globalization;
using System.Text;
using Harness.Core;
using Harness.Tests.Support;
using Harness.Validator;

namespace Harness.Tests.Validator;

/// <summary>
/// A site of several manifest chunks (about 2.6 MB, the reader's chunks being 1 MB): the workers
/// score the chunks in parallel, and the output and the errors must still follow the file.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class ChunkedScoringTests(HeartModelFixture heart)
{
    private const int Rows = 40_000;
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu };

    /// <summary>Hungary's rows over and over, with ids row-00001...; <paramref name="edit"/> may change a row (0-based) of the copy.</summary>
    private static string BigSite(TempFolder temp, string name, Func<int, string, string>? edit = null)
    {
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        var text = new StringBuilder(lines[0]).Append('\n');
        for (int r = 0; r < Rows; r++)
        {
            string source = lines[1 + r % (lines.Length - 1)];
            string row = $"row-{r:D5}" + source[source.IndexOf(',')..];
            text.Append(edit?.Invoke(r, row) ?? row).Append('\n');
        }
        return temp.WriteSite(name, text.ToString());
    }

    private string Validate(string site, int? batchSize = null)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        ValidationRun.Run(heart.ModelPath, [site], Cpu with { BatchSize = batchSize }, text);
        return text.ToString();
    }

    [Fact]
    public void Predictions_follow_the_file_and_do_not_depend_on_the_batch_size()
    {
        using var temp = new TempFolder();
        string site = BigSite(temp, "big");

        string csv = Validate(site);
        var records = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();

        Assert.Equal(Rows, records.Count);
        for (int r = 0; r < Rows; r++)
        {
            Assert.Equal($"row-{r:D5}", records[r][1]);
            Assert.Equal((r + 2).ToString(CultureInfo.InvariantCulture), records[r][2]); // manifest_line
        }
        Assert.Equal(csv, Validate(site, batchSize: 1000));
    }

    [Theory]
    [InlineData(30_000, 35_000, "label")]   // both in the third chunk or later: the label comes first
    [InlineData(35_000, 20_000, "repeat")]  // the repeated id is in an earlier chunk
    [InlineData(30_010, 30_000, "repeat")]  // the same chunk, the repeat first
    [InlineData(30_000, 30_010, "label")]   // the same chunk, the label first
    public void The_first_problem_in_the_file_is_the_one_reported(int badLabelRow, int repeatRow, string expected)
    {
        using var temp = new TempFolder();
        string site = BigSite(temp, "bad", (r, row) =>
            r == badLabelRow ? row.Replace(",no_disease,", ",unknown,").Replace(",disease,", ",unknown,")
            : r == repeatRow ? "row-00007" + row[row.IndexOf(',')..]
            : null!);

        var error = Assert.Throws<InputException>(() => Validate(site));

        int row = expected == "label" ? badLabelRow : repeatRow;
        Assert.Equal(row + 2, error.Line);
        Assert.Contains(expected == "label" ? "'unknown' is not one of the model's classes" : "id 'row-00007' is used again", error.Problem);
    }
}
