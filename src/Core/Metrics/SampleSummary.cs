using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// The weighted sums every catalog metric is a function of, gathered in a few O(n) sweeps over a
/// <see cref="MetricSample"/>: one in row order, one per ranked class (AUROC and average
/// precision together), one by confidence (equal-mass bins). Weights are frequency weights (a
/// bootstrap resample's draw counts; 1 for the point estimate), so every metric equals its value
/// on the sample with each row repeated that many times; a byte each (a resample draws no
/// patient 256 times: <see cref="Bootstrap.Draw"/>). The costly parts that only some
/// metrics need (the loess curve, the logistic fits, DeLong's variance) are computed on demand.
/// </summary>
internal sealed class SampleSummary
{
    private readonly byte[]? _weights;
    private readonly bool _pointEstimate;
    private readonly double? _bandLevel;
    private readonly Lazy<FlexibleCalibrationResult?> _flexible;
    private readonly Lazy<WaldEstimate?> _intercept;
    private readonly Lazy<(WaldEstimate Intercept, WaldEstimate Slope)?> _slope;
    private readonly Lazy<AurocVariance?> _delong;

    private SampleSummary(MetricSample sample, byte[]? weights, Func<FlexibleCalibrationResult?>? flexible = null, double? bandLevel = null)
    {
        Sample = sample;
        _weights = weights;
        _bandLevel = bandLevel;
        ClassWeight = new double[sample.Classes];
        CorrectByClass = new double[sample.Classes];
        BinCount = new double[ClassificationMetrics.EceBins];
        BinConfidence = new double[ClassificationMetrics.EceBins];
        BinCorrect = new double[ClassificationMetrics.EceBins];
        Auroc = new double?[sample.ScoredClasses.Length];
        AveragePrecision = new double?[sample.ScoredClasses.Length];
        _pointEstimate = weights is not null && weights.All(w => w == 1);
        _flexible = new(flexible ?? FlexibleCalibrationOf);
        _inOrder = new byte[]?[sample.Ranked.Length];
        _intercept = new(() => LogisticCalibration.InterceptOfLogits(sample.RiskLogits!, sample.RiskRanking!.IsClass, InScoreOrder()));
        _slope = new(() => LogisticCalibration.SlopeOfLogits(sample.RiskLogits!, sample.RiskRanking!.IsClass, InScoreOrder()));
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

    /// <summary>The point estimate's weights: 1 for every row.</summary>
    public static byte[] UnitWeights(int n)
    {
        var ones = new byte[n];
        Array.Fill(ones, (byte)1);
        return ones;
    }

    /// <param name="bandLevel">The point estimate's loess curve carries a confidence band at this level (null: none).</param>
    public static SampleSummary Compute(MetricSample sample, byte[] weights, double? bandLevel = null)
    {
        if (weights.Length != sample.N) throw new ArgumentException("One weight per row is needed.", nameof(weights));
        var s = new SampleSummary(sample, weights, bandLevel: bandLevel);
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
        byte[] w = Weights;
        double[] brierTerm = m.BrierTerm, logLossTerm = m.LogLossTerm;
        byte[] hit = m.Hit, events = m.Event, atThreshold = m.AtThreshold;
        float[] confidence = m.Confidence, risk = m.Risk;
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
            logLoss += wi * logLossTerm[i];
            binCount += wi;
            binConfidence += wi * confidence[i];
            binCorrect += hi;
            if (binary)
            {
                double ev = events[i], wt = wi * atThreshold[i], d = risk[i] - ev;
                brier += wi * (d * d);
                expected += wi * risk[i];
                positives += wi * ev;
                correctPositives += hi * ev;
                atOrAbove += wt;
                truePositives += wt * ev;
            }
            else
            {
                brier += wi * brierTerm[i];
                ClassWeight[labels[i]] += wi;
                CorrectByClass[labels[i]] += hi;
            }
        }
        Flush();
        (N, Correct, Expected, BrierSum, LogLossSum) = (n, correct, expected, brier, logLoss);
        if (m.IsBinary) SetBinaryCounts(positives, correctPositives, atOrAbove, truePositives);

        void Flush()
        {
            BinCount[current] += binCount;
            BinConfidence[current] += binConfidence;
            BinCorrect[current] += binCorrect;
            binCount = binConfidence = binCorrect = 0;
        }
    }

