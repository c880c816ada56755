using Harness.Core.Statistics;

namespace Harness.Core.Metrics;

/// <summary>
/// One sample's catalog metrics with their intervals, and the bootstrap replicates kept to give
/// gaps against another sample their own intervals.
/// </summary>
public sealed class SampleEstimate
{
    internal SampleEstimate(IReadOnlyList<MetricDefinition> definitions, MetricPoint[] points, double[]?[] replicates,
        MetricSet metrics, FlexibleCalibrationResult? flexible, int resamples, bool binary, DiscriminationCurves? discrimination = null)
    {
        Discrimination = discrimination;
        IsBinary = binary;
        Definitions = definitions;
        Points = points;
        Replicates = replicates;
        Metrics = metrics;
        FlexibleCalibration = flexible;
        Resamples = resamples;
    }

    public bool IsBinary { get; }
    public IReadOnlyList<MetricDefinition> Definitions { get; }
    public MetricSet Metrics { get; }

    /// <summary>The loess calibration curve (binary models) with its pointwise band at the interval level, null when undefined.</summary>
    public FlexibleCalibrationResult? FlexibleCalibration { get; }

    /// <summary>The thinned ROC and precision-recall curves (binary models, when asked for), from the estimator's sort; null when undefined or not asked for.</summary>
    public DiscriminationCurves? Discrimination { get; }

    public int Resamples { get; }

    internal MetricPoint[] Points { get; }

    /// <summary>Per metric, the value in each bootstrap resample (NaN: undefined in it); null for metrics with analytic intervals.</summary>
    internal double[]?[] Replicates { get; }
}

/// <summary>
/// Computes every catalog metric of a scored sample with its confidence interval, and the gap
/// between two independent samples (a site and the development reference) with its interval:
/// analytic variances add (DeLong for AUROC, Wald for the calibration intercept and slope, the
/// delta method for O/E); bootstrap metrics take the percentile interval of the differences of
/// independent resamples of both samples.
/// </summary>
public static class MetricEstimator
{
    /// <summary>Undefined in more than this share of resamples: no bootstrap interval.</summary>
    public const double MaxUndefinedShare = 0.05;

    /// <param name="threshold">The operating threshold on the positive-class risk (binary models), or null.</param>
    /// <param name="sampleKey">Names the sample (a site) so that each sample gets its own resamples for a given seed.</param>
    /// <param name="discriminationCurves">Also compute the thinned ROC and precision-recall curves (<see cref="SampleEstimate.Discrimination"/>) from the estimator's sort.</param>
    public static SampleEstimate Estimate(ScoredExamples examples, double? threshold, IntervalOptions options, string sampleKey,
        CancellationToken cancellation = default, bool discriminationCurves = false) =>
        Estimate(InRiskOrder(examples), threshold, options, sampleKey, cancellation, discriminationCurves);

