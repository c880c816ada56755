using System.Numerics;

namespace Harness.Core.Metrics;

/// <summary>A point of the ROC curve: false and true positive rates when every risk at or above one threshold is called positive.</summary>
public sealed record RocPoint(double Fpr, double Tpr);

/// <summary>A point of the precision-recall curve: recall (sensitivity) and precision (PPV) at one threshold.</summary>
public sealed record PrecisionRecallPoint(double Recall, double Precision);

/// <summary>
/// The ROC and precision-recall curves of a binary model, for plotting. Both are computed exactly
/// from one ascending sort of the risks (the one <see cref="MetricEstimator"/> already makes), one
/// point per distinct risk t, calling "risk &gt;= t" positive:
/// <list type="bullet">
/// <item><see cref="Roc"/>: (FPR, TPR) = (FP/negatives, TP/positives), starting at (0, 0) and ending
/// at (1, 1) at the lowest risk: scikit-learn's <c>roc_curve(y, risk, drop_intermediate=False)</c>,
/// in the same order (thresholds descending).</item>
/// <item><see cref="PrecisionRecall"/>: (recall, precision) = (TP/positives, TP/(TP + FP)), starting
/// at (0, 1) and then one point per distinct risk from the highest to the lowest, ending at
/// (1, prevalence): scikit-learn's <c>precision_recall_curve</c> (its points, (0, 1) appended, read
/// in reverse, so that both curves run left to right as thresholds fall).</item>
/// </list>
/// <para>
/// Thinning (<see cref="Thinned"/>): each curve keeps its first and last point, and walking from the
/// first, a point whose distance from the last point kept exceeds <c>delta</c> in either coordinate
/// (|dx| &gt; delta or |dy| &gt; delta, axes in [0, 1]). Every point dropped then lies within
/// <c>delta</c> of the last point kept before it, so the thinned polyline and the exact one are within
/// <c>delta</c> of each other everywhere (Hausdorff distance in the max norm, axis units). A fixed
/// delta = 1/200 does not bound the count (a monotone ROC curve can take up to 400 points, and a
/// precision-recall curve scribbles up and down over its first few rows), so delta is the smallest of
/// 1/800 * 2^(k/4), k = 0, 1, 2, ... (1/200 at k = 8) that keeps at most the allowed points (250);
/// the chosen delta is recorded (<see cref="RocTolerance"/>, <see cref="PrecisionRecallTolerance"/>;
/// 0 when nothing was dropped). Kept points are exact points of the curve, never interpolated.
/// </para>
/// </summary>
/// <param name="RocTolerance">The thinning delta of <see cref="Roc"/> (0: every point kept).</param>
/// <param name="PrecisionRecallTolerance">The thinning delta of <see cref="PrecisionRecall"/> (0: every point kept).</param>
public sealed record DiscriminationCurves(IReadOnlyList<RocPoint> Roc, IReadOnlyList<PrecisionRecallPoint> PrecisionRecall,
    double RocTolerance = 0, double PrecisionRecallTolerance = 0)
{
    /// <summary>The most points a thinned curve keeps.</summary>
    public const int DefaultMaxPoints = 250;

    /// <summary>The smallest thinning delta tried; each further try multiplies it by 2^(1/4).</summary>
    public const double SmallestTolerance = 1.0 / 800;

    /// <summary>The curves of a binary sample, thinned to at most <paramref name="maxPoints"/> each; null for multiclass or when one class is absent.</summary>
    public static DiscriminationCurves? Of(ScoredExamples examples, int maxPoints = DefaultMaxPoints)
    {
        if (examples.PositiveClass is not int positive) return null;
        int n = examples.Count;
        var risk = new double[n];
        var events = new double[n];
        for (int i = 0; i < n; i++)
        {
            risk[i] = examples.Probability(i, positive);
            events[i] = examples.Labels[i] == positive ? 1 : 0;
        }
        Array.Sort(risk, events);
        return FromAscending(risk, events, maxPoints);
    }

    /// <summary>The exact curves (every distinct risk); null for multiclass or when one class is absent.</summary>
    public static DiscriminationCurves? Exact(ScoredExamples examples) => Of(examples, int.MaxValue);

    /// <summary>
    /// The curves from risks sorted ascending (ties in any order) and outcomes (1 event, 0 not) in the
    /// same order, each thinned to at most <paramref name="maxPoints"/> (int.MaxValue: exact); null when
    /// one class is absent. No array of points is made: each thinning pass walks the rows from the
    /// highest risk down (<see cref="Walk{TR, TE}"/>), and records are made only for the points kept.
    /// </summary>
    internal static DiscriminationCurves? FromAscending<TR, TE>(ReadOnlySpan<TR> ascendingRisk, ReadOnlySpan<TE> events, int maxPoints = DefaultMaxPoints)
        where TR : INumber<TR> where TE : INumber<TE>
    {
        if (events.Length != ascendingRisk.Length) throw new ArgumentException("One outcome per risk is needed.", nameof(events));
        int n = ascendingRisk.Length, thresholds = 0;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && !(ascendingRisk[i] >= ascendingRisk[i - 1]) || TR.IsNaN(ascendingRisk[i]))
                throw new ArgumentException("The risks must be sorted ascending (and not NaN).", nameof(ascendingRisk));
            if (i == 0 || ascendingRisk[i] != ascendingRisk[i - 1]) thresholds++;
            if (events[i] == TE.One) positives++;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return null;

        var roc = new Walk<TR, TE>(ascendingRisk, events, thresholds, positives, negatives, precisionRecall: false);
        var pr = new Walk<TR, TE>(ascendingRisk, events, thresholds, positives, negatives, precisionRecall: true);
        return ThinBoth(ref roc, ref pr, maxPoints);
    }

    /// <summary>
    /// Both curves thinned to at most <paramref name="maxPoints"/> points (see the type's remarks); a curve
    /// that fits is kept whole. Meant for the exact curves; thinning thinned ones adds the tolerances.
    /// </summary>
    public DiscriminationCurves Thinned(int maxPoints = DefaultMaxPoints)
    {
        var roc = new Listed(Roc.Select(p => (p.Fpr, p.Tpr)).ToArray());
        var pr = new Listed(PrecisionRecall.Select(p => (p.Recall, p.Precision)).ToArray());
        return ThinBoth(ref roc, ref pr, maxPoints, RocTolerance, PrecisionRecallTolerance);
    }

    /// <summary>Both curves thinned, each tolerance added to the one the points already had.</summary>
    private static DiscriminationCurves ThinBoth<TRoc, TPr>(ref TRoc roc, ref TPr pr, int maxPoints, double rocTolerance = 0, double prTolerance = 0)
        where TRoc : ICurvePoints, allows ref struct where TPr : ICurvePoints, allows ref struct
    {
        var (rocKept, rocDelta) = CurveThinning.Thin(ref roc, maxPoints);
        var (prKept, prDelta) = CurveThinning.Thin(ref pr, maxPoints);
        return new DiscriminationCurves(rocKept.Select(p => new RocPoint(p.X, p.Y)).ToArray(),
            prKept.Select(p => new PrecisionRecallPoint(p.X, p.Y)).ToArray(), rocTolerance + rocDelta, prTolerance + prDelta);
    }

    /// <summary>
    /// The ROC or precision-recall curve of ascending risks, point by point: point 0 is (0, 0) on the
    /// ROC curve and (0, 1) on the PR curve; point k &gt;= 1 counts the rows at or above the k-th highest
    /// distinct risk as positive.
    /// </summary>
    private ref struct Walk<TR, TE>(ReadOnlySpan<TR> ascendingRisk, ReadOnlySpan<TE> events, int thresholds, long positives, long negatives, bool precisionRecall)
        : ICurvePoints where TR : INumber<TR> where TE : INumber<TE>
    {
        private readonly ReadOnlySpan<TR> _risk = ascendingRisk;
        private readonly ReadOnlySpan<TE> _events = events;
        private int _end;
        private long _tp, _fp;
        private bool _started;

        public readonly int Count => thresholds + 1;

        public void Start() => (_end, _tp, _fp, _started) = (_risk.Length, 0, 0, false);

        public (double X, double Y) Next()
        {
            if (_started)
            {
                int start = _end - 1;
                while (start > 0 && _risk[start - 1] == _risk[_end - 1]) start--;
                for (int i = start; i < _end; i++)
                    if (_events[i] == TE.One) _tp++; else _fp++;
                _end = start;
            }
            _started = true;
            double tpr = (double)_tp / positives; // also the recall
            return precisionRecall ? (tpr, _tp + _fp == 0 ? 1 : (double)_tp / (_tp + _fp)) : ((double)_fp / negatives, tpr);
        }
    }

    /// <summary>A curve whose points are at hand.</summary>
    private struct Listed((double X, double Y)[] points) : ICurvePoints
    {
        private int _next;

        public readonly int Count => points.Length;
        public void Start() => _next = 0;
        public (double X, double Y) Next() => points[_next++];
    }
}

