using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// One transform of a training batch that is already on the training device, during training only:
/// never at validation, never in the exported graph. Tabular batches are the preprocessed (imputed,
/// standardised) features; signal [N, C, L] and image [N, C, H, W] batches the decoded values (raw
/// units; images in [0, 1]) before the model's normalisation. Random draws come from torch's
/// generator, seeded with the run, one per example.
/// </summary>
public interface IBatchTransform
{
    Tensor Apply(Tensor batch);
}

/// <summary>
/// Gaussian noise with standard deviation <paramref name="Sigma"/> on every value: on tabular
/// batches standardised units (with a <paramref name="NumericMask"/>, 1 numeric, 0 one-hot, one-hot
/// columns stay 0 or 1), on signals raw units (sensor and muscle noise; Um et al. 2017 use SD 0.05).
/// </summary>
public sealed record GaussianNoise(double Sigma, Tensor? NumericMask = null) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => NumericMask is null
        ? batch + randn_like(batch) * Sigma
        : batch + randn_like(batch) * Sigma * NumericMask;
}

/// <summary>
/// Each feature value, with probability <paramref name="Probability"/>, replaced by the value an
/// imputed missing value takes (the training median, standardised; 0 for a one-hot column): the model
/// learns to cope with features missing more often than in training, as at a site that does not
/// record them. A categorical feature's 1 drops with probability P too, leaving all zeros: a missing category.
/// </summary>
public sealed record FeatureDropout(double Probability, Tensor ImputedValue) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => where(rand_like(batch) < Probability, ImputedValue.expand_as(batch), batch);
}
