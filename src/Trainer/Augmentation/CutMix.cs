using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// The region CutMix pastes, half-open: rows [Top, Bottom) and columns [Left, Right) of an image
/// Height x Width; for a signal (Height 1) the samples [Left, Right) of every channel.
/// </summary>
public readonly record struct CutBox(long Top, long Bottom, long Left, long Right, long Height, long Width)
{
    /// <summary>The weight of each example's own label: the share of the example left uncovered, 1 - box area / (H W).</summary>
    public double OwnWeight => 1 - (double)(Bottom - Top) * (Right - Left) / (Height * Width);
}

/// <summary>
/// CutMix (Yun et al. 2019) as timm does it per batch: lambda ~ Beta(alpha, alpha), a box of sides
/// H sqrt(1 - lambda) by W sqrt(1 - lambda) (area (1 - lambda) H W) at a uniform centre, clipped to the
/// image, and each example's box replaced by the same box of its partner in the reversed batch (row i
/// takes from row B-1-i, as mixup pairs them). The label weight is recomputed from the clipped box
/// (timm's correct_lam): own label 1 - area / (H W), partner's the rest, on label-smoothed targets as
/// mixup mixes them. Signals [N, C, L] get the 1-D analogue: a time segment of (1 - lambda) L samples,
/// cut from every channel.
/// </summary>
public sealed class CutMix(double alpha, int classes, double smoothing, Random random)
{
    /// <summary>A box for a batch of <paramref name="shape"/> ([N, C, L] or [N, C, H, W]), drawn from the seeded generator.</summary>
    public CutBox Draw(long[] shape)
    {
        double cut = 1 - BetaSampler.Draw(alpha, random);
        if (shape.Length == 3)
        {
            long length = shape[2];
            var (left, right) = Segment(length, (long)(length * cut), random.NextInt64(length));
            return new CutBox(0, 1, left, right, 1, length);
        }
        long height = shape[2], width = shape[3];
        var (top, bottom) = Segment(height, (long)(height * Math.Sqrt(cut)), random.NextInt64(height));
        var (start, end) = Segment(width, (long)(width * Math.Sqrt(cut)), random.NextInt64(width));
        return new CutBox(top, bottom, start, end, height, width);
    }

    /// <summary>The batch with <paramref name="box"/> pasted from each example's partner, and the soft targets weighted by the box's actual area.</summary>
    public (Tensor Inputs, Tensor Targets) Mix(Tensor inputs, Tensor labels, CutBox box)
    {
        var partners = Mixup.Partners(inputs);
        var inBox = Span(box.Left, box.Right, box.Width, inputs.device);
        if (inputs.dim() == 4) inBox = Span(box.Top, box.Bottom, box.Height, inputs.device).unsqueeze(1) & inBox.unsqueeze(0);
        var mixed = where(inBox, inputs.index_select(0, partners), inputs);
        return (mixed, Mixup.MixTargets(Mixup.SmoothedOneHot(labels, classes, smoothing), partners, box.OwnWeight));
    }

    /// <summary>timm's rand_bbox along one side: cut / 2 (rounded down) either side of <paramref name="centre"/>, clipped to [0, size].</summary>
    internal static (long Start, long End) Segment(long size, long cut, long centre) =>
        (Math.Clamp(centre - cut / 2, 0, size), Math.Clamp(centre + cut / 2, 0, size));

    private static Tensor Span(long start, long end, long size, Device device)
    {
        var position = arange(size, device: device);
        return (position >= start) & (position < end);
    }
}

/// <summary>
/// The per-batch soft-target mixing a training loop asks for in one call: mixup, CutMix, or, when
/// both are on, one of them chosen per batch with probability 0.5 (timm's switch_prob default). All
/// draws come from one <see cref="Random"/> seeded with the run, so with mixup alone the lambdas are
/// those the tabular trainer always drew.
/// </summary>
public sealed class BatchMixing
{
    private readonly Mixup? mixup;
    private readonly CutMix? cutMix;
    private readonly Random random;

    private BatchMixing(Mixup? mixup, CutMix? cutMix, Random random) => (this.mixup, this.cutMix, this.random) = (mixup, cutMix, random);

    /// <summary>
    /// The mixing <paramref name="targets"/> asks for, for inputs of <paramref name="kind"/> and
    /// <paramref name="classes"/> classes; null when mixup and CutMix are both off. CutMix needs a
    /// region to cut, so tabular inputs refuse it.
    /// </summary>
    public static BatchMixing? From(TargetOptions targets, Harness.Core.Inputs.InputKind kind, int classes, int seed, string setting = "targets.cutmix")
    {
        if (targets.CutMix > 0 && kind == Harness.Core.Inputs.InputKind.Tabular)
            throw new Harness.Core.InputException($"{setting} applies to signal and image inputs: a row of tabular features has no region to cut.",
                $"Set {setting} to 0 (use targets.mixup for tabular models).");
        if (targets.Mixup <= 0 && targets.CutMix <= 0) return null;
        var random = new Random(seed ^ 0x5EED);
        return new BatchMixing(
            targets.Mixup > 0 ? new Mixup(targets.Mixup, classes, targets.LabelSmoothing, random) : null,
            targets.CutMix > 0 ? new CutMix(targets.CutMix, classes, targets.LabelSmoothing, random) : null,
            random);
    }

    /// <summary>One batch's mixed inputs and soft targets, for <see cref="Mixup.SoftTargetLoss"/>.</summary>
    public (Tensor Inputs, Tensor Targets) Mix(Tensor inputs, Tensor labels)
    {
        bool useCutMix = cutMix is not null && (mixup is null || random.NextDouble() < 0.5);
        return useCutMix ? cutMix!.Mix(inputs, labels, cutMix.Draw(inputs.shape)) : mixup!.Mix(inputs, labels, mixup.Draw());
    }
}