    /// <summary>Class weights, per-class hits and the confusion counts of a binary model from N, Correct and the positive-class sums.</summary>
    private void SetBinaryCounts(double positives, double correctPositives, double atOrAbove, double truePositives)
    {
        int pos = Sample.Positive!.Value;
        (ClassWeight[pos], ClassWeight[1 - pos]) = (positives, N - positives);
        (CorrectByClass[pos], CorrectByClass[1 - pos]) = (correctPositives, Correct - correctPositives);
        (TruePositives, FalsePositives) = (truePositives, atOrAbove - truePositives);
        (FalseNegatives, TrueNegatives) = (positives - truePositives, N - positives - (atOrAbove - truePositives));
    }

    /// <summary>
    /// A binary resample's summary from the sums <see cref="BinaryResampler"/> gathers for it: the
    /// totals, the positive-class sums, the equal-width bins, equal-mass ECE, average precision (sum
    /// over runs of tied risks of the run's events times the precision at its risk, not yet divided by
    /// the events) and the loess atoms' weight, weighted risk and weighted events.
    /// </summary>
    internal static SampleSummary OfBinaryResample(MetricSample sample, in BinaryResampleSums sums)
    {
        var atoms = sums.Atoms;
        var s = new SampleSummary(sample, null, () => CurveOnAtoms(sample, atoms.Weight, atoms.Risk, atoms.Events))
        {
            N = sums.N, Correct = sums.Correct, Expected = sums.Expected, BrierSum = sums.Brier, LogLossSum = sums.LogLoss,
            EceEqualMass = sums.EceEqualMass,
        };
        s.SetBinaryCounts(sums.Positives, sums.CorrectPositives, sums.AtOrAbove, sums.TruePositivesAtThreshold);
        sums.BinCount.CopyTo(s.BinCount, 0);
        sums.BinConfidence.CopyTo(s.BinConfidence, 0);
        sums.BinCorrect.CopyTo(s.BinCorrect, 0);
        if (sums.Positives > 0) s.AveragePrecision[0] = sums.PrecisionSum / sums.Positives;
        return s;
    }

    /// <summary>
    /// AUROC (Mann-Whitney: each positive against the negatives below it, ties counting half) and
    /// average precision (scikit-learn's step sum over thresholds at each distinct score, from the
    /// top) of one class, run by run of tied scores in ascending order.
    /// </summary>
    private void RankSweep(int k)
    {
        var ranked = Sample.Ranked[k];
        byte[] isClass = ranked.IsClass;
        byte[] w = InOrder(k);
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
        var bins = new EqualMassBins(N);
        int[] order = m.ByConfidence;
        byte[] weights = Weights;
        float[] conf = m.ConfidenceByConfidence;
        byte[] hit = m.HitByConfidence;
        for (int k = 0; k < order.Length; k++) bins.Add(weights[order[k]], conf[k], hit[k]);
        EceEqualMass = bins.Ece();
    }

    private readonly byte[]?[] _inOrder;

    private byte[] Weights => _weights ?? throw new InvalidOperationException("A resample summarised from sums has no per-row weights.");

    /// <summary>The weights in a ranked class's order: the weights themselves when rows are already in that order.</summary>
    private byte[] InOrder(int k)
    {
        if (Sample.Ranked[k].Order is not { } order) return Weights;
        if (_inOrder[k] is { } cached) return cached;
        var w = new byte[order.Length];
        byte[] weights = Weights;
        for (int i = 0; i < order.Length; i++) w[i] = weights[order[i]];
        return _inOrder[k] = w;
    }

