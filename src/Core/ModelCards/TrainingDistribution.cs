using System.Text.Json.Serialization;

namespace Harness.Core.ModelCards;

/// <summary>
/// What the training rows looked like, carried in the card (<see cref="ModelCard.Keys.TrainingDistribution"/>)
/// so that validation can say how a site's rows differ (<c>shift</c> in results.json) without the
/// training data: the class counts, and per feature (the model's order) its observed and missing
/// counts, mean and sample SD, quantiles, and a histogram. Computed over every training row (all
/// training sites, within --from/--until), like <see cref="ModelCard.FeatureMissingRates"/>.
/// </summary>
/// <remarks>
/// Numeric features: the deciles (<see cref="QuantileProbabilities"/>, 10% to 90%) by linear
/// interpolation between order statistics, numpy's default (Hyndman and Fan 1996, definition 7);
/// not the minimum and maximum, which are single patients' values. The histogram's edges are the
/// distinct deciles, its bins right-closed: (-inf, e1], (e1, e2], ..., (ek, +inf), so values
/// beyond the training range fall in the outer bins. Categorical features (integer codes, --categorical): one bin per
/// training level; their mean, SD and quantiles are of the codes and only descriptive.
/// Every statistic is over the observed (non-missing) values; missing values are counted apart.
/// </remarks>
public sealed record TrainingDistribution
{
    public const string Numeric = "numeric";
    public const string Categorical = "categorical";

    /// <summary>The probabilities of the stored quantiles: 0.1, 0.2, ..., 0.9.</summary>
    public static readonly IReadOnlyList<double> Deciles = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    /// <summary>Training rows.</summary>
    public required long Rows { get; init; }

    /// <summary>Training rows per class, in the card's class order.</summary>
    public required IReadOnlyDictionary<string, long> ClassCounts { get; init; }

    /// <summary>The probabilities of each feature's <see cref="FeatureDistribution.Quantiles"/>.</summary>
    public required IReadOnlyList<double> QuantileProbabilities { get; init; }

    /// <summary>One per model feature, in the model's order.</summary>
    public required IReadOnlyList<FeatureDistribution> Features { get; init; }

    /// <param name="features">Row-major, rows x <paramref name="featureNames"/>.Count; NaN = missing.</param>
    /// <param name="categoricalColumns">Indices of the features holding integer category codes.</param>
    /// <param name="labels">Each row's class index into <paramref name="classNames"/>.</param>
    public static TrainingDistribution Of(float[] features, IReadOnlyList<string> featureNames, IReadOnlyList<int> categoricalColumns,
        int[] labels, IReadOnlyList<string> classNames)
    {
        int width = featureNames.Count, rows = labels.Length;
        if (features.Length != rows * width) throw new ArgumentException("features must hold one row of every feature per label.", nameof(features));
        var counts = new long[classNames.Count];
        foreach (int label in labels) counts[label]++;
        var column = new List<double>(rows);
        var distributions = new List<FeatureDistribution>(width);
        for (int f = 0; f < width; f++)
        {
            column.Clear();
            for (int r = 0; r < rows; r++)
            {
                float v = features[r * width + f];
                if (!float.IsNaN(v)) column.Add(v == 0 ? 0.0 : v); // -0 and 0 are one value
            }
            distributions.Add(FeatureDistribution.Of(featureNames[f], categoricalColumns.Contains(f), column, rows - column.Count));
        }
        return new TrainingDistribution
        {
            Rows = rows,
            ClassCounts = classNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => counts[x.i]),
            QuantileProbabilities = Deciles,
            Features = distributions,
        };
    }

    /// <summary>Why this distribution does not fit a card with these features and classes; null when it does.</summary>
    public string? MismatchWith(IReadOnlyList<string> featureNames, IReadOnlyList<string> classNames)
    {
        if (!Features.Select(f => f.Name).SequenceEqual(featureNames, StringComparer.Ordinal))
            return "its features are not the model's, in the model's order";
        if (!ClassCounts.Keys.SequenceEqual(classNames, StringComparer.Ordinal)) return "its classes are not the model's";
        if (Features.FirstOrDefault(f => f.Problem(Rows) is not null) is { } bad) return $"'{bad.Name}': {bad.Problem(Rows)}";
        return null;
    }

}

