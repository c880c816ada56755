using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// The weighted sums every catalog metric is a function of, gathered in a few O(n) sweeps over a
/// <see cref="MetricSample"/>: one in row order, one per ranked class (AUROC and average
/// precision together), one by confidence (equal-mass bins). Weights are frequency weights (a
/// bootstrap resample's draw counts; 1 for the point estimate), so every metric equals its value
/// on the sample with each row repeated that many times. The costly parts that only some
/// metrics need (the loess curve, the logistic fits, DeLong's variance) are computed on demand.
/// </summary>
internal sealed class SampleSummary
{
    private readonly double[] _weights;
    private readonly Lazy<FlexibleCalibrationResult?> _flexible;
    private readonly Lazy<WaldEstimate?> _intercept;
    private readonly Lazy<(WaldEstimate Intercept, WaldEstimate Slope)?> _slope;
    private readonly Lazy<AurocVariance?> _delong;

    private SampleSummary(MetricSample sample, double[] weights)
    {
        Sample = sample;
        _weights = weights;
        ClassWeight = new double[sample.Classes];
        CorrectByClass = new double[sample.Classes];
        BinCount = new double[ClassificationMetrics.EceBins];
        BinConfidence = new double[ClassificationMetrics.EceBins];
        BinCorrect = new double[ClassificationMetrics.EceBins];
        Auroc = new double?[sample.ScoredClasses.Length];
        AveragePrecision = new double?[sample.ScoredClasses.Length];
        _flexible = new(() => FlexibleCalibrationOf(sample, weights));
        _intercept = new(() => LogisticCalibration.Intercept(sample.SortedRisk, sample.SortedEvent, InScoreOrder()));
        _slope = new(() => LogisticCalibration.Slope(sample.SortedRisk, sample.SortedEvent, InScoreOrder()));
        _delong = new(() => DeLong.Compute(sample.SortedRisk, sample.SortedEvent!.Select(e => e == 1).ToArray(), InScoreOrder()));
    }

    public MetricSample Sample { get; }
    public bool IsBinary => Sample.IsBinary;

    /// <summary>Total weight: the number of examples.</summary>
    public double N { get; private set; }

    public double[] ClassWeight { get; }
    public double Correct { get; private set; }
    public double[] CorrectByClass { get; }

    /// <summary>Confusion counts at the operating threshold (binary models with a threshold).</summary>
    public double TruePositives { get; private set; }
    public double FalsePositives { get; private set; }
    public double TrueNegatives { get; private set; }
    public double FalseNegatives { get; private set; }

    /// <summary>Binary: observed events and the sum of predicted risks.</summary>
    public double Observed => Sample.Positive is int p ? ClassWeight[p] : double.NaN;
    public double Expected { get; private set; }

    public double BrierSum { get; private set; }
    public double LogLossSum { get; private set; }

    /// <summary>One-vs-rest AUROC and average precision per ranked class (null: the class is absent, or is everything).</summary>
    public double?[] Auroc { get; }
    public double?[] AveragePrecision { get; }

    /// <summary>Equal-width top-label confidence bins.</summary>
    public double[] BinCount { get; }
    public double[] BinConfidence { get; }
    public double[] BinCorrect { get; }

    public double EceEqualMass { get; private set; }

    public FlexibleCalibrationResult? Flexible => _flexible.Value;
    public WaldEstimate? CalibrationIntercept => _intercept.Value;
    public (WaldEstimate Intercept, WaldEstimate Slope)? CalibrationSlope => _slope.Value;
    public AurocVariance? DeLongAuroc => _delong.Value;

    /// <summary>Classes present (positive weight).</summary>
    public int ClassesPresent => ClassWeight.Count(w => w > 0);

    public static SampleSummary Compute(MetricSample sample, double[] weights)
    {
        if (weights.Length != sample.N) throw new ArgumentException("One weight per row is needed.", nameof(weights));
        var s = new SampleSummary(sample, weights);
        s.RowSweep();
        for (int k = 0; k < sample.ScoredClasses.Length; k++) s.RankSweep(k);
        s.EqualMassSweep();
        return s;
    }

