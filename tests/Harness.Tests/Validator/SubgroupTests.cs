using System.Globalization;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Tests.Metrics;
using Harness.Tests.Support;
using Harness.Validator;

namespace Harness.Tests.Validator;

/// <summary>--subgroup: levels from an audit column or a feature, bands from edges, each level's metrics, the largest difference.</summary>
[Collection(NativeCollection.Name)]
public sealed class SubgroupTests(HeartModelFixture heart)
{
    /// <summary>VA Long Beach with an audit column "group:ward" (A for odd lines, B for even) added after the label.</summary>
    private static string VaWithWards(TempFolder temp)
    {
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "va-long-beach", "manifest.csv"));
        var header = lines[0].Split(',').ToList();
        int label = header.IndexOf("label");
        var rows = lines.Select((line, i) =>
        {
            var cells = line.Split(',').ToList();
            cells.Insert(label + 1, i == 0 ? "group:ward" : i % 2 == 1 ? "A" : "B");
            return string.Join(",", cells);
        });
        return temp.WriteSite("va-wards", string.Join("\n", rows) + "\n");
    }

    [Fact]
    public void Each_level_has_the_metrics_of_its_own_rows_and_the_largest_difference_is_highest_minus_lowest()
    {
        using var temp = new TempFolder();
        string site = VaWithWards(temp);
        var options = new ValidationOptions { Device = DeviceRequest.Cpu, Subgroups = [SubgroupSpec.Parse("ward"), SubgroupSpec.Parse("age:55,65")] };
        var predictions = new StringWriter();

        var result = ValidationRun.Run(heart.ModelPath, [site], options, predictions).Sites.Single();

        // The audit column is no feature: the model (13 features) scored the site
        var ward = result.Subgroups!.Single(g => g.Name == "ward");
        Assert.Equal(["A", "B"], ward.Levels.Select(l => l.Level));
        var age = result.Subgroups!.Single(g => g.Name == "age");
        Assert.Equal(["<55", "55–65", "≥65"], age.Levels.Select(l => l.Level));
        Assert.Equal(result.N, ward.Levels.Sum(l => l.N));
        Assert.Equal(result.N, age.Levels.Sum(l => l.N));

        // Each level's AUROC is pair counting on that level's rows, read back from predictions.csv and the manifest
        var manifest = File.ReadAllLines(Path.Combine(site, "manifest.csv"));
        var header = manifest[0].Split(',').ToList();
        var byId = manifest.Skip(1).Select(l => l.Split(',')).ToDictionary(c => c[header.IndexOf("id")]);
        var rows = predictions.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        ScoredExamples Level(Func<string[], bool> member)
        {
            var kept = rows.Where(r => member(byId[r[1]])).ToList();
            return new ScoredExamples(["no_disease", "disease"], 1, kept.Select(r => r[3] == "disease" ? 1 : 0).ToArray(),
                kept.SelectMany(r => new[] { float.Parse(r[4], CultureInfo.InvariantCulture), float.Parse(r[5], CultureInfo.InvariantCulture) }).ToArray());
        }
        double Age(string[] cells) => double.Parse(cells[header.IndexOf("age")], CultureInfo.InvariantCulture);
        Assert.Equal(NaiveMetrics.PairCountingAuroc(Level(c => c[header.IndexOf("group:ward")] == "A"), 1)!.Value, ward.Levels[0].Metrics.ValueOf(MetricKeys.Auroc)!.Value, 12);
        Assert.Equal(NaiveMetrics.PairCountingAuroc(Level(c => Age(c) >= 55 && Age(c) < 65), 1)!.Value, age.Levels[1].Metrics.ValueOf(MetricKeys.Auroc)!.Value, 12);

        // The largest AUROC difference is the highest level minus the lowest
        var largest = age.LargestDifference[MetricKeys.Auroc];
        var values = age.Levels.ToDictionary(l => l.Level, l => l.Metrics.ValueOf(MetricKeys.Auroc)!.Value);
        Assert.Equal((values.MaxBy(v => v.Value).Key, values.MinBy(v => v.Value).Key), (largest.Highest, largest.Lowest));
        Assert.Equal(values.Values.Max() - values.Values.Min(), largest.Difference.Value!.Value, 12);
        Assert.True(largest.Difference.Ci!.Lower < largest.Difference.Value && largest.Difference.Value < largest.Difference.Ci.Upper);
    }

    [Theory]
    [InlineData("age:60,40", "the edges do not increase")]
    [InlineData("age:40,x", "'x' is not a number")]
    [InlineData(":40", "names no column")]
    public void Bad_subgroup_options_are_refused(string text, string expected)
    {
        var error = Assert.Throws<InputException>(() => SubgroupSpec.Parse(text));
        Assert.Contains(expected, error.Problem);
    }

    [Fact]
    public void A_subgroup_no_site_has_is_refused_before_scoring_naming_the_manifest()
    {
        var error = Assert.Throws<InputException>(() => ValidationRun.Run(heart.ModelPath, [RepoPaths.Sites("heart", "switzerland")],
            new ValidationOptions { Device = DeviceRequest.Cpu, Subgroups = [SubgroupSpec.Parse("ward")] }, TextWriter.Null));
        Assert.Contains("manifest.csv", error.File);
        Assert.Contains("neither an audit column (group:ward)", error.Problem);
    }
}
