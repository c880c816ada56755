namespace Harness.Core.Statistics;

/// <summary>
/// A random-effects meta-analysis on the analysis scale: the pooled mean <see cref="Estimate"/>, its
/// Hartung-Knapp-Sidik-Jonkman <see cref="StandardError"/> and confidence interval, the prediction
/// interval for a new study, the between-study variance <see cref="Tau2"/> and <see cref="I2"/>
/// (a share in [0, 1), not a percentage).
/// </summary>
public sealed record RandomEffectsFit(
    int K, double Estimate, double StandardError, double Tau2, double I2, double Level,
    (double Lower, double Upper) ConfidenceInterval, (double Lower, double Upper) PredictionInterval);

/// <summary>
/// The normal-normal random-effects model y_i ~ N(μ, v_i + τ²) fitted as metafor's
/// rma(yi, vi, method = "REML", test = "knha") and reported as metamisc's valmeta reports it
/// (Debray et al. 2017, BMJ 356:i6460; Viechtbauer 2010, J Stat Softw 36(3)):
/// <list type="bullet">
/// <item>τ² by REML: Fisher scoring on the restricted log-likelihood
/// l_R(τ²) = -1/2 (Σ ln(v_i + τ²) + ln Σ w_i + Σ w_i (y_i - μ̂)²), w_i = 1/(v_i + τ²),
/// step (y'PPy - tr P)/tr(PP) with P = W - w w'/Σw (Harville 1977; Viechtbauer 2005,
/// J Educ Behav Stat 30:261-293), started at the Hedges estimate max(0, Σ(y_i - ȳ)²/(k-1) - Σv_i/k),
/// truncated at 0 (a step below 0 lands on 0; at 0 a negative score stops there), until a step moves
/// τ² by less than <see cref="Tolerance"/> (1 + τ²). metafor halves such steps instead and stops at
/// 1e-5, so its τ² agrees to about 1e-5 and its "0" may be a tiny positive number. As metafor
/// does, τ² = 0 is kept when l_R(0) is higher than at the converged value.</item>
/// <item>μ̂ = Σ w_i y_i / Σ w_i.</item>
/// <item>HKSJ (Hartung &amp; Knapp 2001; Sidik &amp; Jonkman 2002): q = Σ w_i (y_i - μ̂)² / (k - 1),
/// SE = √(q / Σ w_i), interval μ̂ ± t_{k-1} SE. q is not truncated at 1 (metafor's "knha"; its
/// "adhoc" truncates).</item>
/// <item>Prediction interval μ̂ ± t_{k-2} √(τ² + SE²) with the HKSJ SE, as metamisc's calcPredInt
/// does with metafor's fit$se (Riley, Higgins &amp; Deeks 2011, BMJ 342:d549, use 1/Σw_i instead).</item>
/// <item>I² = τ² / (τ² + s²) with the typical within-study variance s² = (k - 1) Σ u_i / ((Σ u_i)² - Σ u_i²),
/// u_i = 1/v_i (Higgins &amp; Thompson 2002, Stat Med 21:1539-1558, eq. 9): metafor's I² for
/// random-effects models, which valmeta's fit reports.</item>
/// </list>
/// </summary>
public static class RandomEffectsMetaAnalysis
{
    /// <summary>The fewest studies pooled: the prediction interval's t has k - 2 degrees of freedom.</summary>
    public const int MinimumStudies = 3;

    /// <summary>Convergence: a Fisher step moves τ² by less than this times (1 + τ²).</summary>
    public const double Tolerance = 1e-10;

    public const int MaxIterations = 1000;

