using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// The four-lane resampler must give every bootstrap metric exactly as SampleSummary's one-resample
/// sweeps give it (the reference, itself checked against naive recomputations): same draws, same
/// metrics, to rounding (tolerance 1e-9 absolute; the sums are reassociated).
/// </summary>
public class BinaryResamplerTests
{
    public static TheoryData<int, int?, bool, double?> Samples => new()
    {
        { 400, 2, false, 0.5 },     // many tied risks, a threshold
        { 400, null, false, null }, // continuous risks (above 200 distinct: pooled loess atoms), no threshold
        { 300, 1, true, 0.3 },      // heavy ties, patients with several rows
        { 11, 2, false, 0.5 },      // fewer rows than equal-mass bins
        { 3000, 3, true, 0.2 },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Four_lanes_give_what_one_resample_at_a_time_gives(int n, int? decimals, bool clustered, double? threshold)
    {
        // Given a binary sample in ascending order of risk, optionally with patients of up to 3 rows
        var examples = RandomScored.Make(2, n, seed: n + (decimals ?? 9), decimals: decimals, normalize: false);
        if (clustered)
        {
            var rng = new Random(3);
            examples = new ScoredExamples(examples.ClassNames, examples.PositiveClass, examples.Labels, examples.Probabilities)
            {
                Clusters = Enumerable.Range(0, n).Select(i => i / 3 + (rng.Next(3) == 0 ? 1 : 0)).Select(c => Math.Min(c, n / 3)).ToArray(),
            };
        }
        var (sorted, originalRows) = MetricEstimator.InRiskOrder(examples);
        var sample = new MetricSample(sorted, threshold, originalRows: originalRows);
        var bootstrap = new Bootstrap(sorted.Labels, sorted.Clusters, 2, seed: 5, "site");
        var resampler = new BinaryResampler(sample, bootstrap.PositionOfRow);
        var definitions = MetricCatalog.For(binary: true).Where(d => d.IntervalFor(true) == IntervalMethod.BootstrapPercentile).ToList();

        for (int batch = 0; batch < 5; batch++)
        {
            // When four resamples are drawn and summarised side by side
            const int lanes = BinaryResampler.Lanes;
            var counts = new byte[bootstrap.Positions * lanes];
            bootstrap.Draw(batch * lanes, lanes, counts);
            var reference = new SampleSummary[lanes];
            for (int lane = 0; lane < lanes; lane++)
            {
                // and each also drawn alone and summarised by the one-resample sweeps
                var rowWeights = new byte[n];
                bootstrap.Resample(batch * lanes + lane, rowWeights, new byte[bootstrap.Positions]);
                reference[lane] = SampleSummary.Compute(sample, rowWeights);
            }
            var summaries = resampler.Summarise(counts);

            // Then each lane's metrics equal the one-at-a-time sweeps'
            for (int lane = 0; lane < BinaryResampler.Lanes; lane++)
                foreach (var definition in definitions)
                {
                    double? expected = definition.Value(reference[lane]).Value, actual = definition.Value(summaries[lane]).Value;
                    Assert.True(expected is null == actual is null, $"{definition.Key} lane {lane}: {actual} vs {expected}");
                    if (expected is { } e) Assert.True(Math.Abs(e - actual!.Value) <= 1e-9, $"{definition.Key} lane {lane}: {actual} vs {e}");
                }
        }
    }
}
