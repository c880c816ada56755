namespace Harness.Core.Statistics;

/// <summary>Normal-approximation (Wald) confidence intervals.</summary>
public static class Intervals
{
    /// <summary>
    /// estimate +- z standardError with z = Phi^-1((1 + level)/2) (1.959963984540054 at 0.95).
    /// Not clamped; a NaN estimate or standard error gives NaN bounds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">level is not strictly between 0 and 1, or the standard error is negative.</exception>
    public static (double Lower, double Upper) WaldInterval(double estimate, double standardError, double level)
    {
        if (!(level > 0 && level < 1))
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must lie strictly between 0 and 1.");
        if (standardError < 0)
            throw new ArgumentOutOfRangeException(nameof(standardError), standardError, "A standard error cannot be negative.");
        double half = NormalDistribution.Quantile((1 + level) / 2) * standardError;
        return (estimate - half, estimate + half);
    }

    /// <summary>The Wald interval of a maximum-likelihood estimate (e.g. a calibration slope).</summary>
    public static (double Lower, double Upper) WaldInterval(WaldEstimate estimate, double level)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        return WaldInterval(estimate.Estimate, estimate.StandardError, level);
    }
}
