using Harness.Trainer.Model;

namespace Harness.Tests.Trainer;

/// <summary>The fitted temperature is the log-loss minimiser, found independently by a fine grid search.</summary>
public sealed class TemperatureScalingTests
{
    private static double Nll(float[] logits, int[] labels, int classes, double t)
    {
        double total = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            var z = logits.Skip(r * classes).Take(classes).Select(v => v / t).ToArray();
            double max = z.Max();
            total += max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[labels[r]];
        }
        return total / labels.Length;
    }

    [Theory]
    [InlineData(2, 3.0)] // over-confident logits: T above 1
    [InlineData(3, 0.3)] // under-confident logits: T below 1
    public void The_temperature_minimises_the_log_loss(int classes, double scale)
    {
        // Given logits from a known model, scaled by `scale`, with labels drawn from the unscaled model
        var random = new Random(11);
        int rows = 400;
        var logits = new float[rows * classes];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var z = Enumerable.Range(0, classes).Select(_ => random.NextDouble() * 4 - 2).ToArray();
            double sum = z.Sum(Math.Exp), u = random.NextDouble() * sum, cumulative = 0;
            labels[r] = classes - 1;
            for (int c = 0; c < classes; c++)
            {
                cumulative += Math.Exp(z[c]);
                if (u < cumulative) { labels[r] = c; break; }
            }
            for (int c = 0; c < classes; c++) logits[r * classes + c] = (float)(z[c] * scale);
        }

        // When fitted, and when searched on a grid of 4,001 log-spaced temperatures from 0.05 to 20
        double fitted = TemperatureScaling.Fit(logits, labels, classes);
        var grid = Enumerable.Range(0, 4001).Select(i => 0.05 * Math.Pow(400, i / 4000.0)).ToArray();
        double best = grid.MinBy(t => Nll(logits, labels, classes, t));

        // Then they agree within the grid's step (0.15%), the fitted loss is no worse, and T is near the scale applied
        Assert.True(Math.Abs(fitted / best - 1) < 0.0016, $"fitted {fitted}, grid {best}");
        Assert.True(Nll(logits, labels, classes, fitted) <= Nll(logits, labels, classes, best) + 1e-12);
        Assert.True(Math.Abs(fitted / scale - 1) < 0.35, $"fitted {fitted} for logits scaled by {scale}");
    }

    [Fact]
    public void Perfectly_separated_rows_stop_at_the_smallest_temperature()
    {
        float[] logits = [-1, 1, 1, -1, -2, 2];
        int[] labels = [1, 0, 1];
        Assert.Equal(1 / TemperatureScaling.MaxInverse, TemperatureScaling.Fit(logits, labels, 2), 6);
    }
}
