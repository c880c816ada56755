using System.Numerics;

namespace Harness.Core.Statistics;

/// <summary>A maximum-likelihood estimate with its Wald standard error (from the inverse Fisher information).</summary>
public sealed record WaldEstimate(double Estimate, double StandardError);

/// <summary>
/// The logistic levels of the calibration hierarchy (Cox 1958; Van Calster et al. 2016, J Clin
/// Epidemiol 74:167-176) for predicted probabilities p of outcomes y (0 or 1), with frequency
/// weights w (non-negative whole numbers: a row of weight k counts as k identical rows; weight 0
/// drops the row). Fitted by Newton-Raphson (= IRLS: for the canonical logit link the observed and
/// expected information coincide), with step halving whenever a step would lower the likelihood.
/// <list type="bullet">
/// <item>Convergence: when every parameter moves by at most 1e-10 (1 + |parameter|) in one step;
/// Newton's quadratic convergence leaves the returned estimate far closer than that to the
/// maximum. At most <see cref="MaxIterations"/> steps.</item>
/// <item>Standard errors: square roots of the diagonal of the inverse information at the estimate
/// (as R's glm and statsmodels' GLM with freq_weights; the binomial scale is 1).</item>
/// <item>logit p uses p clipped to [<see cref="ProbabilityClip"/>, 1 - <see cref="ProbabilityClip"/>],
/// so predictions of exactly 0 or 1 enter as logits of about -34.5 and +34.5.</item>
/// </list>
/// Each method is O(n) per iteration (one pass over the rows) and takes one n-length buffer (<see cref="Scratch{T}"/>).
/// Arguments that are not probabilities, outcomes or frequency weights throw
/// <see cref="ArgumentException"/>; a model without a finite maximum-likelihood estimate gives null.
/// </summary>
public static class LogisticCalibration
{
    /// <summary>logit(p) uses p clipped to [clip, 1 - clip].</summary>
    public const double ProbabilityClip = 1e-15;

    /// <summary>Newton steps allowed before the fit is declared not to converge (it then returns null).</summary>
    public const int MaxIterations = 50;

    /// <summary>Relative parameter change at which the fit has converged.</summary>
    public const double Tolerance = 1e-10;

    /// <summary>
    /// Calibration-in-the-large: the intercept a of logit P(y=1) = a + offset(logit p)
    /// (R: <c>glm(y ~ 1 + offset(qlogis(p)), binomial)</c>); 0 when the predictions are right on
    /// average in the logit sense, positive when they under-predict.
    /// <para>Null when it is undefined: no row has positive weight, or every weighted row has the
    /// same outcome (the likelihood then grows without bound as a goes to +-infinity; this is the
    /// only separation the one-parameter model has), or, as a guard, when the fit fails to converge
    /// or gives a non-finite estimate or standard error.</para>
    /// </summary>
    public static WaldEstimate? Intercept(ReadOnlySpan<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> w) => OnLogits(p, y, w, FitIntercept<double, double>);

    /// <summary>
    /// <see cref="Intercept(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/> given
    /// <see cref="ClippedLogits"/> of p instead of p: a sample fitted many times (each bootstrap
    /// resample reweights the same rows) computes them once. The outcomes may be any numeric type
    /// (a large sample keeps them as bytes).
    /// </summary>
    public static WaldEstimate? InterceptOfLogits<TY, TW>(ReadOnlySpan<double> logits, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w)
        where TY : INumber<TY> where TW : INumber<TW>
    {
        ValidateOutcomes(y, w, logits.Length);
        return FitIntercept(logits, y, w);
    }

    private static WaldEstimate? FitIntercept<TY, TW>(ReadOnlySpan<double> x, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w) where TY : INumber<TY> where TW : INumber<TW>
    {
        var summary = Summarise(x, y, w);
        if (summary.Positives == 0 || summary.Negatives == 0) return null;
        var fit = Fit(x, y, w, fitSlope: false);
        if (fit is null) return null;
        var (a, _, info) = fit.Value;
        double se = Math.Sqrt(1.0 / info.Aa);
        return double.IsFinite(a) && double.IsFinite(se) ? new WaldEstimate(a, se) : null;
    }

    /// <summary>
    /// The calibration slope b, and that model's intercept a, of logit P(y=1) = a + b logit p
    /// (R: <c>glm(y ~ qlogis(p), binomial)</c>); b = 1 for a well-calibrated model, b &lt; 1 when
    /// its predictions are too extreme (overfitting), b &gt; 1 when too modest.
    /// <para>Null when it is undefined: no row has positive weight; every weighted row has the same
    /// outcome; fewer than two distinct logit p values among the weighted rows (a and b are then
    /// not identifiable); (quasi-)complete separation, i.e. a threshold on logit p with every
    /// positive on one side and every negative on the other (ties at the threshold allowed), when
    /// no finite maximum exists (with one covariate this is exactly max logit p of one class
    /// &lt;= min logit p of the other); or, as a guard, when the fit fails to converge or gives a
    /// non-finite estimate or standard error.</para>
    /// </summary>
    public static (WaldEstimate Intercept, WaldEstimate Slope)? Slope(ReadOnlySpan<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> w) =>
        OnLogits(p, y, w, FitSlope<double, double>);