    /// <summary>
    /// As <see cref="Estimate(ScoredExamples, double?, IntervalOptions, string, CancellationToken, bool)"/>, for
    /// examples <see cref="InRiskOrder"/> put in order already: a caller that lets go of the original order
    /// keeps one copy of a large sample's rows in memory instead of two.
    /// </summary>
    public static SampleEstimate Estimate((ScoredExamples Examples, int[]? OriginalRows) inRiskOrder, double? threshold, IntervalOptions options,
        string sampleKey, CancellationToken cancellation = default, bool discriminationCurves = false)
    {
        var (examples, originalRows) = inRiskOrder;
        if (examples.Count == 0) throw new ArgumentException("No examples to score.", nameof(examples));
        var sample = new MetricSample(examples, threshold, originalRows: originalRows);
        var definitions = MetricCatalog.For(examples.IsBinary).ToList();
        var summary = SampleSummary.Compute(sample, SampleSummary.UnitWeights(examples.Count), bandLevel: options.Level);
        // The point estimate's four iterative fits read the sample and nothing of each other: all cores at once.
        if (examples.IsBinary)
            Parallel.Invoke(() => _ = summary.Flexible, () => _ = summary.CalibrationIntercept, () => _ = summary.CalibrationSlope, () => _ = summary.DeLongAuroc);
        var points = definitions.Select(d => d.Value(summary)).ToArray();

        var replicates = new double[]?[definitions.Count];
        var bootstrapped = Enumerable.Range(0, definitions.Count)
            .Where(k => definitions[k].IntervalFor(examples.IsBinary) == IntervalMethod.BootstrapPercentile && points[k].Value is not null)
            .ToArray();
        if (options.Resamples > 0 && bootstrapped.Length > 0)
        {
            foreach (int k in bootstrapped) replicates[k] = new double[options.Resamples];
            var bootstrap = new Bootstrap(examples.Labels, examples.Clusters, examples.ClassCount, options.Seed, sampleKey);
            void Keep(int b, SampleSummary resampled)
            {
                foreach (int k in bootstrapped) replicates[k]![b] = definitions[k].Value(resampled).Value ?? double.NaN;
            }
            if (sample.RiskSorted) ResampleBinary(sample, bootstrap, options.Resamples, Keep, cancellation);
            else ResampleAny(sample, bootstrap, options.Resamples, Keep, cancellation);
        }

        var metrics = new MetricSet();
        for (int k = 0; k < definitions.Count; k++)
            metrics.Add(definitions[k].Key, Describe(definitions[k], examples.IsBinary, points[k], replicates[k], options));
        var discrimination = discriminationCurves && sample.RiskRanking is { } ranking ? DiscriminationCurves.FromAscending(ranking.Score, ranking.IsClass) : null;
        return new SampleEstimate(definitions, points, replicates, metrics, summary.Flexible, options.Resamples, examples.IsBinary, discrimination);
    }

    /// <summary>
    /// Binary samples (rows in ascending order of risk): <see cref="BinaryResampler.Lanes"/> resamples
    /// per task, side by side. Parallel.For calls localInit once per task and keeps replacing its
    /// tasks, so buffers made there would be remade many times over (a megabyte per lane at a
    /// million rows): tasks borrow them from a pool.
    /// </summary>
    private static void ResampleBinary(MetricSample sample, Bootstrap bootstrap, int resamples, Action<int, SampleSummary> keep, CancellationToken cancellation)
    {
        const int lanes = BinaryResampler.Lanes;
        var resampler = new BinaryResampler(sample, bootstrap.PositionOfRow);
        var pool = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        Parallel.For(0, (resamples + lanes - 1) / lanes,
            new ParallelOptions { CancellationToken = cancellation },
            () => pool.TryTake(out var counts) ? counts : new byte[bootstrap.Positions * lanes],
            (batch, _, counts) =>
            {
                // The last batch may draw resamples beyond the last one: they are summarised and not kept.
                bootstrap.Draw(batch * lanes, lanes, counts);
                var summaries = resampler.Summarise(counts);
                for (int lane = 0; lane < lanes && batch * lanes + lane < resamples; lane++) keep(batch * lanes + lane, summaries[lane]);
                return counts;
            },
            pool.Add);
    }

    /// <summary>Any sample, one resample per task, each summarised by <see cref="SampleSummary"/>'s sweeps.</summary>
    private static void ResampleAny(MetricSample sample, Bootstrap bootstrap, int resamples, Action<int, SampleSummary> keep, CancellationToken cancellation)
    {
        var pool = new System.Collections.Concurrent.ConcurrentBag<(byte[] Weights, byte[] Counts)>();
        Parallel.For<(byte[] Weights, byte[] Counts)>(0, resamples,
            new ParallelOptions { CancellationToken = cancellation },
            () => pool.TryTake(out var buffers) ? buffers : (new byte[sample.N], new byte[bootstrap.Positions]),
            (b, _, buffers) =>
            {
                bootstrap.Resample(b, buffers.Weights, buffers.Counts);
                keep(b, SampleSummary.Compute(sample, buffers.Weights));
                return buffers;
            },
            pool.Add);
    }

