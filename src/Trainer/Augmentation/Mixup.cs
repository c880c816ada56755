using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// Mixup (Zhang et al. 2018) as timm does it per batch: lambda ~ Beta(alpha, alpha), the batch mixed
/// with itself reversed (row i with row B-1-i), and the label-smoothed one-hot targets mixed the
/// same way, so smoothing applies to both sides; the loss is the soft-target cross-entropy.
/// </summary>
public sealed class Mixup(double alpha, int classes, double smoothing, Random random)
{
    /// <summary>A lambda drawn from Beta(alpha, alpha).</summary>
    public double Draw() => Beta(alpha, random);

    /// <summary>The mixed inputs and targets for one batch with mixing weight <paramref name="lambda"/>.</summary>
    public (Tensor Inputs, Tensor Targets) Mix(Tensor inputs, Tensor labels, double lambda)
    {
        var reversed = arange(inputs.shape[0] - 1, -1, -1, device: inputs.device);
        var targets = SmoothedOneHot(labels, classes, smoothing);
        return (inputs * lambda + inputs.index_select(0, reversed) * (1 - lambda),
                targets * lambda + targets.index_select(0, reversed) * (1 - lambda));
    }

    /// <summary>PyTorch's smoothing as soft targets: 1 - eps + eps/K on the true class, eps/K elsewhere.</summary>
    public static Tensor SmoothedOneHot(Tensor labels, int classes, double smoothing) =>
        nn.functional.one_hot(labels, classes).to_type(ScalarType.Float32) * (1 - smoothing) + smoothing / classes;

    /// <summary>mean over rows of sum over classes of -target * log_softmax(logits).</summary>
    public static Tensor SoftTargetLoss(Tensor logits, Tensor targets) =>
        (-targets * nn.functional.log_softmax(logits, 1)).sum(1).mean();

    /// <summary>Beta(a, a) from two gamma draws (Marsaglia &amp; Tsang 2000, with the a &lt; 1 boost).</summary>
    private static double Beta(double a, Random random)
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