    /// <param name="estimates">Each study's estimate y_i on the analysis scale (finite).</param>
    /// <param name="variances">Each study's within-study variance v_i (finite, positive).</param>
    /// <param name="level">Level of the confidence and prediction intervals, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">Fewer than <see cref="MinimumStudies"/> studies, lengths differ, or a value is not finite or a variance not positive.</exception>
    /// <exception cref="ArgumentOutOfRangeException">level is not strictly between 0 and 1.</exception>
    /// <exception cref="InvalidOperationException">Fisher scoring did not converge in <see cref="MaxIterations"/> steps.</exception>
    public static RandomEffectsFit Fit(ReadOnlySpan<double> estimates, ReadOnlySpan<double> variances, double level)
    {
        Validate(estimates, variances, level);
        int k = estimates.Length;
        double[] y = estimates.ToArray(), v = variances.ToArray();

        double mean = y.Average();
        double tau2 = Math.Max(0, y.Sum(e => (e - mean) * (e - mean)) / (k - 1) - v.Sum() / k);
        for (int iteration = 1; ; iteration++)
        {
            double next = Math.Max(0, tau2 + FisherStep(y, v, tau2));
            bool converged = Math.Abs(next - tau2) < Tolerance * (1 + tau2);
            tau2 = next;
            if (converged) break;
            if (iteration == MaxIterations)
                throw new InvalidOperationException($"REML (Fisher scoring) did not converge in {MaxIterations} steps.");
        }
        if (tau2 > 0 && RestrictedLogLikelihood(y, v, 0) > RestrictedLogLikelihood(y, v, tau2)) tau2 = 0;

        var (w, sumW, mu) = Weigh(y, v, tau2);
        double q = 0;
        for (int i = 0; i < k; i++) q += w[i] * (y[i] - mu) * (y[i] - mu);
        q /= k - 1;
        double se = Math.Sqrt(q / sumW);
        double tCi = StudentT.Quantile((1 + level) / 2, k - 1), tPi = StudentT.Quantile((1 + level) / 2, k - 2);
        double predictionHalf = tPi * Math.Sqrt(tau2 + se * se);

        double sumU = 0, sumU2 = 0;
        foreach (double vi in v)
        {
            sumU += 1 / vi;
            sumU2 += 1 / (vi * vi);
        }
        double typical = (k - 1) * sumU / (sumU * sumU - sumU2);

        return new RandomEffectsFit(k, mu, se, tau2, tau2 / (tau2 + typical), level,
            (mu - tCi * se, mu + tCi * se), (mu - predictionHalf, mu + predictionHalf));
    }

    /// <summary>The weights w_i = 1/(v_i + τ²), their sum and the weighted mean μ̂.</summary>
    private static (double[] W, double Sum, double Mean) Weigh(double[] y, double[] v, double tau2)
    {
        var w = new double[y.Length];
        double sum = 0, weighted = 0;
        for (int i = 0; i < y.Length; i++)
        {
            w[i] = 1 / (v[i] + tau2);
            sum += w[i];
            weighted += w[i] * y[i];
        }
        return (w, sum, weighted / sum);
    }

    /// <summary>
    /// The Fisher scoring step for τ²: score / information = (y'PPy - tr P) / tr(PP), where for an
    /// intercept-only model y'PPy = Σ w_i² (y_i - μ̂)², tr P = Σw - Σw²/Σw and
    /// tr(PP) = Σw² - 2 Σw³/Σw + (Σw²/Σw)².
    /// </summary>
    private static double FisherStep(double[] y, double[] v, double tau2)
    {
        var (w, s1, mu) = Weigh(y, v, tau2);
        double s2 = 0, s3 = 0, yPPy = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double w2 = w[i] * w[i], r = y[i] - mu;
            s2 += w2;
            s3 += w2 * w[i];
            yPPy += w2 * r * r;
        }
        double trP = s1 - s2 / s1, trPP = s2 - 2 * s3 / s1 + s2 / s1 * (s2 / s1);
        return (yPPy - trP) / trPP;
    }

    /// <summary>l_R(τ²) up to a constant: -1/2 (Σ ln(v_i + τ²) + ln Σ w_i + Σ w_i (y_i - μ̂)²).</summary>
    private static double RestrictedLogLikelihood(double[] y, double[] v, double tau2)
    {
        var (w, sum, mu) = Weigh(y, v, tau2);
        double l = Math.Log(sum);
        for (int i = 0; i < y.Length; i++) l += Math.Log(v[i] + tau2) + w[i] * (y[i] - mu) * (y[i] - mu);
        return -l / 2;
    }

    private static void Validate(ReadOnlySpan<double> estimates, ReadOnlySpan<double> variances, double level)
    {
        if (!(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(level), level, "The level must lie strictly between 0 and 1.");
        if (estimates.Length != variances.Length)
            throw new ArgumentException($"estimates and variances must have the same length (got {estimates.Length}, {variances.Length}).", nameof(variances));
        if (estimates.Length < MinimumStudies)
            throw new ArgumentException($"A random-effects meta-analysis needs at least {MinimumStudies} studies (got {estimates.Length}).", nameof(estimates));
        for (int i = 0; i < estimates.Length; i++)
        {
            if (!double.IsFinite(estimates[i]))
                throw new ArgumentException($"estimates[{i}] = {estimates[i]} is not finite.", nameof(estimates));
            if (!(variances[i] > 0) || !double.IsFinite(variances[i]))
                throw new ArgumentException($"variances[{i}] = {variances[i]} is not a positive finite variance.", nameof(variances));
        }
    }
}