    /// <summary>
    /// A binary sample with its rows in ascending order of risk (stable). Every metric ignores row
    /// order, and in this order each resample's sweeps read memory sequentially: the rank sweep
    /// and the loess curve need no gathering of weights. Also returns each row's original index
    /// (ties in confidence keep the original order in equal-mass bins); null when nothing moved (the
    /// examples themselves come back: multiclass ones, and those already in order).
    /// </summary>
    public static (ScoredExamples Examples, int[]? OriginalRows) InRiskOrder(ScoredExamples examples)
    {
        if (examples.PositiveClass is not int positive) return (examples, null);
        int n = examples.Count, classes = examples.ClassCount;
        if (StableOrder.AscendingUnlessSorted(n, i => examples.Probability(i, positive)) is not { } order) return (examples, null);
        var labels = new int[n];
        var probabilities = new float[examples.Probabilities.Length];
        int[]? clusters = examples.Clusters is null ? null : new int[n];
        // A gather from random rows waits on memory: blocks of rows on all cores keep more reads in flight.
        const int block = 1 << 16;
        Parallel.For(0, (n + block - 1) / block, b =>
        {
            float[] from = examples.Probabilities;
            for (int k = b * block; k < Math.Min(n, (b + 1) * block); k++)
            {
                int row = order[k];
                labels[k] = examples.Labels[row];
                for (int c = 0; c < classes; c++) probabilities[k * classes + c] = from[row * classes + c];
                if (clusters is not null) clusters[k] = examples.Clusters![row];
            }
        });
        return (new ScoredExamples(examples.ClassNames, positive, labels, probabilities) { Clusters = clusters }, order);
    }

    /// <summary>Site minus reference, metric by metric, each with an interval for the difference of two independent samples.</summary>
    public static MetricSet Gap(SampleEstimate site, SampleEstimate reference, IntervalOptions options)
    {
        var gap = new MetricSet();
        bool binary = site.IsBinary;
        for (int k = 0; k < site.Definitions.Count; k++)
        {
            var definition = site.Definitions[k];
            int r = IndexOf(reference.Definitions, definition.Key);
            if (r < 0) continue;
            var (a, b) = (site.Points[k], reference.Points[r]);
            if (a.Value is not { } siteValue || b.Value is not { } referenceValue)
            {
                gap.Add(definition.Key, new MetricValue(null) { Note = "undefined: " + (a.Value is null ? "the site's value" : "the development value") + " is undefined" });
                continue;
            }
            double difference = siteValue - referenceValue;
            var method = definition.IntervalFor(binary);
            ConfidenceInterval? ci = null;
            string? note = null;
            if (method == IntervalMethod.BootstrapPercentile)
            {
                if (site.Replicates[k] is { } x && reference.Replicates[r] is { } y)
                {
                    var differences = new double[Math.Min(x.Length, y.Length)];
                    for (int i = 0; i < differences.Length; i++) differences[i] = x[i] - y[i];
                    (ci, note) = Percentile(differences, options.Level, definition.Minimum - definition.Maximum, definition.Maximum - definition.Minimum);
                }
                else note = options.Resamples == 0 ? BootstrapOff : "no interval: a bootstrap interval is missing on one side";
            }
            else if (OriginalScaleError(method, a) is { } seSite && OriginalScaleError(method, b) is { } seReference)
            {
                double span = definition.Maximum - definition.Minimum;
                ci = Normal(difference, Math.Sqrt(seSite * seSite + seReference * seReference), options.Level, -span, span, method);
            }
            else note = "no interval: " + (a.StandardError is null ? "the site's" : "the development") + " standard error is undefined";

            gap.Add(definition.Key, new MetricValue(difference)
            {
                Ci = ci,
                Note = note,
                Distinguishable = ci?.Excludes(0),
                Worse = definition.IsWorse(siteValue, referenceValue),
            });
        }
        return gap;
    }

    /// <summary>Site minus a reference known only by its values (a model card without development predictions): no intervals.</summary>
    public static MetricSet GapWithoutInterval(SampleEstimate site, MetricSet reference, string why)
    {
        var gap = new MetricSet();
        for (int k = 0; k < site.Definitions.Count; k++)
        {
            var definition = site.Definitions[k];
            double? siteValue = site.Points[k].Value, referenceValue = reference.ValueOf(definition.Key);
            if (!reference.TryGet(definition.Key, out _)) continue;
            gap.Add(definition.Key, new MetricValue(siteValue - referenceValue)
            {
                Note = why,
                Worse = siteValue is { } s && referenceValue is { } r ? definition.IsWorse(s, r) : null,
            });
        }
        return gap;
    }

