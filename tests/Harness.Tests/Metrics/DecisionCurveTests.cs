using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>Net benefit (Vickers and Elkin 2006) by hand, and its interval's variance against the stratified bootstrap it stands for.</summary>
public sealed class DecisionCurveTests
{
    private static ScoredExamples Binary(double[] risks, int[] labels) =>
        new(["no", "yes"], 1, labels, risks.SelectMany(r => new[] { (float)(1 - r), (float)r }).ToArray());

    [Fact]
    public void Net_benefit_and_treat_all_match_a_hand_computation()
    {
        // Given 8 patients, 3 with the event
        double[] risks = [0.9, 0.6, 0.25, 0.3, 0.15, 0.1, 0.05, 0.5];
        int[] labels = [1, 1, 1, 0, 0, 0, 0, 0];

        var curve = DecisionCurve.Of(Binary(risks, labels), 0.95);

        // At pt = 0.20 (w = 0.25), risks >= 0.20: 0.9, 0.6, 0.25 (events) and 0.3, 0.5 (no events): TP 3, FP 2
        var at20 = curve.Key.Single(k => k.Threshold == 0.20);
        Assert.Equal((3 - 2 * 0.25) / 8, at20.NetBenefit, 12);
        Assert.Equal(3.0 / 8 - 5.0 / 8 * 0.25, at20.TreatAll, 12);
        Assert.Equal(at20.NetBenefit - at20.TreatAll, at20.Advantage, 12);
        // Var = (n1 s(1-s) + w^2 n0 f(1-f)) / n^2 with s = 3/3, f = 2/5
        double se = Math.Sqrt(0 + 0.0625 * 5 * 0.4 * 0.6) / 8;
        Assert.Equal(at20.NetBenefit - 1.959963984540054 * se, at20.Ci.Lower, 9);
        // and the curve at 0.50 (w = 1): risks >= 0.5: 0.9, 0.6 (events), 0.5 (no event)
        int at50 = curve.Thresholds.ToList().IndexOf(0.5);
        Assert.Equal((2 - 1.0) / 8, curve.Model[at50], 12);
        Assert.Equal(46, curve.Thresholds.Count);
        Assert.Equal(0.05, curve.Thresholds[0]);
    }

    [Fact]
    public void The_interval_has_the_spread_of_the_stratified_bootstrap()
    {
        // Given 600 rows of a reasonable model
        var random = new Random(5);
        int n = 600;
        var labels = new int[n];
        var risks = new double[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.NextDouble() < 0.3 ? 1 : 0;
            risks[i] = Math.Clamp(0.3 + (labels[i] == 1 ? 0.2 : -0.1) + 0.25 * (random.NextDouble() - 0.5) * 2, 0.01, 0.99);
        }
        var curve = DecisionCurve.Of(Binary(risks, labels), 0.95);

        // When 4,000 resamples redraw each class with replacement, keeping its size
        int[] events = Enumerable.Range(0, n).Where(i => labels[i] == 1).ToArray(), others = Enumerable.Range(0, n).Where(i => labels[i] == 0).ToArray();
        foreach (var key in curve.Key)
        {
            double w = key.Threshold / (1 - key.Threshold);
            var replicates = Enumerable.Range(0, 4000).Select(_ =>
            {
                int tp = events.Count(_ => risks[events[random.Next(events.Length)]] >= key.Threshold);
                int fp = others.Count(_ => risks[others[random.Next(others.Length)]] >= key.Threshold);
                return (tp - fp * w) / n;
            }).ToArray();
            double mean = replicates.Average(), sd = Math.Sqrt(replicates.Sum(r => (r - mean) * (r - mean)) / (replicates.Length - 1));

            // Then the Wald interval's SE is the bootstrap SD within 6% (4,000 replicates: the SD's own error is about 1%)
            double se = (key.Ci.Upper - key.Ci.Lower) / (2 * 1.959963984540054);
            Assert.True(Math.Abs(se / sd - 1) < 0.06, $"pt {key.Threshold}: SE {se}, bootstrap SD {sd}");
        }
    }
}
