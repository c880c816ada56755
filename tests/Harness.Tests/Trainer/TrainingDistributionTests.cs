using Harness.Core.ModelCards;

namespace Harness.Tests.Trainer;

/// <summary>
/// The card's training distribution on rows small enough to work by hand. The heart training rows
/// are checked against numpy in Validator/ShiftTests.cs.
/// </summary>
public sealed class TrainingDistributionTests
{
    [Fact]
    public void Deciles_interpolate_linearly_and_are_the_bin_edges()
    {
        // Given one numeric feature holding 1..10 in shuffled order and one missing value
        float[] values = [7, 3, float.NaN, 10, 1, 5, 2, 9, 4, 8, 6];

        var distribution = TrainingDistribution.Of(values, ["x"], [], new int[values.Length], ["only"]);

        // Then, by hand: the p-quantile of 1..10 is 1 + 9p (numpy's 'linear'); the deciles 1.9, 2.8, ..., 9.1
        // are the edges of ten right-closed bins holding one value each; mean 5.5; sample variance 82.5 / 9
        var x = Assert.Single(distribution.Features);
        Assert.Equal((10L, 1L), (x.Observed, x.Missing));
        Assert.Equal(1.0 / 11, x.MissingRate, 1e-15);
        Assert.Equal(5.5, x.Mean!.Value, 1e-12);
        Assert.Equal(Math.Sqrt(82.5 / 9), x.Sd!.Value, 1e-12);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => 1 + 0.9 * i), x.Quantiles, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(x.Quantiles, x.Edges!);
        Assert.Equal(Enumerable.Repeat(1L, 10), x.Counts);
        Assert.Equal(11L, distribution.Rows);
    }

    [Fact]
    public void Repeated_deciles_make_one_edge_and_a_value_on_an_edge_falls_in_the_bin_below()
    {
        // Given a 0/1 feature, 7 of 10 rows 1: sorted, the 0.3-quantile is x[2.7] = 0 + 0.7 (1 − 0) = 0.7; deciles 0, 0, 0.7, 1, ..., 1
        float[] values = [1, 0, 1, 1, 0, 1, 1, 0, 1, 1];

        var x = TrainingDistribution.Of(values, ["flag"], [], new int[10], ["only"]).Features[0];

        // Then the distinct deciles are 0, 0.7 and 1: bins (-inf, 0], (0, 0.7], (0.7, 1], (1, inf)
        Assert.Equal([0, 0.7, 1], x.Edges!.Select(e => Math.Round(e, 12)));
        Assert.Equal([3L, 0, 7, 0], x.Counts);
        Assert.Equal(0, x.BinOf(0));
        Assert.Equal(0, x.BinOf(-5));
        Assert.Equal(2, x.BinOf(1));
        Assert.Equal(3, x.BinOf(1.5));
    }

    [Fact]
    public void A_categorical_feature_has_a_bin_per_level_and_unseen_levels_have_none()
    {
        // Given a categorical feature {4, NaN, 1, 4, 2, -0} and two classes
        float[] values = [4, float.NaN, 1, 4, 2, -0f];

        var distribution = TrainingDistribution.Of(values, ["cp"], [0], [0, 1, 1, 0, 1, 1], ["a", "b"]);

        var cp = distribution.Features[0];
        Assert.Equal(TrainingDistribution.Categorical, cp.Kind);
        Assert.Null(cp.Edges);
        Assert.Equal([0, 1, 2, 4], cp.Levels!);
        Assert.Equal([1L, 1, 1, 2], cp.Counts);
        Assert.Equal(0, cp.BinOf(-0.0));
        Assert.Equal(-1, cp.BinOf(3));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2, ["b"] = 4 }, distribution.ClassCounts);
    }
}