    private const string BootstrapOff = "no interval: bootstrap intervals are off (0 resamples)";

    private static MetricValue Describe(MetricDefinition definition, bool binary, MetricPoint point, double[]? replicates, IntervalOptions options)
    {
        if (point.Value is not { } value) return new MetricValue(null) { Note = point.Note };
        var method = definition.IntervalFor(binary);
        ConfidenceInterval? ci = null;
        string? note = point.Note;
        if (method == IntervalMethod.BootstrapPercentile)
        {
            if (replicates is null) note = Join(note, BootstrapOff);
            else
            {
                string? why;
                (ci, why) = Percentile(replicates, options.Level, definition.Minimum, definition.Maximum);
                note = Join(note, why);
            }
        }
        else if (point.StandardError is { } se && double.IsFinite(se))
        {
            if (method == IntervalMethod.LogWald)
            {
                var (lower, upper) = Intervals.WaldInterval(Math.Log(value), se, options.Level);
                ci = new ConfidenceInterval(Math.Exp(lower), Math.Exp(upper), options.Level, method);
            }
            else ci = Normal(value, se, options.Level, definition.Minimum, definition.Maximum, method);
        }
        else note ??= method == IntervalMethod.DeLong
            ? "no interval: DeLong's variance needs at least two examples of each class"
            : "no interval: the standard error is undefined";
        return new MetricValue(value) { Ci = ci, Note = note, StandardError = ci is not null && method != IntervalMethod.BootstrapPercentile ? point.StandardError : null };
    }

    /// <summary>estimate ± z·SE (the Wald interval; DeLong's for AUROC), clamped to the metric's range.</summary>
    private static ConfidenceInterval Normal(double estimate, double standardError, double level, double minimum, double maximum, IntervalMethod method)
    {
        var (lower, upper) = Intervals.WaldInterval(estimate, standardError, level);
        return new ConfidenceInterval(Math.Max(lower, minimum), Math.Min(upper, maximum), level, method);
    }

    /// <summary>Percentile interval (quantile type 7, as R's default) of the defined replicates, clamped to the metric's range.</summary>
    private static (ConfidenceInterval? Ci, string? Note) Percentile(double[] replicates, double level, double minimum, double maximum)
    {
        var defined = replicates.Where(double.IsFinite).ToArray();
        int undefined = replicates.Length - defined.Length;
        if (undefined > MaxUndefinedShare * replicates.Length)
            return (null, $"no interval: undefined in {undefined} of {replicates.Length} bootstrap resamples");
        Array.Sort(defined);
        double alpha = 1 - level;
        var ci = new ConfidenceInterval(
            Math.Max(Quantile(defined, alpha / 2), minimum), Math.Min(Quantile(defined, 1 - alpha / 2), maximum),
            level, IntervalMethod.BootstrapPercentile);
        return (ci, undefined == 0 ? null : $"interval from the {defined.Length} of {replicates.Length} bootstrap resamples where it is defined");
    }

    /// <summary>Quantile type 7 (R's default, numpy's "linear") of sorted values.</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int low = (int)Math.Floor(h);
        return low + 1 < sorted.Length ? sorted[low] + (h - low) * (sorted[low + 1] - sorted[low]) : sorted[low];
    }

    /// <summary>The standard error on the metric's own scale (the delta method for the log scale).</summary>
    internal static double? OriginalScaleError(IntervalMethod method, MetricPoint point) =>
        point.StandardError is not { } se || !double.IsFinite(se) ? null
        : method == IntervalMethod.LogWald ? point.Value * se : se;

    internal static int IndexOf(IReadOnlyList<MetricDefinition> definitions, string key)
    {
        for (int i = 0; i < definitions.Count; i++) if (definitions[i].Key == key) return i;
        return -1;
    }

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}; {b}";
}
