using System.Text.Json.Nodes;
using Harness.Core.Metrics;
using Harness.Tests.Support;

namespace Harness.Tests.Metrics;

/// <summary>
/// Tests of Scripts/recompute_metrics.py itself: on a results folder written from the product's
/// metrics and intervals it must agree (exit 0), and it must notice a value, an analytic interval
/// bound or a gap flag that is off (exit 1), so that a passing check elsewhere means something.
/// </summary>
public class RecomputeMetricsScriptTests
{
    /// <summary>Every catalog metric of a binary model: the script recomputes each point estimate.</summary>
    private static readonly string[] BinaryMetrics = MetricCatalog.For(binary: true).Select(m => m.Key).ToArray();

    /// <summary>Development set plus three sites: a large one, one whose name needs CSV quotes, and one with a single class.</summary>
    private static (ScoredExamples Development, (string, ScoredExamples)[] Sites) Binary(int positive = 1, bool normalize = true) =>
        (RandomScored.Make(2, 240, 10, positiveClass: positive, normalize: normalize),
        [
            ("switzerland", RandomScored.Make(2, 123, 11, positiveClass: positive, normalize: normalize)),
            ("long beach, va", RandomScored.Make(2, 200, 12, decimals: null, positiveClass: positive, normalize: normalize)),
            ("hungary", RandomScored.Make(2, 30, 13, positiveClass: positive, onlyClass: positive, normalize: normalize)),
        ]);

    private static (ScoredExamples Development, (string, ScoredExamples)[] Sites) ThreeClass() =>
        (RandomScored.Make(3, 300, 20),
        [
            ("site_a", RandomScored.Make(3, 150, 21)),
            ("site_b", RandomScored.Make(3, 80, 22, decimals: null)),
            ("site_c", RandomScored.Make(3, 25, 23, onlyClass: 2)),
        ]);

