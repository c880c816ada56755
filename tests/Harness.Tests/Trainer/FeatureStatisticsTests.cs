using Harness.Trainer.Data;

namespace Harness.Tests.Trainer;

public sealed class FeatureStatisticsTests
{
    [Fact]
    public void Median_ignores_missing_values_and_imputed_values_enter_mean_and_sd()
    {
        // Given two features over four rows; feature 0 = {1, NaN, 3, 10}, feature 1 = {5, 5, 5, 5}
        float[] rows = [1, 5, float.NaN, 5, 3, 5, 10, 5];

        var stats = FeatureStatistics.FromRows(rows, featureCount: 2);

        // Then, worked by hand: median{1, 3, 10} = 3; imputed column {1, 3, 3, 10}: mean 17/4 = 4.25,
        // population variance ((-3.25)^2 + (-1.25)^2 * 2 + 5.75^2) / 4 = (10.5625 + 3.125 + 33.0625) / 4 = 11.6875
        Assert.Equal(3f, stats.Medians[0]);
        Assert.Equal(4.25f, stats.Means[0], 1e-6f);
        Assert.Equal((float)Math.Sqrt(11.6875), stats.StandardDeviations[0], 1e-6f);
        // A constant feature is centred and divided by 1, never by 0
        Assert.Equal(5f, stats.Means[1]);
        Assert.Equal(1f, stats.StandardDeviations[1]);
    }

    [Fact]
    public void Even_counts_take_the_mean_of_the_middle_pair_and_unseen_features_impute_zero()
    {
        float[] rows = [4, float.NaN, 1, float.NaN, 2, float.NaN, 8, float.NaN];

        var stats = FeatureStatistics.FromRows(rows, featureCount: 2);

        Assert.Equal(3f, stats.Medians[0]); // (2 + 4) / 2
        Assert.Equal(0f, stats.Medians[1]);
        Assert.Equal(1f, stats.StandardDeviations[1]);
    }

    [Fact]
    public void Categorical_columns_get_their_sorted_levels_and_no_median_mean_or_sd()
    {
        // Given a categorical feature between two numeric ones; its column over five rows is {4, NaN, 1, 4, 2}
        float[] rows = [1, 4, 10, 2, float.NaN, 20, 3, 1, 30, 4, 4, 40, 5, 2, 50];

        var stats = FeatureStatistics.FromRows(rows, featureCount: 3, categoricalColumns: [1]);

        // Then its levels are the distinct observed values, ascending, and the statistics are the numeric features' alone
        var column = Assert.Single(stats.Categorical);
        Assert.Equal(1, column.Column);
        Assert.Equal([1f, 2f, 4f], column.Levels);
        Assert.Equal([0, 2], stats.NumericColumns);
        Assert.Equal([3f, 30f], stats.Medians);
        Assert.Equal([3f, 30f], stats.Means);
        Assert.Equal(3, stats.FeatureCount);
        Assert.Equal(2 + 3, stats.EncodedWidth);
    }
}
