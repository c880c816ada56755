using Harness.Core.Metrics;
using Harness.Tests.Support;

namespace Harness.Tests.Metrics;

/// <summary>
/// <see cref="RiskHistogram"/> against <c>numpy.histogram(p, bins=50, range=(0, 1))</c> (left-closed
/// bins, the last closed on both sides), on float32 risks that include every bin edge k/50 as a float32,
/// 0, 1 and edges exact in binary (0.5, 0.25).
/// </summary>
public class RiskHistogramTests
{
    private const string Numpy = """
        import sys, json
        import numpy as np
        d = json.load(open(sys.argv[1]))
        p, hit = np.array(d["p"], dtype=np.float64), np.array(d["hit"], dtype=bool)
        e, _ = np.histogram(p[hit], bins=50, range=(0, 1))
        o, _ = np.histogram(p[~hit], bins=50, range=(0, 1))
        print(json.dumps({"events": e.tolist(), "non_events": o.tolist()}))
        """;

    /// <summary>The same from the probability matrix: top label by numpy's argmax (first on ties), correct when it is the label.</summary>
    private const string NumpyTopLabel = """
        import sys, json
        import numpy as np
        d = json.load(open(sys.argv[1]))
        P, y = np.array(d["probabilities"], dtype=np.float64), np.array(d["labels"])
        top = P.argmax(axis=1)
        p, hit = P[np.arange(len(y)), top], top == y
        e, _ = np.histogram(p[hit], bins=50, range=(0, 1))
        o, _ = np.histogram(p[~hit], bins=50, range=(0, 1))
        print(json.dumps({"events": e.tolist(), "non_events": o.tolist()}))
        """;

    /// <summary>Random rows, then rows at every edge: risk k/50 (as float32) for k = 0..50, 0.5 and 0.25, half of them events.</summary>
    private static ScoredExamples WithEdges(int classes, int n, int seed)
    {
        var random = RandomScored.Make(classes, n, seed, decimals: 3);
        var probabilities = random.Probabilities.ToList();
        var labels = random.Labels.ToList();
        float[] edges = [.. Enumerable.Range(0, 51).Select(k => (float)(k / 50.0)), 0.5f, 0.25f, 1f, 0f];
        for (int k = 0; k < edges.Length; k++)
        {
            float p = edges[k];
            if (classes == 2) probabilities.AddRange([1 - p, p]);
            else
            {
                // Top label class 0 at p (for p >= 1/2; below, the rest share 1 - p so class 0 stays on top where it can)
                float rest = (1 - p) / (classes - 1);
                probabilities.Add(p);
                for (int c = 1; c < classes; c++) probabilities.Add(rest);
            }
            labels.Add(k % 2);
        }
        return new ScoredExamples(random.ClassNames, random.PositiveClass, labels.ToArray(), probabilities.ToArray());
    }

    [PythonFact("numpy")]
    public void Binary_counts_equal_numpy_histogram_of_the_positive_class_risk_by_outcome()
    {
        // Given binary rows, with risks at every bin edge
        var s = WithEdges(2, 400, 31);

        // When the histogram is computed, and numpy bins the same float32 risks
        var histogram = RiskHistogram.Of(s);
        var np = InlinePython.Run(Numpy, new
        {
            p = Enumerable.Range(0, s.Count).Select(i => s.Probability(i, 1)).ToArray(),
            hit = s.Labels.Select(l => l == 1).ToArray(),
        });

        // Then the counts agree bin by bin
        Assert.Equal(RiskHistogram.PositiveClassKind, histogram.Kind);
        Assert.Equal(50, histogram.Bins);
        Assert.Equal(InlinePython.Longs(np["events"]), histogram.Events);
        Assert.Equal(InlinePython.Longs(np["non_events"]), histogram.NonEvents);
        Assert.Equal(s.Count, histogram.Events.Sum() + histogram.NonEvents.Sum());
    }

    [PythonFact("numpy")]
    public void Multiclass_counts_equal_numpy_histogram_of_the_top_label_confidence_by_correctness()
    {
        // Given 3-class rows
        var s = WithEdges(3, 400, 32);

        // When the histogram is computed, and numpy bins the top-label confidence of correct and incorrect rows
        var histogram = RiskHistogram.Of(s);
        var np = InlinePython.Run(NumpyTopLabel, new
        {
            probabilities = Enumerable.Range(0, s.Count).Select(i => Enumerable.Range(0, 3).Select(c => s.Probability(i, c)).ToArray()).ToArray(),
            labels = s.Labels,
        });

        // Then the counts agree bin by bin
        Assert.Equal(RiskHistogram.TopLabelKind, histogram.Kind);
        Assert.Equal(InlinePython.Longs(np["events"]), histogram.Events);
        Assert.Equal(InlinePython.Longs(np["non_events"]), histogram.NonEvents);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.019999999552965164, 0)] // 0.02f lies just below 0.02
    [InlineData(0.02, 1)]                 // an edge opens its bin
    [InlineData(0.5, 25)]
    [InlineData(0.98, 49)]
    [InlineData(1.0, 49)]                 // 1 is in the last bin
    public void Bins_are_closed_on_the_left_and_the_last_holds_1(double p, int bin) =>
        Assert.Equal(bin, RiskHistogram.BinOf(p, 50));
}