    private static string WriteDir(TempFolder temp, (ScoredExamples Development, (string, ScoredExamples)[] Sites) data)
    {
        string dir = temp.Combine("results");
        ResultsDir.Write(dir, data.Development, data.Sites);
        return dir;
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Agrees_with_the_product_on_a_binary_results_folder()
    {
        // Given results written from the product's metrics (positive class "disease", index 1)
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());

        // When the script recomputes them
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        // Then every value matches and the table shows each site's metrics
        Assert.True(exit == 0, output);
        Assert.Contains("long beach, va", output);
        Assert.Contains("gap.auroc", output);
        Assert.Contains("calibration[14].count", output);
        Assert.DoesNotContain("DIFFERS", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Agrees_when_the_positive_class_is_index_0()
    {
        // Given results for a binary model whose positive class is the first column, rows not summing
        //   to 1 so that reading the wrong column would change AUROC, Brier and the calibration bins
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary(positive: 0, normalize: false));

        // When / Then
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(exit == 0, output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Agrees_with_the_product_on_a_three_class_results_folder()
    {
        // Given 3-class results (one site with a single class: AUROC null in both)
        using var temp = new TempFolder();
        string dir = WriteDir(temp, ThreeClass());

        // When / Then
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(exit == 0, output);
        Assert.Contains("site_c", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_any_binary_site_metric_moved_by_1e_minus_4()
    {
        // Given a binary results folder that matches
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        Assert.Contains("calibration_slope", BinaryMetrics);
        Assert.Contains("ici", BinaryMetrics);

        // When every catalog metric of one site is moved by 1e-4 (each is recomputed on its own, so
        //   one run tells which of them the script notices; the gaps stay as written)
        ResultsDir.EditResults(dir, r =>
        {
            foreach (string metric in BinaryMetrics) Bump(r["sites"]![0]!["metrics"]![metric]!, 1e-4);
        });
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        // Then the script fails and names the site and each metric
        Assert.True(exit == 1, output);
        foreach (string metric in BinaryMetrics)
            Assert.Contains($"switzerland {metric}: results.json", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_moved_gap_prevalence_count_or_calibration_bin()
    {
        using var temp = new TempFolder();
        var data = Binary();
        string dir = WriteDir(temp, data);
        var edits = new (string What, Action<JsonObject> Edit)[]
        {
            ("gap.brier", r => Bump(r["sites"]![0]!["gap"]!["brier"]!, 1e-4)),
            ("development brier (so every gap.brier is off)", r => Bump(r["development"]!["metrics"]!["brier"]!, 1e-4)),
            ("prevalence", r => r["sites"]![1]!["prevalence"] = r["sites"]![1]!["prevalence"]!.GetValue<double>() + 1e-4),
            ("n", r => r["sites"]![0]!["n"] = 124),
            ("class_counts", r => r["sites"]![0]!["class_counts"]!["disease"] = r["sites"]![0]!["class_counts"]!["disease"]!.GetValue<int>() + 1),
            ("calibration mean_predicted", r => BumpFirstNonEmptyBin(r["sites"]![0]!["calibration"]!["bins"]!.AsArray(), "mean_predicted")),
            ("calibration observed_frequency", r => BumpFirstNonEmptyBin(r["sites"]![0]!["calibration"]!["bins"]!.AsArray(), "observed_frequency")),
            ("AUROC given where it is undefined", r => r["sites"]![2]!["metrics"]!["auroc"]!["value"] = 0.5),
            ("AUROC null where it is defined", r => r["sites"]![0]!["metrics"]!["auroc"]!["value"] = null),
            ("a site without predictions", r => r["sites"]!.AsArray().Add(JsonNode.Parse(r["sites"]![0]!.ToJsonString())!.AsObject().Also(o => o["name"] = "nowhere"))),
            ("a site missing from results.json", r => r["sites"]!.AsArray().RemoveAt(1)),
        };

        var restore = ResultsDir.Snapshot(dir);
        foreach (var (what, edit) in edits)
        {
            // Given a matching folder with one thing changed
            restore();
            ResultsDir.EditResults(dir, edit);

            // When / Then the script reports a difference
            var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
            Assert.True(exit == 1, $"{what}: exit {exit}\n{output}");
            Assert.Contains("DIFFERS", output);
        }
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_moved_calibration_slope()
    {
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        ResultsDir.EditResults(dir, r => Bump(r["sites"]![1]!["metrics"]!["calibration_slope"]!, 1e-4));

        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        Assert.True(exit == 1, output);
        Assert.Contains("long beach, va calibration_slope: results.json", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_moved_ici()
    {
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        ResultsDir.EditResults(dir, r => Bump(r["sites"]![0]!["metrics"]!["ici"]!, -1e-4));

        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        Assert.True(exit == 1, output);
        Assert.Contains("switzerland ici: results.json", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_moved_analytic_interval_bound()
    {
        // Given a matching binary folder with one bound of each analytic interval moved by 1e-4
        //   (DeLong for AUROC and its gap, Wald for the calibration intercept and slope, log-Wald for O/E)
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        var edits = new (string Expected, Func<JsonObject, JsonNode> Metric, string Bound, double By)[]
        {
            ("switzerland auroc.ci.upper: results.json", r => r["sites"]![0]!["metrics"]!["auroc"]!, "upper", 1e-4),
            ("long beach, va gap.auroc.ci.lower: results.json", r => r["sites"]![1]!["gap"]!["auroc"]!, "lower", -1e-4),
            ("long beach, va calibration_intercept.ci.lower: results.json", r => r["sites"]![1]!["metrics"]!["calibration_intercept"]!, "lower", 1e-4),
            ("switzerland calibration_slope.ci.upper: results.json", r => r["sites"]![0]!["metrics"]!["calibration_slope"]!, "upper", 1e-4),
            ("switzerland gap.calibration_slope.ci.lower: results.json", r => r["sites"]![0]!["gap"]!["calibration_slope"]!, "lower", 1e-4),
            ("hungary oe_ratio.ci.upper: results.json", r => r["sites"]![2]!["metrics"]!["oe_ratio"]!, "upper", 1e-4),
            ("switzerland gap.oe_ratio.ci.upper: results.json", r => r["sites"]![0]!["gap"]!["oe_ratio"]!, "upper", -1e-4),
        };
        ResultsDir.EditResults(dir, r =>
        {
            foreach (var (_, metric, bound, by) in edits) BumpCi(metric(r), bound, by);
        });

        // When the script recomputes the intervals
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        // Then it fails and names each moved bound
        Assert.True(exit == 1, output);
        foreach (var (expected, _, _, _) in edits) Assert.Contains(expected, output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_wrong_distinguishable_or_worse_flag()
    {
        // Given a matching binary folder with the gap flags of a few metrics of one site flipped
        //   (an analytic and a bootstrap interval; a higher-, a lower- and a closer-to-1-is-better metric)
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        string[] metrics = ["auroc", "brier", "calibration_slope"];
        string[] flags = ["distinguishable", "worse"];
        ResultsDir.EditResults(dir, r =>
        {
            foreach (string metric in metrics)
                foreach (string flag in flags)
                {
                    var gap = r["sites"]![0]!["gap"]![metric]!;
                    gap[flag] = !gap[flag]!.GetValue<bool>();
                }
        });

        // When / Then the script names each wrong flag
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(exit == 1, output);
        foreach (string metric in metrics)
            foreach (string flag in flags)
                Assert.Contains($"switzerland gap.{metric}.{flag}: results.json", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_bootstrap_interval_out_of_order_or_at_another_level()
    {
        // Given bootstrap intervals (not recomputable) with bounds out of order, another level, another method
        using var temp = new TempFolder();
        string dir = WriteDir(temp, Binary());
        ResultsDir.EditResults(dir, r =>
        {
            r["sites"]![0]!["metrics"]!["brier"]!["ci"]!["lower"] = 2.0;
            r["sites"]![0]!["gap"]!["ece"]!["ci"]!["level"] = 0.9;
            r["development"]!["metrics"]!["accuracy"]!["ci"]!["method"] = "wald";
        });

        // When / Then the script names each
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(exit == 1, output);
        Assert.Contains("switzerland brier.ci.lower<=upper", output);
        Assert.Contains("switzerland gap.ece.ci.level", output);
        Assert.Contains("development accuracy.ci.method", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Agrees_when_the_model_has_no_operating_threshold()
    {
        // Given a binary model without a threshold (the metrics at the threshold are null)
        using var temp = new TempFolder();
        var data = Binary();
        string dir = temp.Combine("results");
        ResultsDir.Write(dir, data.Development, data.Sites, threshold: null);

        // When / Then the script agrees, and notices a threshold metric given a value anyway
        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(exit == 0, output);
        ResultsDir.EditResults(dir, r => r["sites"]![0]!["metrics"]!["sensitivity"]!["value"] = 0.5);
        var edited = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(edited.ExitCode == 1, edited.Output);
        Assert.Contains("switzerland sensitivity: results.json", edited.Output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Tolerates_a_difference_below_1e_minus_6_and_notices_one_above()
    {
        using var temp = new TempFolder();
        var data = ThreeClass();
        string dir = WriteDir(temp, data);

        // Given the 3-class AUROC moved by 1e-7 (within tolerance) / Then it still passes
        ResultsDir.EditResults(dir, r => Bump(r["sites"]![0]!["metrics"]!["auroc"]!, 1e-7));
        var within = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(within.ExitCode == 0, within.Output);

        // Given it moved by 1e-4 instead / Then it fails, naming the 3-class site's AUROC
        ResultsDir.Write(dir, data.Development, data.Sites);
        ResultsDir.EditResults(dir, r => Bump(r["sites"]![0]!["metrics"]!["auroc"]!, 1e-4));
        var beyond = IndependentChecks.RecomputeMetrics(dir);
        Assert.True(beyond.ExitCode == 1, beyond.Output);
        Assert.Contains("site_a auroc: results.json", beyond.Output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Notices_a_three_class_ece_moved_by_1e_minus_4()
    {
        using var temp = new TempFolder();
        string dir = WriteDir(temp, ThreeClass());
        ResultsDir.EditResults(dir, r => Bump(r["sites"]![1]!["metrics"]!["ece"]!, -1e-4));

        var (exit, output) = IndependentChecks.RecomputeMetrics(dir);

        Assert.True(exit == 1, output);
        Assert.Contains("site_b ece: results.json", output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Reports_bad_usage_with_exit_2()
    {
        using var temp = new TempFolder();

        // Given no argument, a folder that does not exist, and an empty folder
        var noArgs = ExternalTools.Run(ExternalTools.Python!, RepoPaths.Script(IndependentChecks.RecomputeMetricsScript));
        var missing = IndependentChecks.RecomputeMetrics(temp.Combine("nope"));
        var empty = IndependentChecks.RecomputeMetrics(temp.Path);

        // Then each exits 2 (not 0: nothing was checked; not 1: nothing was found to differ)
        Assert.True(noArgs.ExitCode == 2, noArgs.Output);
        Assert.Contains("usage", noArgs.Output, StringComparison.OrdinalIgnoreCase);
        Assert.True(missing.ExitCode == 2, missing.Output);
        Assert.True(empty.ExitCode == 2, empty.Output);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Predictions_csv_written_here_round_trips_float32_exactly()
    {
        // Given float32 probabilities with long expansions, written with the "R" rule
        float[] values = [0.1f, 1f / 3, 0.2f, 1e-30f, 0.99999994f, 0f, 1f];

        // When python reads each text as a double, checks that it is exactly a float32 and prints its bits
        string[] texts = values.Select(ResultsDir.Float).ToArray();
        var (exit, output) = ExternalTools.Run(ExternalTools.Python!, ["-c",
            "import sys, numpy as np\n" +
            "for x in sys.argv[1:]:\n" +
            "    d = float(x); f = np.float32(d)\n" +
            "    assert float(f) == d, x\n" +
            "    print(int(f.view(np.uint32)))",
            .. texts]);

        // Then python holds the very float32 that C# wrote
        Assert.True(exit == 0, output);
        Assert.Equal(values.Select(v => BitConverter.SingleToUInt32Bits(v).ToString()).ToArray(),
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    private static void Bump(JsonNode metric, double by) =>
        metric["value"] = metric["value"]!.GetValue<double>() + by;

    private static void BumpCi(JsonNode metric, string bound, double by) =>
        metric["ci"]![bound] = metric["ci"]![bound]!.GetValue<double>() + by;

    private static void BumpFirstNonEmptyBin(JsonArray bins, string field)
    {
        var bin = bins.First(b => b!["count"]!.GetValue<int>() > 0)!;
        bin[field] = bin[field]!.GetValue<double>() + 1e-4;
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
