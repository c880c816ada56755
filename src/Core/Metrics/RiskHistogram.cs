namespace Harness.Core.Metrics;

/// <summary>
/// How the predicted risks are spread, for the histogram drawn beneath a calibration plot: counts of
/// rows in <see cref="Bins"/> equal-width bins over [0, 1], separately for rows with and without the
/// event. Binary models (<see cref="Kind"/> "positive_class"): the positive-class risk, split by
/// whether the row is of the positive class. Multiclass ("top_label"): the top-label confidence,
/// split by whether the top label is the true class (<see cref="Events"/> counts the correct rows).
/// <para>
/// Bins are numpy.histogram's (and matplotlib's): closed on the left, bin b (0-based) holds
/// b/B &lt;= p &lt; (b + 1)/B, except the last, which also holds p = 1. The index is floor(B p) computed in
/// double, which is exact for risks that are float32 values (as the model's outputs are): B p then has
/// at most 24 + 6 significant bits. So <c>numpy.histogram(p, bins=B, range=(0, 1))</c> gives the same
/// counts. (<see cref="ClassificationMetrics.BinOf"/>'s reliability bins are closed on the right; the
/// two never need to agree: 15 bins are not aligned with 50.)
/// </para>
/// </summary>
/// <param name="Bins">The number of bins (50).</param>
/// <param name="Events">Per bin, the rows with the event (binary) or whose top label is correct (multiclass).</param>
/// <param name="NonEvents">Per bin, the other rows.</param>
/// <param name="Kind">"positive_class" or "top_label", as in the calibration curve.</param>
public sealed record RiskHistogram(int Bins, IReadOnlyList<long> Events, IReadOnlyList<long> NonEvents, string Kind)
{
    public const int DefaultBins = 50;
    public const string PositiveClassKind = "positive_class";
    public const string TopLabelKind = "top_label";

    /// <summary>The histogram of a sample's risks (binary) or top-label confidences (multiclass). Risks outside [0, 1] or NaN are refused.</summary>
    public static RiskHistogram Of(ScoredExamples examples, int bins = DefaultBins)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "At least one bin is needed.");
        var events = new long[bins];
        var others = new long[bins];
        int? positive = examples.PositiveClass;
        for (int i = 0; i < examples.Count; i++)
        {
            double p;
            bool happened;
            if (positive is int pos)
                (p, happened) = (examples.Probability(i, pos), examples.Labels[i] == pos);
            else
            {
                int predicted = examples.PredictedClass(i);
                (p, happened) = (examples.Probability(i, predicted), predicted == examples.Labels[i]);
            }
            if (happened) events[BinOf(p, bins)]++; else others[BinOf(p, bins)]++;
        }
        return new RiskHistogram(bins, events, others, positive is null ? TopLabelKind : PositiveClassKind);
    }

    /// <summary>floor(bins p), with p = 1 in the last bin: numpy.histogram's left-closed bins over [0, 1].</summary>
    public static int BinOf(double p, int bins)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A risk must lie in [0, 1].");
        return Math.Min((int)Math.Floor(p * bins), bins - 1);
    }
}