    private void RowSweep()
    {
        var m = Sample;
        int? positive = m.Positive;
        double threshold = m.Threshold ?? double.NaN;
        double n = 0, correct = 0, expected = 0, brier = 0, logLoss = 0, tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < m.N; i++)
        {
            double w = _weights[i];
            if (w == 0) continue;
            int label = m.Labels[i];
            n += w;
            ClassWeight[label] += w;
            if (m.Predicted[i] == label)
            {
                correct += w;
                CorrectByClass[label] += w;
            }
            brier += w * m.BrierTerm[i];
            logLoss += w * m.LogLossTerm[i];
            int b = m.TopBin[i];
            BinCount[b] += w;
            BinConfidence[b] += w * m.Confidence[i];
            if (m.Predicted[i] == label) BinCorrect[b] += w;
            if (positive is int pos)
            {
                double risk = m.Probability(i, pos);
                expected += w * risk;
                bool predictedPositive = risk >= threshold, isEvent = label == pos;
                if (predictedPositive) { if (isEvent) tp += w; else fp += w; }
                else if (!double.IsNaN(threshold)) { if (isEvent) fn += w; else tn += w; }
            }
        }
        (N, Correct, Expected, BrierSum, LogLossSum) = (n, correct, expected, brier, logLoss);
        (TruePositives, FalsePositives, TrueNegatives, FalseNegatives) = (tp, fp, tn, fn);
    }

    /// <summary>
    /// AUROC (Mann-Whitney: each positive against the negatives below it, ties counting half) and
    /// average precision (scikit-learn's step sum over thresholds at each distinct score, from the
    /// top) of one class, in one pass over the rows in ascending score order.
    /// </summary>
    private void RankSweep(int k)
    {
        var m = Sample;
        int cls = m.ScoredClasses[k];
        int[] order = m.ByScore[k];
        double positives = 0, negatives = 0;
        for (int i = 0; i < m.N; i++)
        {
            double w = _weights[i];
            if (m.Labels[i] == cls) positives += w; else negatives += w;
        }
        if (positives == 0) return;

        double negativesBelow = 0, pairs = 0;
        double positivesAbove = positives, negativesAbove = negatives; // at or above the current score
        double ap = 0;
        for (int start = 0; start < order.Length;)
        {
            double score = m.Probability(order[start], cls);
            int end = start;
            double pos = 0, neg = 0;
            for (; end < order.Length && m.Probability(order[end], cls) == score; end++)
            {
                double w = _weights[order[end]];
                if (m.Labels[order[end]] == cls) pos += w; else neg += w;
            }
            pairs += pos * (negativesBelow + 0.5 * neg);
            // Threshold at this score: everything from here up is predicted positive. Summing from the
            // lowest threshold upwards, each step's recall drop times that threshold's precision.
            if (pos > 0 && positivesAbove > 0)
                ap += pos / positives * (positivesAbove / (positivesAbove + negativesAbove));
            negativesBelow += neg;
            positivesAbove -= pos;
            negativesAbove -= neg;
            start = end;
        }
        AveragePrecision[k] = ap;
        Auroc[k] = negatives == 0 ? null : pairs / (positives * negatives);
    }

    /// <summary>Top-label ECE over 15 equal-count bins of the rows ranked by confidence (numpy's array_split sizes).</summary>
    private void EqualMassSweep()
    {
        var m = Sample;
        const int bins = ClassificationMetrics.EceBins;
        long total = (long)Math.Round(N);
        if (total == 0) return;
        long size = total / bins, extra = total % bins; // the first `extra` bins hold one more row
        var count = new double[bins];
        var confidence = new double[bins];
        var correct = new double[bins];
        long position = 0;
        foreach (int row in m.ByConfidence)
        {
            double w = _weights[row];
            bool hit = m.Predicted[row] == m.Labels[row];
            // A row drawn k times occupies positions [position, position + k), which may straddle bins.
            long remaining = (long)w;
            while (remaining > 0)
            {
                int b = BinAt(position, size, extra);
                long end = BinEnd(b, size, extra);
                long take = Math.Min(remaining, end - position);
                count[b] += take;
                confidence[b] += take * m.Confidence[row];
                if (hit) correct[b] += take;
                position += take;
                remaining -= take;
            }
        }
        double ece = 0;
        for (int b = 0; b < bins; b++)
            if (count[b] > 0) ece += count[b] / total * Math.Abs(correct[b] / count[b] - confidence[b] / count[b]);
        EceEqualMass = ece;
    }

    private static int BinAt(long position, long size, long extra) =>
        position < extra * (size + 1) ? (int)(position / (size + 1)) : (int)(extra + (position - extra * (size + 1)) / size);

    private static long BinEnd(int bin, long size, long extra) =>
        bin < extra ? (bin + 1) * (size + 1) : extra * (size + 1) + (bin - extra + 1) * size;

    /// <summary>The weights in ascending-risk order (binary models), as the sorted-input statistics want them.</summary>
    private double[] InScoreOrder()
    {
        int[] order = Sample.RiskOrder!;
        var w = new double[order.Length];
        for (int k = 0; k < order.Length; k++) w[k] = _weights[order[k]];
        return w;
    }

    private FlexibleCalibrationResult? FlexibleCalibrationOf(MetricSample sample, double[] weights) =>
        sample.SortedRisk is null ? null : FlexibleCalibration.Compute(sample.SortedRisk, sample.SortedEvent, InScoreOrder());
}
