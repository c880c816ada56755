using Harness.Core;
using Harness.Core.Metrics;
using Harness.Results;
using Harness.Tests.Support;

namespace Harness.Tests.Reports;

/// <summary>results.json as an input (harness report): its format version, its errors, and merging runs of one model.</summary>
public sealed class ResultsFileTests
{
    [Fact]
    public void Results_round_trip_through_their_json_byte_for_byte()
    {
        var results = ReportFixtures.Judged();
        byte[] bytes = ResultsJson.Serialize(results);
        Assert.Equal(bytes, ResultsJson.Serialize(ResultsJson.Parse(bytes, "results.json")));
        Assert.Equal(ValidationResults.CurrentFormat, ResultsJson.Parse(bytes, "results.json").Format);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { """{ "format": "9", "sites": [] }""", "results format \"9\", which this Harness" },
        { """{ "sites": [] }""", "has no \"format\": it is not a results.json written by harness validate." },
        { "{ \"format\": \"3\",\n  \"model\": ", "not valid JSON" },
        { """{ "format": "3", "model": 7 }""", "not a valid results file ($.model:" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_results_file_of_another_version_or_malformed_is_one_input_error_naming_it(string content, string expected)
    {
        using var temp = new TempFolder();
        string path = temp.Combine("results.json");
        File.WriteAllText(path, content);

        var e = Assert.Throws<InputException>(() => ResultsJson.Read(path));

        Assert.StartsWith(PathDisplay.Of(path) + ":", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_malformed_file_names_the_line_of_the_problem()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("results.json");
        File.WriteAllText(path, "{\n  \"format\": \"3\",\n  \"model\": }\n");
        var e = Assert.Throws<InputException>(() => ResultsJson.Read(path));
        Assert.Equal(3, e.Line);
    }

    private static readonly string[] Names = ["North", "East", "West"];

    /// <summary>Three external sites, validated together (one estimate each) and separately (one results file each).</summary>
    private static (PooledEstimates Together, ValidationResults Merged) ThreeSites()
    {
        var development = ReportFixtures.Simulated(seed: 1, n: 400, shift: 0);
        var scores = new[] { ReportFixtures.Simulated(11, 300, 0.3), ReportFixtures.Simulated(12, 250, -0.5), ReportFixtures.Simulated(13, 350, 0.1) };
        var together = SitePooling.Pool(Names.Zip(scores).Select(x => (x.First, true, ReportFixtures.Estimate(x.Second, x.First))).ToList(), 0.95);
        var runs = Names.Zip(scores).Select(x =>
        {
            var one = ReportFixtures.Results(ReportFixtures.Development(development), [ReportFixtures.Site(x.First, x.Second, development)]);
            byte[] bytes = ResultsJson.Serialize(one);
            return new ResultsFile($"{x.First}/results.json", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), ResultsJson.Parse(bytes, x.First));
        }).ToList();
        return (together, ResultsMerge.Merge(runs));
    }

    [Fact]
    public void Merging_separate_runs_pools_the_sites_exactly_as_validating_them_together()
    {
        // Given three sites pooled in one run, and the same three validated separately and merged from their results.json
        var (together, merged) = ThreeSites();

        // Then the merge holds every site, records each run, and its pooled estimates equal the single run's (to 1e-12)
        Assert.Equal(Names, merged.Sites.Select(s => s.Name));
        Assert.Equal(Names.Select(n => $"{n}/results.json"), merged.MergedFrom!.Select(r => r.File));
        Assert.NotEmpty(together.Metrics);
        foreach (var (key, expected) in together.Metrics)
        {
            var actual = merged.Pooled!.Metrics[key];
            Assert.Equal(expected.K, actual.K);
            Assert.Equal(expected.Estimate!.Value, actual.Estimate!.Value, 12);
            Assert.Equal(expected.Ci!.Lower, actual.Ci!.Lower, 12);
            Assert.Equal(expected.Ci.Upper, actual.Ci.Upper, 12);
            Assert.Equal(expected.PredictionInterval!.Lower, actual.PredictionInterval!.Lower, 12);
            Assert.Equal(expected.PredictionInterval.Upper, actual.PredictionInterval.Upper, 12);
            Assert.Equal(expected.Tau2!.Value, actual.Tau2!.Value, 12);
        }
    }

    [Fact]
    public void Merging_refuses_another_model_a_repeated_site_and_other_interval_settings()
    {
        var a = ReportFixtures.Results();
        var otherModel = a with { Model = a.Model with { Sha256 = ReportFixtures.Hash("another model") }, Sites = [] };
        var otherLevel = a with { Intervals = a.Intervals with { Level = 0.9 }, Sites = [] };

        var model = Assert.Throws<InputException>(() => ResultsMerge.Merge([new("a.json", "", a), new("b.json", "", otherModel)]));
        var repeated = Assert.Throws<InputException>(() => ResultsMerge.Merge([new("a.json", "", a), new("b.json", "", a)]));
        var level = Assert.Throws<InputException>(() => ResultsMerge.Merge([new("a.json", "", a), new("c.json", "", otherLevel)]));

        Assert.StartsWith("b.json: validated model SHA-256", model.Message);
        Assert.Contains("results of different models cannot be merged", model.Message);
        Assert.Contains("site 'St Mary's Hospital' is in a.json and b.json", repeated.Message);
        Assert.StartsWith("c.json: intervals at level 0.9", level.Message);
    }
}
