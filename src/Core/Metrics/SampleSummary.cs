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
    private readonly bool _pointEstimate;
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
        _pointEstimate = weights.All(w => w == 1);
        _flexible = new(FlexibleCalibrationOf);
        _inOrder = new double[]?[sample.Ranked.Length];
        _intercept = new(() => LogisticCalibration.Intercept(sample.RiskRanking!.Score, sample.RiskRanking.IsClass, InScoreOrder()));
        _slope = new(() => LogisticCalibration.Slope(sample.RiskRanking!.Score, sample.RiskRanking.IsClass, InScoreOrder()));
        _delong = new(() => DeLong.Compute(sample.RiskRanking!.Score, sample.RiskRanking.IsClass.Select(e => e == 1).ToArray(), InScoreOrder()));
    }

    public MetricSample Sample { get; }
    public bool IsBinary => Sample.IsBinary;

    /// <summary>Total weight: the number of examples.</summary>
    public double N { get; private set; }

    public double[] ClassWeight { get; }
    public double Correct { get; private set; }
    public double[] CorrectByClass { get; }

    /// <summary>Confusion counts at the operating threshold (binary models; meaningless without a threshold).</summary>
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
        for (int k = 0; k < sample.Ranked.Length; k++) s.RankSweep(k);
        s.EqualMassSweep();
        return s;
    }

    /// <summary>
    /// Row-order sums. Rows of weight 0 add 0: no branch on the weights (a resample's are random),
    /// and running sums stay in registers (in risk order the confidence bin changes rarely).
    /// </summary>
    private void RowSweep()
    {
        var m = Sample;
        double[] w = _weights, hit = m.Hit, brierTerm = m.BrierTerm, logLossTerm = m.LogLossTerm, confidence = m.Confidence;
        double[] risk = m.Risk, events = m.Event, atThreshold = m.AtThreshold;
        int[] labels = m.Labels;
        byte[] bin = m.TopBin;
        bool binary = m.IsBinary;
        double n = 0, correct = 0, expected = 0, brier = 0, logLoss = 0;
        double positives = 0, correctPositives = 0, atOrAbove = 0, truePositives = 0; // binary models
        double binCount = 0, binConfidence = 0, binCorrect = 0;
        int current = w.Length > 0 ? bin[0] : 0;
        for (int i = 0; i < w.Length; i++)
        {
            double wi = w[i], hi = wi * hit[i];
            if (bin[i] != current)
            {
                Flush();
                current = bin[i];
            }
            n += wi;
            correct += hi;
            brier += wi * brierTerm[i];
            logLoss += wi * logLossTerm[i];
            binCount += wi;
            binConfidence += wi * confidence[i];
            binCorrect += hi;
            if (binary)
            {
                double ev = events[i], wt = wi * atThreshold[i];
                expected += wi * risk[i];
                positives += wi * ev;
                correctPositives += hi * ev;
                atOrAbove += wt;
                truePositives += wt * ev;
            }
            else
            {
                ClassWeight[labels[i]] += wi;
                CorrectByClass[labels[i]] += hi;
            }
        }
        Flush();
        (N, Correct, Expected, BrierSum, LogLossSum) = (n, correct, expected, brier, logLoss);
        if (m.Positive is int pos)
        {
            (ClassWeight[pos], ClassWeight[1 - pos]) = (positives, n - positives);
            (CorrectByClass[pos], CorrectByClass[1 - pos]) = (correctPositives, correct - correctPositives);
            (TruePositives, FalsePositives) = (truePositives, atOrAbove - truePositives);
            (FalseNegatives, TrueNegatives) = (positives - truePositives, n - positives - (atOrAbove - truePositives));
        }

        void Flush()
        {
            BinCount[current] += binCount;
            BinConfidence[current] += binConfidence;
            BinCorrect[current] += binCorrect;
            binCount = binConfidence = binCorrect = 0;
        }
    }

    /// <summary>
    /// AUROC (Mann-Whitney: each positive against the negatives below it, ties counting half) and
    /// average precision (scikit-learn's step sum over thresholds at each distinct score, from the
    /// top) of one class, run by run of tied scores in ascending order.
    /// </summary>
    private void RankSweep(int k)
    {
        var ranked = Sample.Ranked[k];
        double[] isClass = ranked.IsClass, w = InOrder(k);
        int[] runs = ranked.Runs;
        double positives = ClassWeight[ranked.Class], negatives = N - positives; // from the row sweep
        if (positives == 0) return;

        double negativesBelow = 0, pairs = 0, ap = 0;
        double positivesAbove = positives, negativesAbove = negatives; // at or above the current score
        for (int r = 0; r + 1 < runs.Length; r++)
        {
            double pos = 0, all = 0;
            for (int i = runs[r]; i < runs[r + 1]; i++)
            {
                pos += w[i] * isClass[i];
                all += w[i];
            }
            double neg = all - pos;
            pairs += pos * (negativesBelow + 0.5 * neg);
            // Threshold at this score: everything from here up is predicted positive. Summing from the
            // lowest threshold upwards, each step's recall drop times that threshold's precision.
            // (no branch on pos: a run without positives adds 0; the denominator is positive while positives remain)
            ap += pos / positives * (positivesAbove / Math.Max(positivesAbove + negativesAbove, double.Epsilon));
            negativesBelow += neg;
            positivesAbove -= pos;
            negativesAbove -= neg;
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
        int[] order = m.ByConfidence;
        double[] conf = m.ConfidenceByConfidence, hit = m.HitByConfidence;
        int bin = 0;
        long position = 0, end = BinEnd(0, size, extra);
        double binCount = 0, binConfidence = 0, binCorrect = 0; // the current bin's sums, stored when it closes
        for (int k = 0; k < order.Length; k++)
        {
            // A row drawn w times occupies positions [position, position + w). Mostly that lies inside the
            // current bin (a row of weight 0 adds nothing); only at the 14 bin ends is a row split.
            double w = _weights[order[k]];
            long remaining = (long)w;
            if (position + remaining < end)
            {
                binCount += w;
                binConfidence += w * conf[k];
                binCorrect += w * hit[k];
                position += remaining;
                continue;
            }
            while (remaining > 0)
            {
                long take = Math.Min(remaining, end - position);
                binCount += take;
                binConfidence += take * conf[k];
                binCorrect += take * hit[k];
                position += take;
                remaining -= take;
                if (position == end)
                {
                    (count[bin], confidence[bin], correct[bin]) = (binCount, binConfidence, binCorrect);
                    (binCount, binConfidence, binCorrect) = (0, 0, 0);
                    if (bin + 1 < bins) end = BinEnd(++bin, size, extra);
                }
            }
        }
        double ece = 0;
        for (int b = 0; b < bins; b++)
            if (count[b] > 0) ece += count[b] / total * Math.Abs(correct[b] / count[b] - confidence[b] / count[b]);
        EceEqualMass = ece;
    }

    private static long BinEnd(int bin, long size, long extra) =>
        bin < extra ? (bin + 1) * (size + 1) : extra * (size + 1) + (bin - extra + 1) * size;

    private readonly double[]?[] _inOrder;

    /// <summary>The weights in a ranked class's order: the weights themselves when rows are already in that order.</summary>
    private double[] InOrder(int k)
    {
        if (Sample.RiskSorted && k == Sample.RiskRank) return _weights;
        if (_inOrder[k] is { } cached) return cached;
        int[] order = Sample.Ranked[k].Order;
        var w = new double[order.Length];
        for (int i = 0; i < order.Length; i++) w[i] = _weights[order[i]];
        return _inOrder[k] = w;
    }

    private double[] InScoreOrder() => InOrder(Sample.RiskRank);

    /// <summary>
    /// The loess calibration curve. The point estimate (every weight 1) fits every distinct risk (or
    /// FlexibleCalibration's own atoms above 2,000); a resample fits the sample's fixed atoms, each
    /// with the resample's weight and weighted mean risk and outcome: exact when every atom is one
    /// run of tied risks, and one O(n) pass instead of a sort-and-merge per resample.
    /// </summary>
    private FlexibleCalibrationResult? FlexibleCalibrationOf()
    {
        var sample = Sample;
        if (sample.RiskRanking is not { Score: var risk, IsClass: var events }) return null;
        double[] w = InScoreOrder();
        if (_pointEstimate) return FlexibleCalibration.Compute(risk, events, w);
        int[] atoms = sample.LoessAtoms!;
        int count = atoms.Length - 1;
        var (x, y, aw) = (new double[count], new double[count], new double[count]);
        for (int a = 0; a < count; a++)
        {
            double sw = 0, swx = 0, swy = 0;
            for (int i = atoms[a]; i < atoms[a + 1]; i++)
            {
                sw += w[i];
                swx += w[i] * risk[i];
                swy += w[i] * events[i];
            }
            // An atom's weighted mean stays within its risks, so atoms stay sorted; an empty one keeps its first risk.
            x[a] = sw > 0 ? Math.Clamp(swx / sw, risk[atoms[a]], risk[atoms[a + 1] - 1]) : risk[atoms[a]];
            (y[a], aw[a]) = sw > 0 ? (swy / sw, sw) : (0, 0);
        }
        return FlexibleCalibration.ComputeOnNodes(x, y, aw, curvePoints: 2);
    }
}
