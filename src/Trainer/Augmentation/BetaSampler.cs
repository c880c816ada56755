namespace Harness.Trainer.Augmentation;

/// <summary>
/// Beta(a, a) draws from a seeded <see cref="Random"/>, for the per-batch mixing weights of mixup
/// and CutMix: one scalar per batch, reproducible from the run's seed.
/// </summary>
internal static class BetaSampler
{
    /// <summary>Beta(a, a) from two gamma draws (Marsaglia &amp; Tsang 2000, with the a &lt; 1 boost).</summary>
    public static double Draw(double a, Random random)
    {
        double x = Gamma(a, random), y = Gamma(a, random);
        return x + y > 0 ? x / (x + y) : 0.5;
    }

    private static double Gamma(double shape, Random random)
    {
        if (shape < 1) return Gamma(shape + 1, random) * Math.Pow(random.NextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z, v;
            do
            {
                // Standard normal by Box-Muller.
                z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }
}
