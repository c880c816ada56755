namespace Harness.Trainer.Data;

/// <summary>
/// Preprocessing learned from the training split only (never from validation rows): each
/// feature's median for imputation, then mean and standard deviation for standardisation.
/// These constants end up inside the ONNX graph.
/// </summary>
public sealed record FeatureStatistics(float[] Medians, float[] Means, float[] StandardDeviations)
{
    public static FeatureStatistics FromRows(float[] features, int featureCount)
    {
        int rows = features.Length / featureCount;
        var medians = new float[featureCount];
        var means = new float[featureCount];
        var stds = new float[featureCount];
        var column = new List<float>(rows);
        for (int f = 0; f < featureCount; f++)
        {
            column.Clear();
            for (int r = 0; r < rows; r++)
            {
                float v = features[r * featureCount + f];
                if (!float.IsNaN(v)) column.Add(v);
            }
            // A feature never observed in training imputes to 0 and passes through unscaled.
            medians[f] = column.Count == 0 ? 0f : Median(column);

            double Imputed(int r) => features[r * featureCount + f] is var v && float.IsNaN(v) ? medians[f] : v;
            double mean = 0, squares = 0;
            for (int r = 0; r < rows; r++) mean += Imputed(r);
            mean /= rows;
            for (int r = 0; r < rows; r++) squares += (Imputed(r) - mean) * (Imputed(r) - mean);
            double sd = Math.Sqrt(squares / rows); // population SD, as scikit-learn's StandardScaler
            means[f] = (float)mean;
            stds[f] = sd > 1e-12 ? (float)sd : 1f; // a constant feature is centred, not divided by zero
        }
        return new FeatureStatistics(medians, means, stds);
    }

    /// <summary>The middle value; the mean of the two middle values for an even count.</summary>
    private static float Median(List<float> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (float)((values[n / 2 - 1] + (double)values[n / 2]) / 2);
    }
}