/// <summary>A curve's points, visited in order from the first: what a thinning pass reads.</summary>
internal interface ICurvePoints
{
    int Count { get; }

    /// <summary>Back to before the first point.</summary>
    void Start();

    /// <summary>The next point.</summary>
    (double X, double Y) Next();
}

/// <summary>
/// Thins a plotted curve: first and last point, and any point farther than delta in either
/// coordinate from the last point kept; delta the smallest of 1/800 * 2^(k/4) that keeps at most the
/// allowed points (see <see cref="DiscriminationCurves"/>). Each walk of the curve tries
/// <see cref="DeltasPerWalk"/> consecutive deltas side by side (a curve of ten million points needs
/// about a dozen: one or two walks instead of a dozen).
/// </summary>
internal static class CurveThinning
{
    /// <summary>How many deltas one walk of the curve tries.</summary>
    public const int DeltasPerWalk = 8;

    /// <summary>The points kept, and delta (0 when every point fits).</summary>
    public static (IReadOnlyList<(double X, double Y)> Kept, double Delta) Thin<T>(ref T curve, int maxPoints) where T : ICurvePoints, allows ref struct
    {
        if (maxPoints < 2) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "At least 2 points are kept.");
        if (curve.Count <= maxPoints)
        {
            var all = new List<(double X, double Y)>(curve.Count);
            curve.Start();
            for (int i = 0; i < curve.Count; i++) all.Add(curve.Next());
            return (all, 0);
        }
        // Every coordinate lies in [0, 1]: at delta >= 1 only the first and last are kept, so this ends.
        for (int first = 0; ; first += DeltasPerWalk)
            if (FirstFitting(ref curve, first, maxPoints) is { } fitting) return fitting;
    }

    /// <summary>Delta number <paramref name="k"/>: 1/800 * 2^(k/4).</summary>
    private static double Delta(int k) => DiscriminationCurves.SmallestTolerance * Math.Pow(2, k / 4.0);

    /// <summary>
    /// One walk of a curve of more than two points trying deltas number <paramref name="first"/> onwards:
    /// the points kept at the smallest that keeps at most <paramref name="maxPoints"/>, or null when none
    /// does. A delta drops out as soon as more would be kept.
    /// </summary>
    private static (IReadOnlyList<(double X, double Y)> Kept, double Delta)? FirstFitting<T>(ref T curve, int first, int maxPoints)
        where T : ICurvePoints, allows ref struct
    {
        const int d = DeltasPerWalk;
        Span<double> delta = stackalloc double[d], ax = stackalloc double[d], ay = stackalloc double[d];
        var kept = new List<(double X, double Y)>?[d];
        curve.Start();
        var start = curve.Next();
        for (int j = 0; j < d; j++) (delta[j], ax[j], ay[j], kept[j]) = (Delta(first + j), start.X, start.Y, [start]);
        int remaining = d, last = curve.Count - 1;
        for (int i = 1; i < last; i++)
        {
            var (x, y) = curve.Next();
            for (int j = 0; j < d; j++)
            {
                // Within the box around the last point kept: the common case, tested without branching between the coordinates.
                double dx = x - ax[j], dy = y - ay[j], e = delta[j];
                if ((dx <= e) & (dx >= -e) & (dy <= e) & (dy >= -e) || kept[j] is not { } points) continue;
                if (points.Count + 1 >= maxPoints) // this one and the last would be too many
                {
                    kept[j] = null;
                    if (--remaining == 0) return null;
                    continue;
                }
                points.Add((x, y));
                (ax[j], ay[j]) = (x, y);
            }
        }
        var end = curve.Next();
        for (int j = 0; j < d; j++)
            if (kept[j] is { } points)
            {
                points.Add(end);
                return (points, delta[j]);
            }
        return null;
    }
}
