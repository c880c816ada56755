namespace Harness.Core.Metrics;

/// <summary>The results.json keys of the metrics code refers to by name (the catalog defines them all).</summary>
public static class MetricKeys
{
    public const string Accuracy = "accuracy";
    public const string Auroc = "auroc";
    public const string Auprc = "auprc";
    public const string OeRatio = "oe_ratio";
    public const string CalibrationIntercept = "calibration_intercept";
    public const string CalibrationSlope = "calibration_slope";
    public const string Brier = "brier";
    public const string LogLoss = "log_loss";
    public const string Ece = "ece";
}

/// <summary>
/// Point estimates of single catalog metrics (every example weighing 1), and the reliability
/// bins that calibration plots draw. Definitions: <see cref="MetricCatalog"/> and README.md.
/// </summary>
public static class ClassificationMetrics
{
    public const int EceBins = 15;
    public const double LogLossClip = 1e-15;

    /// <summary>Every catalog metric's point estimate (no intervals), in catalog order; undefined ones are null with a note.</summary>
    public static MetricSet Compute(ScoredExamples s, double? threshold = null)
    {
        if (s.Count == 0) throw new ArgumentException("No examples to score.", nameof(s));
        var summary = SampleSummary.Compute(new MetricSample(s, threshold), SampleSummary.UnitWeights(s.Count));
        var set = new MetricSet();
        foreach (var definition in MetricCatalog.For(s.IsBinary))
        {
            var point = definition.Value(summary);
            set.Add(definition.Key, new MetricValue(point.Value) { Note = point.Note });
        }
        return set;
    }

    public static double AccuracyOf(ScoredExamples s) => Point(s, MetricKeys.Accuracy)!.Value;

    /// <summary>Null when it is undefined (binary: one class absent; multiclass: no class has both).</summary>
    public static double? AurocOf(ScoredExamples s) => Point(s, MetricKeys.Auroc);

    /// <summary>AUROC of the score p_cls for "class == cls" (Mann-Whitney, ties counting half); null when cls is absent or is everything.</summary>
    public static double? OneVsRestAuroc(ScoredExamples s, int cls)
    {
        var sample = new MetricSample(s, null, rankEveryClass: true);
        return SampleSummary.Compute(sample, SampleSummary.UnitWeights(s.Count)).Auroc[cls];
    }

    public static double BrierOf(ScoredExamples s) => Point(s, MetricKeys.Brier)!.Value;

    public static double LogLossOf(ScoredExamples s) => Point(s, MetricKeys.LogLoss)!.Value;

    /// <summary>Top-label ECE from the reliability bins (the catalog's "ece" at 15 bins; other counts for tests and plots).</summary>
    public static double ExpectedCalibrationError(ScoredExamples s, int bins = EceBins) =>
        TopLabelReliability(s, bins).Where(b => b.Count > 0)
            .Sum(b => (double)b.Count / s.Count * Math.Abs(b.ObservedFrequency!.Value - b.MeanPredicted!.Value));

    /// <summary>Top-label reliability: confidence = max probability, observed = share predicted correctly.</summary>
    public static IReadOnlyList<ReliabilityBin> TopLabelReliability(ScoredExamples s, int bins = EceBins) =>
        Reliability(s.Count, bins, i =>
        {
            int predicted = s.PredictedClass(i);
            return (s.Probability(i, predicted), predicted == s.Labels[i]);
        });

    /// <summary>Risk calibration of one class: predicted p_cls against the observed frequency of cls.</summary>
    public static IReadOnlyList<ReliabilityBin> ClassReliability(ScoredExamples s, int cls, int bins = EceBins) =>
        Reliability(s.Count, bins, i => (s.Probability(i, cls), s.Labels[i] == cls));

    /// <summary>
    /// Equal-width bins over [0, 1], closed on the right: bin m holds ((m-1)/M, m/M]; 0 falls in the first.
    /// </summary>
    public static int BinOf(double p, int bins) => Math.Clamp((int)Math.Ceiling(p * bins) - 1, 0, bins - 1);

    private static double? Point(ScoredExamples s, string key) => Compute(s)[key].Value;

    private static IReadOnlyList<ReliabilityBin> Reliability(int count, int bins, Func<int, (double Predicted, bool Event)> point)
    {
        var n = new int[bins];
        var predicted = new double[bins];
        var events = new int[bins];
        for (int i = 0; i < count; i++)
        {
            var (p, happened) = point(i);
            int b = BinOf(p, bins);
            n[b]++;
            predicted[b] += p;
            if (happened) events[b]++;
        }
        return Enumerable.Range(0, bins).Select(b => new ReliabilityBin(
            (double)b / bins, (double)(b + 1) / bins, n[b],
            n[b] == 0 ? null : predicted[b] / n[b],
            n[b] == 0 ? null : (double)events[b] / n[b])).ToArray();
    }
}

/// <summary>A reliability-diagram bin; the means are null for an empty bin.</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double? MeanPredicted, double? ObservedFrequency);
