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
    public double Draw() => BetaSampler.Draw(alpha, random);

    /// <summary>The mixed inputs and targets for one batch with mixing weight <paramref name="lambda"/>.</summary>
    public (Tensor Inputs, Tensor Targets) Mix(Tensor inputs, Tensor labels, double lambda)
    {
        var reversed = Partners(inputs);
        var targets = SmoothedOneHot(labels, classes, smoothing);
        return (inputs * lambda + inputs.index_select(0, reversed) * (1 - lambda), MixTargets(targets, reversed, lambda));
    }

    /// <summary>PyTorch's smoothing as soft targets: 1 - eps + eps/K on the true class, eps/K elsewhere.</summary>
    public static Tensor SmoothedOneHot(Tensor labels, int classes, double smoothing) =>
        nn.functional.one_hot(labels, classes).to_type(ScalarType.Float32) * (1 - smoothing) + smoothing / classes;

    /// <summary>mean over rows of sum over classes of -target * log_softmax(logits).</summary>
    public static Tensor SoftTargetLoss(Tensor logits, Tensor targets) =>
        (-targets * nn.functional.log_softmax(logits, 1)).sum(1).mean();

    /// <summary>The row each row is mixed with, B-1-i, as timm pairs them: every row is used, none with itself (but the middle of an odd batch).</summary>
    internal static Tensor Partners(Tensor inputs) => arange(inputs.shape[0] - 1, -1, -1, device: inputs.device);

    /// <summary>Soft targets weighted <paramref name="lambda"/> for each row's own, 1 - lambda for its partner's.</summary>
    internal static Tensor MixTargets(Tensor targets, Tensor partners, double lambda) =>
        targets * lambda + targets.index_select(0, partners) * (1 - lambda);
}
