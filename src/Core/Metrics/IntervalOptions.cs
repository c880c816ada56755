namespace Harness.Core.Metrics;

/// <summary>How intervals are computed: confidence level, bootstrap resamples (0 = no bootstrap intervals) and seed.</summary>
public sealed record IntervalOptions
{
    public const double DefaultLevel = 0.95;
    public const int DefaultResamples = 2000;
    public const int DefaultSeed = 42;

    /// <summary>The most resamples accepted: beyond this the percentile bounds no longer move, only the run time does.</summary>
    public const int MaxResamples = 100_000;

    public double Level { get; init; } = DefaultLevel;
    public int Resamples { get; init; } = DefaultResamples;
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Checks ranges; errors name the setting.</summary>
    public void Validate()
    {
        if (!(Level > 0.5 && Level < 1))
            throw new InputException($"the confidence level must be between 0.5 and 1 (exclusive); got {Level}.", "Use e.g. 0.95 for 95% intervals (--confidence).");
        if (Resamples is < 0 or > MaxResamples)
            throw new InputException($"the number of bootstrap resamples must be 0 (off) to {MaxResamples:N0}; got {Resamples}.", "Use e.g. 2000 (--bootstrap).");
    }
}
