namespace Harness.Core.Metrics;

/// <summary>
/// The metrics Harness reports, computed in double precision. Definitions (README.md, "Metrics"):
/// <list type="bullet">
/// <item>accuracy: share of examples whose most probable class is the true one;</item>
/// <item>auroc: binary, the Mann-Whitney probability that a positive outscores a negative (ties count
/// half); multiclass, the unweighted mean of one-vs-rest AUROCs;</item>
/// <item>brier: binary, mean (p_positive - y)^2; multiclass, mean over examples of the squared distance
/// between the probability vector and the one-hot truth (Brier 1950);</item>
/// <item>log_loss: mean -ln p_true, with p clipped to [1e-15, 1];</item>
/// <item>ece: top-label expected calibration error with 15 equal-width confidence bins
/// ((m-1)/15, m/15] (Guo et al. 2017).</item>
/// </list>
/// </summary>
public static class ClassificationMetrics
{
    public const string Accuracy = "accuracy";
    public const string Auroc = "auroc";
    public const string Brier = "brier";
    public const string LogLoss = "log_loss";
    public const string Ece = "ece";

    public const int EceBins = 15;
    public const double LogLossClip = 1e-15;

    public static MetricSet Compute(ScoredExamples s)
    {
        if (s.Count == 0) throw new ArgumentException("No examples to score.", nameof(s));
        var set = new MetricSet();
        set.Add(Accuracy, new MetricValue(AccuracyOf(s)));
        double? auroc = AurocOf(s);
        set.Add(Auroc, new MetricValue(auroc)
        {
            Note = auroc is null ? "undefined: every example has the same class" : null,
        });
        set.Add(Brier, new MetricValue(BrierOf(s)));
        set.Add(LogLoss, new MetricValue(LogLossOf(s)));
        set.Add(Ece, new MetricValue(ExpectedCalibrationError(s)));
        return set;
    }

    public static double AccuracyOf(ScoredExamples s)
    {
        int correct = 0;
        for (int i = 0; i < s.Count; i++)
            if (s.PredictedClass(i) == s.Labels[i]) correct++;
        return (double)correct / s.Count;
    }

    /// <summary>Null when it is undefined (binary: one class absent; multiclass: no class has both).</summary>
    public static double? AurocOf(ScoredExamples s)
    {
        if (s.IsBinary) return OneVsRestAuroc(s, s.PositiveClass!.Value);
        var perClass = Enumerable.Range(0, s.ClassCount).Select(c => OneVsRestAuroc(s, c)).Where(a => a is not null).ToList();
        return perClass.Count == 0 ? null : perClass.Average();
    }

    /// <summary>AUROC of the score p_cls for "class == cls", from mid-ranks: O(n log n), exact with ties.</summary>
    public static double? OneVsRestAuroc(ScoredExamples s, int cls)
    {
        var order = Enumerable.Range(0, s.Count).OrderBy(i => s.Probability(i, cls)).ToArray();
        long positives = s.Labels.LongCount(l => l == cls), negatives = s.Count - positives;
        if (positives == 0 || negatives == 0) return null;

        double positiveRankSum = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            double score = s.Probability(order[start], cls);
            while (end + 1 < order.Length && s.Probability(order[end + 1], cls) == score) end++;
            double midRank = (start + end) / 2.0 + 1; // 1-based mean rank of the tied run
            for (int k = start; k <= end; k++)
                if (s.Labels[order[k]] == cls) positiveRankSum += midRank;
            start = end + 1;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    public static double BrierOf(ScoredExamples s)
    {
        double sum = 0;
        for (int i = 0; i < s.Count; i++)
        {
            if (s.IsBinary)
            {
                int pos = s.PositiveClass!.Value;
                double d = s.Probability(i, pos) - (s.Labels[i] == pos ? 1 : 0);
                sum += d * d;
            }
            else
            {
                for (int c = 0; c < s.ClassCount; c++)
                {
                    double d = s.Probability(i, c) - (s.Labels[i] == c ? 1 : 0);
                    sum += d * d;
                }
            }
        }
        return sum / s.Count;
    }

    public static double LogLossOf(ScoredExamples s)
    {
        double sum = 0;
        for (int i = 0; i < s.Count; i++)
            sum -= Math.Log(Math.Clamp(s.Probability(i, s.Labels[i]), LogLossClip, 1.0));
        return sum / s.Count;
    }

    public static double ExpectedCalibrationError(ScoredExamples s, int bins = EceBins) =>
        TopLabelReliability(s, bins).Where(b => b.Count > 0).Sum(b => (double)b.Count / s.Count * Math.Abs(b.ObservedFrequency!.Value - b.MeanPredicted!.Value));

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