    private byte[] InScoreOrder() => InOrder(Sample.RiskRank);

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
        byte[] w = InScoreOrder();
        if (_pointEstimate) return FlexibleCalibration.Compute(risk, events, w, bandLevel: _bandLevel);
        int[] atoms = sample.LoessAtoms!;
        int count = atoms.Length - 1;
        var (sw, swx, swy) = (new double[count], new double[count], new double[count]);
        for (int a = 0; a < count; a++)
            for (int i = atoms[a]; i < atoms[a + 1]; i++)
            {
                sw[a] += w[i];
                swx[a] += w[i] * (double)risk[i];
                swy[a] += w[i] * events[i];
            }
        return CurveOnAtoms(sample, sw, swx, swy);
    }

    /// <summary>The loess curve through the loess atoms, each at its weighted mean risk and outcome with its total weight.</summary>
    private static FlexibleCalibrationResult? CurveOnAtoms(MetricSample sample, double[] weight, double[] weightedRisk, double[] weightedEvents)
    {
        int[] atoms = sample.LoessAtoms!;
        float[] risk = sample.RiskRanking!.Score;
        int count = atoms.Length - 1;
        var (x, y, aw) = (new double[count], new double[count], new double[count]);
        for (int a = 0; a < count; a++)
        {
            double sw = weight[a];
            // An atom's weighted mean stays within its risks, so atoms stay sorted; an empty one keeps its first risk.
            x[a] = sw > 0 ? Math.Clamp(weightedRisk[a] / sw, risk[atoms[a]], risk[atoms[a + 1] - 1]) : risk[atoms[a]];
            (y[a], aw[a]) = sw > 0 ? (weightedEvents[a] / sw, sw) : (0, 0);
        }
        return FlexibleCalibration.ComputeOnNodes(x, y, aw, curvePoints: 2);
    }
}

/// <summary>
/// Top-label ECE over <see cref="ClassificationMetrics.EceBins"/> bins of equal count, fed the rows in
/// ascending order of confidence, each with its weight (numpy's array_split sizes: the first
/// total mod bins bins hold one row more). A row of weight w occupies positions [Position, Position + w);
/// only where that crosses a bin's end is it split between bins.
/// </summary>
internal sealed class EqualMassBins
{
    private const int Bins = ClassificationMetrics.EceBins;
    private readonly long _total, _size, _extra;
    private readonly double[] _count = new double[Bins], _confidence = new double[Bins], _correct = new double[Bins];
    private int _bin;

    public EqualMassBins(double n)
    {
        _total = (long)Math.Round(n);
        (_size, _extra) = (_total / Bins, _total % Bins);
        End = _total == 0 ? double.PositiveInfinity : BinEnd(0);
    }

    /// <summary>Positions filled so far, where the current bin ends (infinite once the last has closed), and the current bin's sums.</summary>
    public double Position, End, Count, Confidence, Correct;

    public void Add(double w, double confidence, double hit)
    {
        if (Position + w < End)
        {
            Count += w;
            Confidence += w * confidence;
            Correct += w * hit;
            Position += w;
            return;
        }
        for (double remaining = w; remaining > 0;)
        {
            double take = Math.Min(remaining, End - Position);
            Count += take;
            Confidence += take * confidence;
            Correct += take * hit;
            Position += take;
            remaining -= take;
            if (Position == End)
            {
                (_count[_bin], _confidence[_bin], _correct[_bin]) = (Count, Confidence, Correct);
                (Count, Confidence, Correct) = (0, 0, 0);
                End = ++_bin < Bins ? BinEnd(_bin) : double.PositiveInfinity;
            }
        }
    }

    public double Ece()
    {
        double ece = 0;
        for (int b = 0; b < Bins; b++)
            if (_count[b] > 0) ece += _count[b] / _total * Math.Abs(_correct[b] / _count[b] - _confidence[b] / _count[b]);
        return ece;
    }

    private double BinEnd(int bin) => bin < _extra ? (bin + 1) * (_size + 1) : _extra * (_size + 1) + (bin - _extra + 1) * _size;
}