/// <summary>
/// One feature of <see cref="TrainingDistribution"/>: its observed and missing row counts, the mean
/// and sample SD (n − 1) of its observed values, their quantiles, and their histogram:
/// <see cref="Counts"/>[i] training values in bin i (<see cref="BinOf"/>).
/// </summary>
/// <param name="Kind"><see cref="TrainingDistribution.Numeric"/> or <see cref="TrainingDistribution.Categorical"/>.</param>
/// <param name="Sd">The sample SD (null with fewer than 2 observed values).</param>
/// <param name="Edges">Numeric: the histogram's edges, ascending (bins right-closed, outer bins open). Null for categorical features.</param>
/// <param name="Levels">Categorical: the training levels, ascending, one bin each. Null for numeric features.</param>
public sealed record FeatureDistribution(string Name, string Kind, long Observed, long Missing, double? Mean, double? Sd,
    IReadOnlyList<double> Quantiles, IReadOnlyList<double>? Edges, IReadOnlyList<double>? Levels, IReadOnlyList<long> Counts)
{
    [JsonIgnore] public bool IsCategorical => Kind == TrainingDistribution.Categorical;

    /// <summary>The share of training rows where the feature is missing.</summary>
    [JsonIgnore] public double MissingRate => Observed + Missing == 0 ? 0 : (double)Missing / (Observed + Missing);

    /// <summary>
    /// The histogram bin of an observed value: numeric, the first i with value ≤ Edges[i] (Edges.Count
    /// when above every edge); categorical, the index of its level, or -1 for a level training never saw.
    /// </summary>
    public int BinOf(double value) => IsCategorical ? LevelBin([.. Levels!], value) : EdgeBin([.. Edges!], value);

    /// <summary><see cref="BinOf"/> for a numeric feature with these <paramref name="edges"/>.</summary>
    public static int EdgeBin(ReadOnlySpan<double> edges, double value)
    {
        // The edges ascend: the first edge at or above the value is the number below it, counted
        // without a branch on where the value falls (a random place, row after row).
        int bin = 0;
        foreach (double edge in edges) bin += value > edge ? 1 : 0;
        return bin;
    }

    /// <summary><see cref="BinOf"/> for a categorical feature with these <paramref name="levels"/>.</summary>
    public static int LevelBin(ReadOnlySpan<double> levels, double value)
    {
        if (value == 0) value = 0; // -0 is level 0
        for (int i = 0; i < levels.Length; i++) if (levels[i] == value) return i;
        return -1;
    }

    internal static FeatureDistribution Of(string name, bool categorical, List<double> observed, long missing)
    {
        observed.Sort();
        int n = observed.Count;
        double? mean = n == 0 ? null : observed.Sum() / n;
        double? sd = null;
        if (n >= 2)
        {
            double squares = 0;
            foreach (double v in observed) squares += (v - mean!.Value) * (v - mean.Value);
            sd = Math.Sqrt(squares / (n - 1));
        }
        double[] sorted = [.. observed];
        // Linear interpolation between order statistics: numpy's default, Hyndman and Fan definition 7.
        var quantiles = n == 0 ? [] : TrainingDistribution.Deciles.Select(p => Metrics.MetricEstimator.Quantile(sorted, p)).ToList();
        IReadOnlyList<double>? edges = null, levels = null;
        if (categorical) levels = observed.Distinct().ToList();
        else edges = quantiles.Distinct().ToList();
        double[] bounds = [.. categorical ? levels! : edges!];
        var counts = new long[categorical ? bounds.Length : bounds.Length + 1];
        foreach (double v in observed) counts[categorical ? LevelBin(bounds, v) : EdgeBin(bounds, v)]++;
        return new FeatureDistribution(name, categorical ? TrainingDistribution.Categorical : TrainingDistribution.Numeric,
            n, missing, mean, sd, quantiles, edges, levels, counts);
    }

    /// <summary>Why this record cannot be used (read from a card); null when it can.</summary>
    internal string? Problem(long rows)
    {
        if (Observed + Missing != rows || Observed < 0 || Missing < 0) return "its observed and missing counts do not add up to the training rows";
        if (Kind is not (TrainingDistribution.Numeric or TrainingDistribution.Categorical)) return $"unknown kind '{Kind}'";
        var bins = IsCategorical ? Levels : Edges;
        if (bins is null) return IsCategorical ? "a categorical feature without levels" : "a numeric feature without edges";
        for (int i = 1; i < bins.Count; i++)
            if (!(bins[i] > bins[i - 1])) return "its bins are not strictly ascending";
        if (Counts.Count != (IsCategorical ? bins.Count : bins.Count + 1) || Counts.Sum() != Observed || Counts.Any(c => c < 0))
            return "its histogram does not match its bins and observed count";
        return null;
    }
}
