using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Statistics;

namespace Harness.Tests.Metrics;

/// <summary>
/// The catalog metrics against hand-worked values, the weighted sweeps against the same sample
/// with rows repeated, and the intervals and gaps against their formulas.
/// </summary>
public class MetricEstimatorTests
{
    private const double Exact = 1e-12;
    private static readonly string[] Classes = ["no", "yes"];

    /// <summary>
    /// Eight rows whose risks are exact in float32 and fall inside the 15 equal-width bins:
    /// risk (label): .875 (1), .75 (0), .625 (1), .5625 (1), .4375 (0), .3125 (1), .25 (0), .125 (0).
    /// </summary>
    private static ScoredExamples Worked()
    {
        double[] risks = [0.875, 0.75, 0.625, 0.5625, 0.4375, 0.3125, 0.25, 0.125];
        int[] labels = [1, 0, 1, 1, 0, 1, 0, 0];
        var probabilities = risks.SelectMany(r => new[] { (float)(1 - r), (float)r }).ToArray();
        return new ScoredExamples(Classes, 1, labels, probabilities);
    }

    [Fact]
    public void Every_binary_metric_equals_its_hand_worked_value()
    {
        // Given the worked rows and an operating threshold of 0.4
        var metrics = ClassificationMetrics.Compute(Worked(), threshold: 0.4);
        double Get(string key) => metrics[key].Value!.Value;

        // Then, worked by hand:
        // argmax predicts 1 for risks > 0.5: rows 1-4 predicted 1 (row 2 wrong), rows 5-8 predicted 0 (row 6 wrong)
        Assert.Equal(6.0 / 8, Get("accuracy"), Exact);
        Assert.Equal((3.0 / 4 + 3.0 / 4) / 2, Get("balanced_accuracy"), Exact);
        // positives .875 .625 .5625 .3125 beat 4, 3, 3, 2 of the 4 negatives: 12 / 16
        Assert.Equal(12.0 / 16, Get("auroc"), Exact);
        // from the top: recall steps of 1/4 at precisions 1, 2/3, 3/4, 4/6 -> 37/48 (scikit-learn's average precision)
        Assert.Equal(37.0 / 48, Get("auprc"), Exact);
        // at 0.4: TP = 3 (.875 .625 .5625), FP = 2 (.75 .4375), FN = 1 (.3125), TN = 2 (.25 .125)
        Assert.Equal(3.0 / 4, Get("sensitivity"), Exact);
        Assert.Equal(2.0 / 4, Get("specificity"), Exact);
        Assert.Equal(3.0 / 5, Get("ppv"), Exact);
        Assert.Equal(2.0 / 3, Get("npv"), Exact);
        Assert.Equal(6.0 / 9, Get("f1"), Exact);
        // O = 4 events, E = sum of risks = 3.9375
        Assert.Equal(4 / 3.9375, Get("oe_ratio"), Exact);
        // top-label bins: {.875 x2: acc 1}, {.75 x2: acc 1/2}, {.6875: acc 0}, {.625: acc 1}, {.5625 x2: acc 1}
        //   ECE = (2(.125) + 2(.25) + .6875 + .375 + 2(.4375)) / 8 = 2.6875 / 8; MCE = .6875
        Assert.Equal(2.6875 / 8, Get("ece"), Exact);
        Assert.Equal(0.6875, Get("mce"), Exact);
        // 8 rows in 15 equal-count bins: one row per bin, so the mean |correct - confidence| = 3.1875 / 8
        Assert.Equal(3.1875 / 8, Get("ece_equal_mass"), Exact);
        // squared errors of the risk: .015625 .5625 .140625 .19140625 .19140625 .47265625 .0625 .015625
        Assert.Equal(1.65234375 / 8, Get("brier"), Exact);
        Assert.Equal(1 - 1.65234375 / 8 / 0.25, Get("scaled_brier"), Exact); // prevalence 1/2: reference 1/4
        double logLoss = -new[] { 0.875, 0.25, 0.625, 0.5625, 0.5625, 0.3125, 0.75, 0.875 }.Average(Math.Log);
        Assert.Equal(logLoss, Get("log_loss"), 1e-7); // float32 probabilities
    }

    [Fact]
    public void Threshold_metrics_are_undefined_with_a_note_when_the_model_has_no_threshold()
    {
        var metrics = ClassificationMetrics.Compute(Worked());
        Assert.Null(metrics["sensitivity"].Value);
        Assert.Contains("no operating threshold", metrics["sensitivity"].Note);
    }

