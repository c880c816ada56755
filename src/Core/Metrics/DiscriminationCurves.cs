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
    /// one class is absent. One pass over the rows; records are made only for the points kept.
    /// </summary>
    internal static DiscriminationCurves? FromAscending(ReadOnlySpan<double> ascendingRisk, ReadOnlySpan<double> events, int maxPoints = DefaultMaxPoints)
    {
        if (events.Length != ascendingRisk.Length) throw new ArgumentException("One outcome per risk is needed.", nameof(events));
        int n = ascendingRisk.Length, thresholds = 0;
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && !(ascendingRisk[i] >= ascendingRisk[i - 1]))
                throw new ArgumentException("The risks must be sorted ascending (and not NaN).", nameof(ascendingRisk));
            if (i == 0 || ascendingRisk[i] != ascendingRisk[i - 1]) thresholds++;
            if (events[i] == 1) positives++;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return null;

        // Point 0 is (0, 0) on the ROC curve and (0, 1) on the PR curve; point k >= 1 the k-th highest distinct risk.
        var fpr = new double[thresholds + 1];
        var tpr = new double[thresholds + 1]; // also the recall
        var precision = new double[thresholds + 1];
        precision[0] = 1;
        long tp = 0, fp = 0;
        int k = 0;
        for (int end = n; end > 0;)
        {
            int start = end - 1;
            while (start > 0 && ascendingRisk[start - 1] == ascendingRisk[end - 1]) start--;
            for (int i = start; i < end; i++)
                if (events[i] == 1) tp++; else fp++;
            k++;
            fpr[k] = (double)fp / negatives;
            tpr[k] = (double)tp / positives;
            precision[k] = (double)tp / (tp + fp);
            end = start;
        }
        var (rocKept, rocDelta) = CurveThinning.Thin(fpr, tpr, maxPoints);
        var (prKept, prDelta) = CurveThinning.Thin(tpr, precision, maxPoints);
        return new DiscriminationCurves(
            rocKept.Select(i => new RocPoint(fpr[i], tpr[i])).ToArray(),
            prKept.Select(i => new PrecisionRecallPoint(tpr[i], precision[i])).ToArray(),
            rocDelta, prDelta);
    }

    /// <summary>
    /// Both curves thinned to at most <paramref name="maxPoints"/> points (see the type's remarks); a curve
    /// that fits is kept whole. Meant for the exact curves; thinning thinned ones adds the tolerances.
    /// </summary>
    public DiscriminationCurves Thinned(int maxPoints = DefaultMaxPoints)
    {
        var (rocKept, rocDelta) = CurveThinning.Thin(Roc.Select(p => p.Fpr).ToArray(), Roc.Select(p => p.Tpr).ToArray(), maxPoints);
        var (prKept, prDelta) = CurveThinning.Thin(PrecisionRecall.Select(p => p.Recall).ToArray(), PrecisionRecall.Select(p => p.Precision).ToArray(), maxPoints);
        return new DiscriminationCurves(rocKept.Select(i => Roc[i]).ToArray(), prKept.Select(i => PrecisionRecall[i]).ToArray(),
            RocTolerance + rocDelta, PrecisionRecallTolerance + prDelta);
    }
}

/// <summary>
/// Thins a plotted curve: first and last point, and any point farther than delta in either
/// coordinate from the last point kept; delta the smallest of 1/800 * 2^(k/4) that keeps at most the
/// allowed points (see <see cref="DiscriminationCurves"/>).
/// </summary>
internal static class CurveThinning
{
    /// <summary>The indices of the points kept, and delta (0 when every point fits).</summary>
    public static (IReadOnlyList<int> Kept, double Delta) Thin(double[] x, double[] y, int maxPoints)
    {
        if (maxPoints < 2) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "At least 2 points are kept.");
        if (x.Length <= maxPoints) return (Enumerable.Range(0, x.Length).ToArray(), 0);
        var kept = new List<int>(maxPoints);
        for (int k = 0; ; k++)
        {
            // Every coordinate lies in [0, 1]: at delta >= 1 only the first and last are kept, so this ends.
            double delta = DiscriminationCurves.SmallestTolerance * Math.Pow(2, k / 4.0);
            if (Keep(x, y, delta, maxPoints, kept)) return (kept, delta);
        }
    }

    /// <summary>The indices kept at <paramref name="delta"/>; false as soon as more than <paramref name="maxPoints"/> would be.</summary>
    internal static bool Keep(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double delta, int maxPoints, List<int> kept)
    {
        kept.Clear();
        kept.Add(0);
        int last = x.Length - 1;
        y = y[..x.Length];
        double ax = x[0], ay = y[0];
        for (int i = 1; i < last; i++)
        {
            // Within the box around the last point kept: the common case, tested without branching between the coordinates.
            double dx = x[i] - ax, dy = y[i] - ay;
            if ((dx <= delta) & (dx >= -delta) & (dy <= delta) & (dy >= -delta)) continue;
            if (kept.Count + 1 >= maxPoints) return false; // this one and the last would be too many
            kept.Add(i);
            (ax, ay) = (x[i], y[i]);
        }
        kept.Add(last);
        return true;
    }
}