    /// <summary><see cref="Slope(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double})"/> given <see cref="ClippedLogits"/> of p instead of p.</summary>
    public static (WaldEstimate Intercept, WaldEstimate Slope)? SlopeOfLogits<TY, TW>(ReadOnlySpan<double> logits, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w)
        where TY : INumber<TY> where TW : INumber<TW>
    {
        ValidateOutcomes(y, w, logits.Length);
        return FitSlope(logits, y, w);
    }

    private static (WaldEstimate Intercept, WaldEstimate Slope)? FitSlope<TY, TW>(ReadOnlySpan<double> x, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w)
        where TY : INumber<TY> where TW : INumber<TW>
    {
        var s = Summarise(x, y, w);
        if (s.Positives == 0 || s.Negatives == 0) return null;
        if (s.MinPositive == s.MaxPositive && s.MinNegative == s.MaxNegative && s.MinPositive == s.MinNegative) return null; // one distinct logit
        if (s.MaxNegative <= s.MinPositive || s.MaxPositive <= s.MinNegative) return null; // (quasi-)complete separation
        var fit = Fit(x, y, w, fitSlope: true);
        if (fit is null) return null;
        var (a, b, info) = fit.Value;
        double det = info.Aa * info.Bb - info.Ab * info.Ab;
        double seA = Math.Sqrt(info.Bb / det), seB = Math.Sqrt(info.Aa / det);
        if (!(det > 0) || !double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(seA) || !double.IsFinite(seB)) return null;
        return (new WaldEstimate(a, seA), new WaldEstimate(b, seB));
    }

    /// <summary>The clipped logit (<see cref="ClippedLogit"/>) of each p, which must be a probability (of any numeric type: float32 risks too).</summary>
    public static double[] ClippedLogits<TP>(ReadOnlySpan<TP> p) where TP : INumber<TP>
    {
        ValidateProbabilities(p);
        var x = new double[p.Length];
        FillLogits(p, x);
        return x;
    }

    private delegate T LogitFit<T>(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w);

    /// <summary>Validates the rows, then fits on the clipped logits of p in a scratch buffer.</summary>
    private static T OnLogits<T>(ReadOnlySpan<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> w, LogitFit<T> fit)
    {
        Validate(p, y, w);
        double[] logits = Scratch<double>.Rent(p.Length);
        try
        {
            var x = logits.AsSpan(0, p.Length);
            FillLogits(p, x);
            return fit(x, y, w);
        }
        finally
        {
            Scratch<double>.Return(logits);
        }
    }

    private static void FillLogits<TP>(ReadOnlySpan<TP> p, Span<double> x) where TP : INumber<TP>
    {
        for (int i = 0; i < p.Length; i++) x[i] = ClippedLogit(double.CreateTruncating(p[i]));
    }

    /// <summary>log(p / (1 - p)) of p clipped to [<see cref="ProbabilityClip"/>, 1 - <see cref="ProbabilityClip"/>].</summary>
    public static double ClippedLogit(double p)
    {
        double q = Math.Clamp(p, ProbabilityClip, 1.0 - ProbabilityClip);
        // For q >= 1/2, 1 - q is exact (Sterbenz); below, log(1 - q) needs log1p.
        return q < 0.5 ? Math.Log(q) - Log1p(-q) : Math.Log(q) - Math.Log(1.0 - q);
    }

