namespace Harness.Core.Statistics;

/// <summary>
/// A straight line through estimates with known variances: the <see cref="Slope"/> per unit of
/// time with its standard error, Wald z, two-sided p and interval; the intercept at the weighted
/// mean time; the residual heterogeneity statistic <see cref="ResidualQ"/> on k − 2 degrees of freedom.
/// </summary>
public sealed record WeightedTrendFit(
    int K, double Slope, double StandardError, double Z, double P, double Level, (double Lower, double Upper) ConfidenceInterval,
    double MeanTime, double MeanEstimate, double ResidualQ);

/// <summary>
/// Fixed-effect meta-regression on time (Thompson &amp; Sharp 1999, Stat Med 18:2693-2708; Thompson
/// &amp; Higgins 2002, Stat Med 21:1559-1573): estimates y_i with known variances v_i regressed on
/// times t_i by weighted least squares with weights w_i = 1/v_i and the scale fixed at 1 (the
/// variances are taken as known, not re-estimated from the residuals):
/// <list type="bullet">
/// <item>t̄ = Σ w t / Σ w, ȳ = Σ w y / Σ w;</item>
/// <item>b = Σ w (t − t̄)(y − ȳ) / Σ w (t − t̄)², SE(b) = 1 / √(Σ w (t − t̄)²);</item>
/// <item>z = b / SE, p = 2 Φ(−|z|), interval b ± z_{1−α/2} SE;</item>
/// <item>Q_res = Σ w (y − ȳ − b (t − t̄))², χ² on k − 2 degrees of freedom when the line fits.</item>
/// </list>
/// These are statsmodels' WLS(y, [1, t], weights=w).fit(cov_type="fixed scale") (Q_res is its ssr).
/// With Q_res well above k − 2 the periods scatter more than their own variances allow, and the
/// slope's interval is too narrow.
/// </summary>
public static class WeightedTrend
{
    /// <summary>The fewest points a slope is fitted to: two always fit a line exactly and leave Q_res no degree of freedom.</summary>
    public const int MinimumPoints = 3;

    /// <param name="times">Each point's time (not all equal).</param>
    /// <param name="estimates">Each point's estimate (finite).</param>
    /// <param name="variances">Each estimate's variance (finite, positive).</param>
    /// <param name="level">Level of the slope's interval, strictly between 0 and 1.</param>
    /// <exception cref="ArgumentException">Fewer than <see cref="MinimumPoints"/> points, lengths differ, a value is not finite, a variance not positive, or every time is the same.</exception>
    public static WeightedTrendFit Fit(ReadOnlySpan<double> times, ReadOnlySpan<double> estimates, ReadOnlySpan<double> variances, double level)
    {
        int k = times.Length;
        if (estimates.Length != k || variances.Length != k)
            throw new ArgumentException($"Expected as many estimates and variances as times ({k}); got {estimates.Length} and {variances.Length}.");
        if (k < MinimumPoints) throw new ArgumentException($"A trend needs at least {MinimumPoints} points; got {k}.", nameof(times));
        double sw = 0, swt = 0, swy = 0;
        for (int i = 0; i < k; i++)
        {
            if (!double.IsFinite(times[i]) || !double.IsFinite(estimates[i]))
                throw new ArgumentException($"Point {i + 1} is not finite.", nameof(estimates));
            if (!(variances[i] > 0) || !double.IsFinite(variances[i]))
                throw new ArgumentException($"Variance {i + 1} is {variances[i]}; variances must be finite and positive.", nameof(variances));
            double w = 1 / variances[i];
            sw += w;
            swt += w * times[i];
            swy += w * estimates[i];
        }
        double meanTime = swt / sw, meanEstimate = swy / sw;
        double stt = 0, sty = 0;
        for (int i = 0; i < k; i++)
        {
            double w = 1 / variances[i], dt = times[i] - meanTime;
            stt += w * dt * dt;
            sty += w * dt * (estimates[i] - meanEstimate);
        }
        if (!(stt > 0)) throw new ArgumentException("Every point has the same time: no slope can be fitted.", nameof(times));
        double slope = sty / stt, se = 1 / Math.Sqrt(stt), z = slope / se;
        double q = 0;
        for (int i = 0; i < k; i++)
        {
            double residual = estimates[i] - meanEstimate - slope * (times[i] - meanTime);
            q += residual * residual / variances[i];
        }
        return new WeightedTrendFit(k, slope, se, z, 2 * NormalDistribution.Cdf(-Math.Abs(z)), level,
            Intervals.WaldInterval(slope, se, level), meanTime, meanEstimate, q);
    }
}
