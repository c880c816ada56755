using System.Globalization;
using System.Text.Json;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Statistics;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Validator;
using Harness.Results;

namespace Harness.Tests.Validator;

/// <summary>A heart model trained on Cleveland alone: Hungary, Switzerland and VA Long Beach are three external sites.</summary>
public sealed class ClevelandModelFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public ClevelandModelFixture()
    {
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland")],
            new TrainingOptions { PositiveClass = "disease", Device = DeviceRequest.Cpu });
        outcome.WriteTo(_folder.Path);
    }

    public string ModelPath => Path.Combine(_folder.Path, TrainingOutcome.ModelFileName);

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// `validate` pools AUROC, O/E and the calibration slope over three or more external sites
/// (random effects, REML, HKSJ) into results.json and the console, and says why when it cannot.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class PooledValidationTests(ClevelandModelFixture cleveland, HeartModelFixture clevelandAndHungary)
    : IClassFixture<ClevelandModelFixture>
{
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu, Intervals = new IntervalOptions { Resamples = 200 } };

    private static readonly string[] ThreeExternal =
        [RepoPaths.Sites("heart", "hungary"), RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach")];

    private static ValidationResults Validate(string model, params string[] sites) => ValidationRun.Run(model, sites, Cpu, TextWriter.Null);

    [Fact]
    public void Three_external_sites_give_a_pooled_AUROC_over_k_3_with_a_prediction_interval_wider_than_its_CI()
    {
        // Given the Cleveland model validated on the three other heart sites
        var results = Validate(cleveland.ModelPath, ThreeExternal);

        // When results.json is written and read back
        using var temp = new TempFolder();
        string path = temp.Combine(ResultsJson.FileName);
        ResultsJson.Write(results, path);
        var pooled = ResultsJson.Read(path).Pooled!;

        // Then AUROC, O/E and the slope are pooled over k = 3, each PI wider than its CI
        Assert.Null(pooled.Reason);
        Assert.Equal(["hungary", "switzerland", "va-long-beach"], pooled.ExternalSites);
        Assert.Equal([MetricKeys.Auroc, MetricKeys.OeRatio, MetricKeys.CalibrationSlope], pooled.Metrics.Keys);
        foreach (var metric in pooled.Metrics.Values)
        {
            Assert.Equal(3, metric.K);
            Assert.Equal(pooled.ExternalSites, metric.Sites);
            Assert.Equal(IntervalMethod.RemlHksj, metric.Ci!.Method);
            Assert.True(metric.Ci.Lower < metric.Estimate && metric.Estimate < metric.Ci.Upper);
            Assert.True(metric.PredictionInterval!.Lower < metric.Ci.Lower && metric.PredictionInterval.Upper > metric.Ci.Upper);
        }
        var auroc = pooled.Metrics[MetricKeys.Auroc];
        Assert.InRange(auroc.Estimate!.Value, 0.5, 1.0);
        Assert.Equal(PoolingScale.Logit, auroc.Scale);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("reml_hksj", json.RootElement.GetProperty("pooled").GetProperty("metrics").GetProperty("auroc")
            .GetProperty("ci").GetProperty("method").GetString());
    }

    [PythonFact("numpy", "scipy")]
    public void The_pooled_numbers_are_meta_analysis_py_of_the_site_intervals_in_results_json()
    {
        // Given the Cleveland model validated on the three other heart sites
        var results = Validate(cleveland.ModelPath, ThreeExternal);
        double z = NormalDistribution.Quantile(0.975);

        // When each site's SE is recovered from its 95% interval in results.json (DeLong and Wald:
        // (upper - lower)/2z; O/E: (ln upper - ln lower)/2z), taken to the pooling scale by the delta
        // method, and meta_analysis.py pools them
        foreach (var (key, inverse) in new (string, Func<double, double>)[]
                 { (MetricKeys.Auroc, x => 1 / (1 + Math.Exp(-x))), (MetricKeys.OeRatio, Math.Exp), (MetricKeys.CalibrationSlope, x => x) })
        {
            var y = new List<double>();
            var v = new List<double>();
            foreach (var site in results.Sites)
            {
                var m = site.Metrics[key];
                double x = m.Value!.Value, lower = m.Ci!.Lower, upper = m.Ci.Upper;
                Assert.True(key != MetricKeys.Auroc || (lower > 0 && upper < 1), "a clamped DeLong interval hides its SE");
                (double yi, double se) = key switch
                {
                    MetricKeys.Auroc => (Math.Log(x / (1 - x)), (upper - lower) / (2 * z) / (x * (1 - x))),
                    MetricKeys.OeRatio => (Math.Log(x), (Math.Log(upper) - Math.Log(lower)) / (2 * z)),
                    _ => (x, (upper - lower) / (2 * z)),
                };
                y.Add(yi);
                v.Add(se * se);
            }
            var (exit, output) = IndependentChecks.MetaAnalysis(0.95, y, v);
            Assert.True(exit == 0, output);
            using var json = JsonDocument.Parse(output);
            double Expected(string name) => inverse(json.RootElement.GetProperty(name).GetDouble());

            // Then results.json's pooled numbers are the script's, back on the metric's scale, within 1e-6
            var pooled = results.Pooled!.Metrics[key];
            Assert.Equal(Expected("mu"), pooled.Estimate!.Value, 1e-6);
            Assert.Equal(Expected("ci_lower"), pooled.Ci!.Lower, 1e-6);
            Assert.Equal(Expected("ci_upper"), pooled.Ci.Upper, 1e-6);
            Assert.Equal(Expected("pi_lower"), pooled.PredictionInterval!.Lower, 1e-6);
            Assert.Equal(Expected("pi_upper"), pooled.PredictionInterval.Upper, 1e-6);
            Assert.Equal(json.RootElement.GetProperty("tau2").GetDouble(), pooled.Tau2!.Value, 1e-6);
            Assert.Equal(json.RootElement.GetProperty("i2").GetDouble(), pooled.I2!.Value, 1e-6);
        }
    }

    [Fact]
    public void Two_external_sites_give_the_reason_and_a_training_site_does_not_make_a_third()
    {
        // Given the Cleveland + Hungary model, validated on two external sites, then also on Cleveland
        var two = Validate(clevelandAndHungary.ModelPath, RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach"));
        var withTraining = Validate(clevelandAndHungary.ModelPath,
            RepoPaths.Sites("heart", "cleveland"), RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach"));

        // Then neither is pooled, and the reason says why in one line
        Assert.Empty(two.Pooled!.Metrics);
        Assert.Equal("no pooled estimate: 2 external sites (switzerland, va-long-beach); random-effects pooling needs at least 3", two.Pooled.Reason);
        Assert.Empty(withTraining.Pooled!.Metrics);
        Assert.Equal("no pooled estimate: 2 external sites (switzerland, va-long-beach); cleveland is a training site and does not count; " +
            "random-effects pooling needs at least 3", withTraining.Pooled.Reason);
    }

    [Fact]
    public void The_console_prints_the_pooled_table_or_the_one_line_reason()
    {
        // Given validate run from the command line on three external sites, and on two
        using var temp = new TempFolder();
        string[] Args(string model, string output, params string[] sites) =>
            ["validate", "--model", model, .. sites.SelectMany(s => new[] { "--site", s }), "--out", temp.Combine(output), "--device", "cpu", "--bootstrap", "200"];
        var three = CliRunner.Run(Args(cleveland.ModelPath, "three", ThreeExternal));
        var two = CliRunner.Run(Args(clevelandAndHungary.ModelPath, "two", ThreeExternal[1..]));

        // Then the first prints the pooled table with the pooled AUROC as results.json has it, the second the reason
        Assert.True(three.ExitCode == 0, three.Output + three.Errors);
        Assert.Contains("Pooled over 3 external sites (random effects, REML, HKSJ)", three.Output);
        var auroc = ResultsJson.Read(temp.Combine("three", ResultsJson.FileName)).Pooled!.Metrics[MetricKeys.Auroc];
        string row = $"{auroc.Estimate!.Value.ToString("0.000", CultureInfo.InvariantCulture)} ({auroc.Ci!.Lower.ToString("0.000", CultureInfo.InvariantCulture)}–" +
            $"{auroc.Ci.Upper.ToString("0.000", CultureInfo.InvariantCulture)})";
        Assert.Contains(three.Output.Split('\n'), line => line.Contains("AUROC") && line.Contains(row));
        Assert.True(two.ExitCode == 0, two.Output + two.Errors);
        Assert.Contains("Pooled: no pooled estimate: 2 external sites (switzerland, va-long-beach); random-effects pooling needs at least 3.",
            two.Output.ReplaceLineEndings(" ").Replace("  ", " "));
    }
}