    /// <summary>log(1 + x) without the cancellation of forming 1 + x (Goldberg 1991, Theorem 4).</summary>
    internal static double Log1p(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private readonly record struct Information(double Aa, double Ab, double Bb);

    private readonly record struct ClassSummary(
        double Positives, double Negatives, double MinPositive, double MaxPositive, double MinNegative, double MaxNegative);

    private static void Validate(ReadOnlySpan<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> w)
    {
        ValidateOutcomes(y, w, p.Length);
        ValidateProbabilities(p);
    }

    private static void ValidateProbabilities<TP>(ReadOnlySpan<TP> p) where TP : INumber<TP>
    {
        for (int i = 0; i < p.Length; i++)
            if (double.CreateTruncating(p[i]) is var pi && !(pi >= 0 && pi <= 1))
                throw new ArgumentException($"p[{i}] = {pi} is not a probability in [0, 1].", nameof(p));
    }

    private static void ValidateOutcomes<TY, TW>(ReadOnlySpan<TY> y, ReadOnlySpan<TW> w, int rows) where TY : INumber<TY> where TW : INumber<TW>
    {
        if (y.Length != rows || w.Length != rows)
            throw new ArgumentException($"p (or its logits), y and w must have the same length (got {rows}, {y.Length}, {w.Length}).");
        for (int i = 0; i < rows; i++)
        {
            if (y[i] != TY.Zero && y[i] != TY.One)
                throw new ArgumentException($"y[{i}] = {y[i]} is not an outcome 0 or 1.", nameof(y));
            if (double.CreateTruncating(w[i]) is var wi && (!(wi >= 0) || !double.IsFinite(wi) || wi != Math.Floor(wi)))
                throw new ArgumentException($"w[{i}] = {wi} is not a frequency weight (a non-negative whole number).", nameof(w));
        }
    }

    /// <summary>Summarises the weighted rows of each class by their logits <paramref name="x"/>.</summary>
    private static ClassSummary Summarise<TY, TW>(ReadOnlySpan<double> x, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w) where TY : INumber<TY> where TW : INumber<TW>
    {
        double positives = 0, negatives = 0;
        double minPos = double.PositiveInfinity, maxPos = double.NegativeInfinity;
        double minNeg = double.PositiveInfinity, maxNeg = double.NegativeInfinity;
        for (int i = 0; i < x.Length; i++)
        {
            double l = x[i];
            double wi = double.CreateTruncating(w[i]);
            if (wi == 0) continue;
            if (y[i] == TY.One)
            {
                positives += wi;
                minPos = Math.Min(minPos, l);
                maxPos = Math.Max(maxPos, l);
            }
            else
            {
                negatives += wi;
                minNeg = Math.Min(minNeg, l);
                maxNeg = Math.Max(maxNeg, l);
            }
        }
        return new(positives, negatives, minPos, maxPos, minNeg, maxNeg);
    }

    /// <summary>
    /// Maximises the log-likelihood of logit P(y=1) = a + b x: over (a, b) when
    /// <paramref name="fitSlope"/>, else over a with b fixed at 1 (x as an offset). Returns the
    /// estimate and the information there, or null when it does not converge.
    /// </summary>
    private static (double A, double B, Information Info)? Fit<TY, TW>(ReadOnlySpan<double> x, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w, bool fitSlope)
        where TY : INumber<TY> where TW : INumber<TW>
    {
        double a = 0, b = 1; // start at "perfectly calibrated"
        var (ll, ua, ub, info) = Evaluate(x, y, w, a, b);
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            // Newton step: solve info * delta = score.
            double da, db;
            if (fitSlope)
            {
                double det = info.Aa * info.Bb - info.Ab * info.Ab;
                da = (info.Bb * ua - info.Ab * ub) / det;
                db = (info.Aa * ub - info.Ab * ua) / det;
            }
            else
            {
                da = ua / info.Aa;
                db = 0;
            }
            if (!double.IsFinite(da) || !double.IsFinite(db)) return null;

            // Halve the step while it would lower the likelihood (beyond rounding in the sum).
            double step = 1;
            double na, nb, nll, nua, nub;
            Information ninfo;
            int halvings = 0;
            while (true)
            {
                na = a + step * da;
                nb = b + step * db;
                (nll, nua, nub, ninfo) = Evaluate(x, y, w, na, nb);
                if (nll >= ll - 1e-11 * (1 + Math.Abs(ll))) break;
                if (++halvings > 30) return null;
                step /= 2;
            }

            bool converged = Math.Abs(na - a) <= Tolerance * (1 + Math.Abs(na))
                          && Math.Abs(nb - b) <= Tolerance * (1 + Math.Abs(nb));
            (a, b, ll, ua, ub, info) = (na, nb, nll, nua, nub, ninfo);
            if (!double.IsFinite(a) || !double.IsFinite(b) || !(info.Aa > 0)) return null;
            if (converged) return (a, b, info);
        }
        return null;
    }

    /// <summary>
    /// One pass over the rows at (a, b): the weighted log-likelihood, the score (d/da, d/db) and the
    /// information. mu, 1 - mu, mu (1 - mu) and log(1 + e^eta) are all formed from e^-|eta|, so
    /// none of them cancels or overflows in either tail.
    /// </summary>
    private static (double LogLikelihood, double ScoreA, double ScoreB, Information Info) Evaluate<TY, TW>(
        ReadOnlySpan<double> x, ReadOnlySpan<TY> y, ReadOnlySpan<TW> w, double a, double b) where TY : INumber<TY> where TW : INumber<TW>
    {
        double ll = 0, ua = 0, ub = 0, iaa = 0, iab = 0, ibb = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double wi = double.CreateTruncating(w[i]);
            if (wi == 0) continue;
            double xi = x[i];
            double eta = a + b * xi;
            double e = Math.Exp(-Math.Abs(eta));      // in (0, 1]
            double onePlusE = 1.0 + e;
            double big = 1.0 / onePlusE, small = e / onePlusE; // the larger and smaller of mu, 1 - mu
            double v = big * small;                     // mu (1 - mu)
            double softplus = Math.Max(eta, 0) + Log1p(e); // log(1 + e^eta)
            double residual;                            // y - mu
            if (y[i] == TY.One)
            {
                residual = eta >= 0 ? small : big;
                ll += wi * (eta - softplus);
            }
            else
            {
                residual = eta >= 0 ? -big : -small;
                ll -= wi * softplus;
            }
            double wr = wi * residual, wv = wi * v;
            ua += wr;
            ub += wr * xi;
            iaa += wv;
            iab += wv * xi;
            ibb += wv * xi * xi;
        }
        return (ll, ua, ub, new Information(iaa, iab, ibb));
    }
}
