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

/// <summary>Gaussian noise with standard deviation <paramref name="Sigma"/> on every standardised feature.</summary>
public sealed record GaussianNoise(double Sigma) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => batch + randn_like(batch) * Sigma;
}

/// <summary>
/// Each feature value, with probability <paramref name="Probability"/>, replaced by the value an
/// imputed missing value takes (the training median, standardised): the model learns to cope with
/// features missing more often than in training, as at a site that does not record them.
/// </summary>
public sealed record FeatureDropout(double Probability, Tensor ImputedValue) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => where(rand_like(batch) < Probability, ImputedValue.expand_as(batch), batch);
}

/// <summary>
/// The chain of transforms from `--augment`, applied in the order written: "noise:0.05" (Gaussian
/// noise, SD in standardised units) and "missing:0.1" (feature dropout to the imputed value),
/// comma-separated; "none" for no augmentation.
/// </summary>
public sealed class AugmentationChain
{
    public const string None = "none";

    private AugmentationChain(IReadOnlyList<(string Kind, double Amount)> steps) => Steps = steps;

    public IReadOnlyList<(string Kind, double Amount)> Steps { get; }

    public bool IsEmpty => Steps.Count == 0;

    public static AugmentationChain Parse(string spec)
    {
        if (spec.Trim() == None) return new([]);
        var steps = new List<(string, double)>();
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':', 2);
            bool ok = pieces.Length == 2 && double.TryParse(pieces[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount)
                && pieces[0] switch { "noise" => amount is > 0 and <= 5, "missing" => amount is > 0 and < 1, _ => false };
            if (!ok)
                throw new InputException($"--augment '{spec}': '{part}' is not an augmentation.",
                    "Write noise:SD (0 < SD <= 5, standardised units) and/or missing:P (0 < P < 1), comma-separated, or none.");
            steps.Add((pieces[0], double.Parse(pieces[1], CultureInfo.InvariantCulture)));
        }
        return new(steps);
    }

    /// <summary>The transforms, for a model whose imputed missing values standardise to <paramref name="imputedValue"/> (one per feature).</summary>
    public IReadOnlyList<IBatchTransform> Build(Tensor imputedValue) =>
        Steps.Select(s => s.Kind == "noise" ? (IBatchTransform)new GaussianNoise(s.Amount) : new FeatureDropout(s.Amount, imputedValue)).ToList();
}
