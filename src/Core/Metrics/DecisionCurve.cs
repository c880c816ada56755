using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// Clinical utility as a decision curve (Vickers and Elkin 2006): at a threshold probability pt,
/// treating everyone whose risk is at least pt has net benefit NB = TP/n − FP/n · pt/(1 − pt);
/// treating everyone, π − (1 − π) · pt/(1 − pt) with π the prevalence; treating no one, 0. A model
/// is useful at pt where its net benefit exceeds both defaults (its <see cref="DecisionPoint.Advantage"/>
/// is positive). Binary models only.
/// </summary>
/// <param name="Thresholds">The curve's thresholds, 0.05 to 0.50 in steps of 0.01.</param>
/// <param name="Model">The model's net benefit at each threshold; <paramref name="TreatAll"/> treating everyone's.</param>
/// <param name="Key">A few key thresholds with intervals.</param>
public sealed record DecisionCurve(IReadOnlyList<double> Thresholds, IReadOnlyList<double> Model, IReadOnlyList<double> TreatAll,
    IReadOnlyList<DecisionPoint> Key)
{
    public const double From = 0.05, To = 0.50, Step = 0.01;
    public static readonly IReadOnlyList<double> KeyThresholds = [0.05, 0.10, 0.20, 0.30, 0.50];

    /// <summary>
    /// The curve of a binary sample, with Wald intervals at the key thresholds. The variance is the
    /// stratified bootstrap's for independent rows: with the class counts n1 and n0 fixed, TP ~
    /// Binomial(n1, TP/n1) and FP ~ Binomial(n0, FP/n0) independently, so Var(NB) = (n1 s(1 − s) +
    /// w² n0 f(1 − f)) / n², s = TP/n1, f = FP/n0, w = pt/(1 − pt); treat-all is fixed. It ignores
    /// patient clustering (rows of one patient are counted as independent).
    /// </summary>
    public static DecisionCurve Of(ScoredExamples examples, double level)
    {
        int positive = examples.PositiveClass ?? throw new ArgumentException("A decision curve needs a binary model.", nameof(examples));
        int n = examples.Count;
        var thresholds = Enumerable.Range(0, (int)Math.Round((To - From) / Step) + 1).Select(k => Math.Round(From + k * Step, 2)).ToArray();
        // One pass: each row counted at the number of thresholds its risk reaches, so the rows treated
        // at threshold k (risk >= thresholds[k]) are those counted at k + 1 or more.
        var eventsAt = new int[thresholds.Length + 1];
        var othersAt = new int[thresholds.Length + 1];
        for (int i = 0; i < n; i++)
        {
            double risk = examples.Probability(i, positive);
            int reached = 0, hi = thresholds.Length;
            while (reached < hi)
            {
                int mid = (reached + hi) >>> 1;
                if (thresholds[mid] <= risk) reached = mid + 1; else hi = mid;
            }
            if (examples.Labels[i] == positive) eventsAt[reached]++; else othersAt[reached]++;
        }
        var treated = new (int TruePositives, int FalsePositives)[thresholds.Length];
        for (int k = thresholds.Length - 1, tp = 0, fp = 0; k >= 0; k--)
            treated[k] = (tp += eventsAt[k + 1], fp += othersAt[k + 1]);
        int events = eventsAt.Sum();
        (int TruePositives, int FalsePositives) Treated(double pt) => treated[Array.IndexOf(thresholds, pt)];
        double prevalence = (double)events / n;
        double TreatAllAt(double pt) => prevalence - (1 - prevalence) * pt / (1 - pt);

        var model = thresholds.Select(pt => Treated(pt) is var (tp, fp) ? NetBenefit(tp, fp, n, pt) : 0).ToList();
        var key = KeyThresholds.Select(pt =>
        {
            var (tp, fp) = Treated(pt);
            double nb = NetBenefit(tp, fp, n, pt), w = pt / (1 - pt);
            int negatives = n - events;
            double s = events == 0 ? 0 : (double)tp / events, f = negatives == 0 ? 0 : (double)fp / negatives;
            double se = Math.Sqrt(events * s * (1 - s) + w * w * negatives * f * (1 - f)) / n;
            var (lower, upper) = Intervals.WaldInterval(nb, se, level);
            double best = Math.Max(TreatAllAt(pt), 0);
            return new DecisionPoint(pt, nb, new ConfidenceInterval(lower, upper, level, IntervalMethod.Wald), TreatAllAt(pt),
                nb - best, new ConfidenceInterval(lower - best, upper - best, level, IntervalMethod.Wald));
        }).ToList();
        return new DecisionCurve(thresholds, model, thresholds.Select(TreatAllAt).ToList(), key);
    }

    private static double NetBenefit(int truePositives, int falsePositives, int n, double pt) =>
        ((double)truePositives - falsePositives * pt / (1 - pt)) / n;
}

/// <summary>The net benefit at one threshold, with its interval; the advantage over the better of treating all and treating none.</summary>
public sealed record DecisionPoint(double Threshold, double NetBenefit, ConfidenceInterval Ci, double TreatAll, double Advantage, ConfidenceInterval AdvantageCi);
