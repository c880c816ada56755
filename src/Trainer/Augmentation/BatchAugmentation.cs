using System.Globalization;
using Harness.Core;
using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// One transform of a training batch that is already on the training device, applied to the
/// preprocessed (imputed, standardised) features, during training only: never at validation,
/// never in the exported graph. Random draws come from torch's generator, seeded with the run.
/// </summary>
public interface IBatchTransform
{
    Tensor Apply(Tensor batch);
}

/// <summary>
/// Gaussian noise with standard deviation <paramref name="Sigma"/> on every standardised numeric
/// feature; with a <paramref name="NumericMask"/> (1 numeric, 0 one-hot), one-hot columns stay 0 or 1.
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

/// <summary>
/// The chain of transforms from `--augment`, applied in the order written: "noise:0.05" (Gaussian
/// noise, SD in standardised units, on numeric features) and "missing:0.1" (feature dropout to the imputed value),
/// comma-separated; "none" for no augmentation.
/// </summary>
public sealed class AugmentationChain
{
    public const string None = "none";

    private AugmentationChain(IReadOnlyList<(string Kind, double Amount)> steps) => Steps = steps;

    public IReadOnlyList<(string Kind, double Amount)> Steps { get; }

    public bool IsEmpty => Steps.Count == 0;

    public static AugmentationChain Parse(string spec, string setting = "augmentation.chain")
    {
        if (spec.Trim() == None) return new([]);
        var steps = new List<(string, double)>();
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':', 2);
            bool ok = pieces.Length == 2 && double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
                && pieces[0] switch { "noise" => amount is > 0 and <= 5, "missing" => amount is > 0 and < 1, _ => false };
            if (!ok)
                throw new InputException($"{setting} '{spec}': '{part}' is not an augmentation.",
                    "Write noise:SD (0 < SD <= 5, standardised units) and/or missing:P (0 < P < 1), comma-separated, or none.");
            steps.Add((pieces[0], double.Parse(pieces[1], CultureInfo.InvariantCulture)));
        }
        return new(steps);
    }

    /// <summary>
    /// The transforms, for a model whose imputed missing values preprocess to <paramref name="imputedValue"/>
    /// (one per preprocessed column); <paramref name="numericMask"/> (1 numeric, 0 one-hot; null: all numeric)
    /// keeps noise off one-hot columns.
    /// </summary>
    public IReadOnlyList<IBatchTransform> Build(Tensor imputedValue, Tensor? numericMask = null) =>
        Steps.Select(s => s.Kind == "noise" ? (IBatchTransform)new GaussianNoise(s.Amount, numericMask) : new FeatureDropout(s.Amount, imputedValue)).ToList();
}