    [Fact]
    public void Multiclass_models_get_only_the_metrics_that_apply_to_them()
    {
        var metrics = ClassificationMetrics.Compute(RandomScored.Make(3, 60, 5));
        Assert.Equal(MetricCatalog.All.Where(m => m.Scope == MetricScope.Any).Select(m => m.Key), metrics.Names);
        Assert.DoesNotContain("calibration_slope", metrics.Names);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    public void Weighted_sweeps_equal_the_sample_with_rows_repeated(int classCount, int seed)
    {
        // Given a sample with ties and whole-number weights 0..3 (a bootstrap resample's draw counts)
        var s = RandomScored.Make(classCount, 150, seed, decimals: 2);
        var random = new Random(seed);
        var weights = Enumerable.Range(0, s.Count).Select(_ => (byte)random.Next(0, 4)).ToArray();
        var expanded = Expand(s, weights);

        // When every bootstrap-interval metric is computed both ways
        double? threshold = s.IsBinary ? 0.45 : null;
        var weighted = SampleSummary.Compute(new MetricSample(s, threshold), weights);
        var repeated = SampleSummary.Compute(new MetricSample(expanded, threshold), SampleSummary.UnitWeights(expanded.Count));

        // Then they agree to rounding
        foreach (var metric in MetricCatalog.For(s.IsBinary))
        {
            double? a = metric.Value(weighted).Value, b = metric.Value(repeated).Value;
            Assert.True(a is null == b is null, metric.Key);
            if (a is not null) Assert.True(Math.Abs(a.Value - b!.Value) < 1e-9, $"{metric.Key}: {a} vs {b}");
        }
    }

    [Fact]
    public void Intervals_are_reproducible_for_a_seed_and_differ_for_another()
    {
        var s = RandomScored.Make(2, 120, 9);
        var options = new IntervalOptions { Resamples = 300, Seed = 5 };

        var first = MetricEstimator.Estimate(s, 0.5, options, "site").Metrics;
        var again = MetricEstimator.Estimate(s, 0.5, options, "site").Metrics;
        var otherSeed = MetricEstimator.Estimate(s, 0.5, options with { Seed = 6 }, "site").Metrics;
        var otherSite = MetricEstimator.Estimate(s, 0.5, options, "another site").Metrics;

        Assert.Equal(first["brier"].Ci, again["brier"].Ci);
        Assert.NotEqual(first["brier"].Ci, otherSeed["brier"].Ci);
        Assert.NotEqual(first["brier"].Ci, otherSite["brier"].Ci);
        Assert.Equal(first["auroc"].Ci, otherSeed["auroc"].Ci); // DeLong: no resampling
    }

    [Fact]
    public void Every_metric_has_an_interval_or_a_note_saying_why_not()
    {
        var metrics = MetricEstimator.Estimate(RandomScored.Make(2, 200, 3), 0.5, new IntervalOptions { Resamples = 200 }, "s").Metrics;
        foreach (var (key, value) in metrics)
        {
            Assert.True(value.Ci is not null || value.Note is not null, key);
            if (value.Ci is { } ci)
            {
                Assert.True(ci.Lower <= ci.Upper, key);
                Assert.Equal(MetricCatalog.Get(key).IntervalFor(binary: true), ci.Method);
                Assert.Equal(0.95, ci.Level);
            }
        }
    }

    [Fact]
    public void Without_bootstrap_the_analytic_intervals_remain_and_the_others_say_why_they_are_missing()
    {
        var metrics = MetricEstimator.Estimate(RandomScored.Make(2, 200, 3), 0.5, new IntervalOptions { Resamples = 0 }, "s").Metrics;

        Assert.Equal(IntervalMethod.DeLong, metrics["auroc"].Ci!.Method);
        Assert.Equal(IntervalMethod.Wald, metrics["calibration_slope"].Ci!.Method);
        Assert.Equal(IntervalMethod.LogWald, metrics["oe_ratio"].Ci!.Method);
        Assert.Null(metrics["brier"].Ci);
        Assert.Contains("bootstrap intervals are off", metrics["brier"].Note);
    }

    [Fact]
    public void Analytic_intervals_follow_their_formulas()
    {
        // Given the worked rows
        var s = Worked();
        var metrics = MetricEstimator.Estimate(s, 0.4, new IntervalOptions { Resamples = 0 }, "s").Metrics;
        double z = NormalDistribution.Quantile(0.975);

        // Then AUROC = value ± z sqrt(DeLong variance), clamped to [0, 1]
        var delong = DeLong.Compute([0.875, 0.75, 0.625, 0.5625, 0.4375, 0.3125, 0.25, 0.125],
            [true, false, true, true, false, true, false, false])!;
        Assert.Equal(Math.Max(0, 0.75 - z * Math.Sqrt(delong.Variance)), metrics["auroc"].Ci!.Lower, Exact);
        Assert.Equal(Math.Min(1, 0.75 + z * Math.Sqrt(delong.Variance)), metrics["auroc"].Ci!.Upper, Exact);
        // and O/E = exp(ln(O/E) ± z sqrt(1/O - 1/n)) with O = 4, n = 8
        double oe = 4 / 3.9375, se = Math.Sqrt(1.0 / 4 - 1.0 / 8);
        Assert.Equal(oe * Math.Exp(-z * se), metrics["oe_ratio"].Ci!.Lower, Exact);
        Assert.Equal(oe * Math.Exp(z * se), metrics["oe_ratio"].Ci!.Upper, Exact);
    }

    [Fact]
    public void Analytic_gaps_add_the_variances_of_both_samples()
    {
        // Given two independent samples
        var options = new IntervalOptions { Resamples = 0 };
        var site = MetricEstimator.Estimate(RandomScored.Make(2, 150, 21), 0.5, options, "site");
        var development = MetricEstimator.Estimate(RandomScored.Make(2, 100, 22), 0.5, options, "development");

        // When the gap is taken
        var gap = MetricEstimator.Gap(site, development, options);

        // Then for AUROC and the calibration slope: difference ± z sqrt(se_site^2 + se_dev^2)
        double z = NormalDistribution.Quantile(0.975);
        foreach (string key in new[] { "auroc", "calibration_slope" })
        {
            var (a, b) = (site.Metrics[key], development.Metrics[key]);
            double seA = (a.Ci!.Upper - a.Ci.Lower) / (2 * z), seB = (b.Ci!.Upper - b.Ci.Lower) / (2 * z); // unclamped here
            double difference = a.Value!.Value - b.Value!.Value, se = Math.Sqrt(seA * seA + seB * seB);
            Assert.Equal(difference, gap[key].Value!.Value, Exact);
            Assert.Equal(difference - z * se, gap[key].Ci!.Lower, 1e-9);
            Assert.Equal(difference + z * se, gap[key].Ci!.Upper, 1e-9);
            Assert.Equal(gap[key].Ci!.Excludes(0), gap[key].Distinguishable);
        }
    }

    [Fact]
    public void Bootstrap_gaps_are_percentiles_of_the_differences_of_independent_resamples()
    {
        var options = new IntervalOptions { Resamples = 400 };
        var site = MetricEstimator.Estimate(RandomScored.Make(2, 150, 31), 0.5, options, "site");
        var development = MetricEstimator.Estimate(RandomScored.Make(2, 100, 32), 0.5, options, "development");

        var gap = MetricEstimator.Gap(site, development, options);

        int k = site.Definitions.ToList().FindIndex(d => d.Key == "brier");
        var differences = site.Replicates[k]!.Zip(development.Replicates[k]!, (a, b) => a - b).Order().ToArray();
        Assert.Equal(MetricEstimator.Quantile(differences, 0.025), gap["brier"].Ci!.Lower, Exact);
        Assert.Equal(MetricEstimator.Quantile(differences, 0.975), gap["brier"].Ci!.Upper, Exact);
    }

    [Fact]
    public void A_clearly_worse_site_has_a_distinguishable_worse_gap_and_a_similar_one_does_not()
    {
        // Given a development sample, a site whose risks are noise, and a second draw of the development model
        var options = new IntervalOptions { Resamples = 300 };
        var development = MetricEstimator.Estimate(Separable(400, 1, signal: 2.5), 0.5, options, "development");
        var noise = MetricEstimator.Estimate(Separable(400, 2, signal: 0), 0.5, options, "noise");
        var same = MetricEstimator.Estimate(Separable(400, 3, signal: 2.5), 0.5, options, "same");

        var worse = MetricEstimator.Gap(noise, development, options)["auroc"];
        var similar = MetricEstimator.Gap(same, development, options)["auroc"];

        Assert.True(worse.Distinguishable);
        Assert.True(worse.Worse);
        Assert.False(similar.Distinguishable);
    }

    [Fact]
    public void Quantile_is_type_7()
    {
        // numpy.quantile([1, 2, 4, 8], 0.25) = 1.75; (0.9) = 6.8
        Assert.Equal(1.75, MetricEstimator.Quantile([1, 2, 4, 8], 0.25), Exact);
        Assert.Equal(6.8, MetricEstimator.Quantile([1, 2, 4, 8], 0.9), Exact);
    }

    [Theory]
    [InlineData(0.5, 2000)]
    [InlineData(1.0, 2000)]
    [InlineData(0.95, -1)]
    [InlineData(0.95, 100_001)]
    public void Absurd_interval_settings_are_input_errors(double level, int resamples)
    {
        var e = Assert.Throws<InputException>(() => new IntervalOptions { Level = level, Resamples = resamples }.Validate());
        Assert.Contains(level is > 0.5 and < 1 ? "--bootstrap" : "--confidence", e.Message);
    }

    /// <summary>Labels half and half; risk = sigmoid(signal * (label - 0.5) + noise).</summary>
    private static ScoredExamples Separable(int n, int seed, double signal)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, n).Select(i => i % 2).ToArray();
        var probabilities = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            double normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double risk = 1 / (1 + Math.Exp(-(signal * (labels[i] - 0.5) + normal)));
            probabilities[2 * i] = (float)(1 - risk);
            probabilities[2 * i + 1] = (float)risk;
        }
        return new ScoredExamples(Classes, 1, labels, probabilities);
    }

    private static ScoredExamples Expand(ScoredExamples s, byte[] weights)
    {
        var labels = new List<int>();
        var probabilities = new List<float>();
        for (int i = 0; i < s.Count; i++)
            for (int k = 0; k < (int)weights[i]; k++)
            {
                labels.Add(s.Labels[i]);
                probabilities.AddRange(s.Probabilities.AsSpan(i * s.ClassCount, s.ClassCount).ToArray());
            }
        return new ScoredExamples(s.ClassNames, s.PositiveClass, labels.ToArray(), probabilities.ToArray());
    }
}
