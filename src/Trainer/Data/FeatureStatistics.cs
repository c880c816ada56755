namespace Harness.Trainer.Data;

/// <summary>A categorical feature: its index among the model's inputs and the levels seen in the training split, ascending.</summary>
public sealed record CategoricalColumn(int Column, float[] Levels);

/// <summary>
/// Preprocessing learned from the training split only (never from validation rows): each numeric
/// feature's median for imputation, then mean and standard deviation for standardisation; each
/// categorical feature's levels for one-hot encoding. These constants end up inside the ONNX graph.
/// </summary>
/// <param name="Medians">One per numeric feature, in input order (as are <paramref name="Means"/> and <paramref name="StandardDeviations"/>).</param>
public sealed record FeatureStatistics(float[] Medians, float[] Means, float[] StandardDeviations)
{
    /// <summary>The categorical features, in input order; empty: every feature is numeric.</summary>
    public IReadOnlyList<CategoricalColumn> Categorical { get; init; } = [];

    /// <summary>How many raw features the model reads: the numeric ones and the categorical ones.</summary>
    public int FeatureCount => Medians.Length + Categorical.Count;

    /// <summary>The indices of the numeric features among the raw features, ascending.</summary>
    public int[] NumericColumns => Enumerable.Range(0, FeatureCount).Except(Categorical.Select(c => c.Column)).ToArray();

    /// <summary>The preprocessed width the first layer reads: the numeric features, then one column per categorical level.</summary>
    public int EncodedWidth => Medians.Length + Categorical.Sum(c => c.Levels.Length);

    /// <param name="categoricalColumns">Indices of the features holding integer category codes (checked by <see cref="TrainingData"/>).</param>
    public static FeatureStatistics FromRows(float[] features, int featureCount, IReadOnlyList<int>? categoricalColumns = null)
    {
        int rows = features.Length / featureCount;
        var categorical = (categoricalColumns ?? []).Order().Select(c => new CategoricalColumn(c, LevelsOf(features, featureCount, c))).ToList();
        var numeric = Enumerable.Range(0, featureCount).Except(categorical.Select(c => c.Column)).ToArray();
        var medians = new float[numeric.Length];
        var means = new float[numeric.Length];
        var stds = new float[numeric.Length];
        var column = new List<float>(rows);
        for (int i = 0; i < numeric.Length; i++)
        {
            int f = numeric[i];
            column.Clear();
            for (int r = 0; r < rows; r++)
            {
                float v = features[r * featureCount + f];
                if (!float.IsNaN(v)) column.Add(v);
            }
            // A feature never observed in training imputes to 0 and passes through unscaled.
            float median = medians[i] = column.Count == 0 ? 0f : Median(column);

            double Imputed(int r) => features[r * featureCount + f] is var v && float.IsNaN(v) ? median : v;
            double mean = 0, squares = 0;
            for (int r = 0; r < rows; r++) mean += Imputed(r);
            mean /= rows;
            for (int r = 0; r < rows; r++) squares += (Imputed(r) - mean) * (Imputed(r) - mean);
            double sd = Math.Sqrt(squares / rows); // population SD, as scikit-learn's StandardScaler
            means[i] = (float)mean;
            stds[i] = sd > 1e-12 ? (float)sd : 1f; // a constant feature is centred, not divided by zero
        }
        return new FeatureStatistics(medians, means, stds) { Categorical = categorical };
    }

    /// <summary>The distinct non-missing values of one column, ascending.</summary>
    private static float[] LevelsOf(float[] features, int featureCount, int column)
    {
        var levels = new SortedSet<float>();
        for (int i = column; i < features.Length; i += featureCount)
            if (!float.IsNaN(features[i])) levels.Add(features[i] == 0 ? 0f : features[i]); // -0 and 0 are one level
        return levels.ToArray();
    }

    /// <summary>The middle value; the mean of the two middle values for an even count.</summary>
    private static float Median(List<float> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (float)((values[n / 2 - 1] + (double)values[n / 2]) / 2);
    }
}
