using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>Each image mirrored left to right with probability <paramref name="Probability"/>.</summary>
public sealed record HorizontalFlip(double Probability) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, rand(batch.shape[0], device: batch.device) < Probability);

    /// <summary>The batch [N, C, H, W] with example n mirrored where <paramref name="flip"/>[n] is true.</summary>
    internal static Tensor Apply(Tensor batch, Tensor flip) => where(PerExample.Broadcast(flip, batch), batch.flip(3), batch);
}

/// <summary>
/// Each image rotated about its centre by an angle uniform in [-<paramref name="MaxDegrees"/>,
/// <paramref name="MaxDegrees"/>] degrees, positive counter-clockwise as shown (torchvision's sense),
/// bilinear, zero outside the source. Seeded and per example, unlike TorchVision .NET's RandomRotation.
/// </summary>
public sealed record RandomRotation(double MaxDegrees) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, PerExample.Uniform(batch, -MaxDegrees, MaxDegrees));

    /// <summary>
    /// The batch [N, C, H, W] with example n rotated by <paramref name="degrees"/>[n]. Each output pixel
    /// (x right, y down, from the centre, in pixels) reads the input at (x cos a - y sin a, x sin a + y cos a);
    /// affine_grid's coordinates run from -1 to 1 across each side (align_corners false: pixel edges),
    /// so the off-diagonal terms carry the aspect ratio H/W or W/H.
    /// </summary>
    internal static Tensor Apply(Tensor batch, Tensor degrees)
    {
        long n = batch.shape[0], height = batch.shape[2], width = batch.shape[3];
        var radians = degrees.to_type(batch.dtype) * (Math.PI / 180);
        Tensor cos = radians.cos(), sin = radians.sin(), zero = zeros_like(radians);
        var theta = stack([cos, -sin * ((double)height / width), zero, sin * ((double)width / height), cos, zero], 1).view(n, 2, 3);
        var grid = nn.functional.affine_grid(theta, [n, batch.shape[1], height, width], align_corners: false);
        return nn.functional.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }
}

/// <summary>
/// Brightness then contrast, as torchvision's ColorJitter defines them (in this fixed order; ColorJitter
/// shuffles the order): brightness b uniform in [1 - <paramref name="Brightness"/>, 1 + <paramref name="Brightness"/>],
/// x' = clamp(b x, 0, 1); contrast c uniform in [1 - <paramref name="Contrast"/>, 1 + <paramref name="Contrast"/>],
/// y = clamp(c x' + (1 - c) m, 0, 1), m the mean over the example of x' as grey (0.2989 R + 0.587 G + 0.114 B
/// for colour, torchvision's rgb_to_grayscale). Expects values in [0, 1], as images are decoded.
/// </summary>
public sealed record BrightnessContrast(double Brightness, double Contrast) : IBatchTransform
{
    public Tensor Apply(Tensor batch) =>
        Apply(batch, PerExample.Uniform(batch, 1 - Brightness, 1 + Brightness), PerExample.Uniform(batch, 1 - Contrast, 1 + Contrast));

    /// <summary>The batch [N, C, H, W] with example n given brightness <paramref name="brightness"/>[n] and contrast <paramref name="contrast"/>[n].</summary>
    internal static Tensor Apply(Tensor batch, Tensor brightness, Tensor contrast)
    {
        var bright = (batch * PerExample.Broadcast(brightness, batch)).clamp(0, 1);
        var grey = bright.shape[1] == 3 ? 0.2989 * bright[.., 0] + 0.587 * bright[.., 1] + 0.114 * bright[.., 2] : bright;
        var mean = PerExample.Broadcast(grey.flatten(1).mean([1]), batch);
        var c = PerExample.Broadcast(contrast, batch);
        return (bright * c + (1 - c) * mean).clamp(0, 1);
    }
}

/// <summary>
/// Random crop with zero padding (the CIFAR recipe; TorchVision .NET has no RandomCrop): each image
/// padded with <paramref name="Padding"/> zero pixels on every side and cut back to its size at a
/// top-left offset uniform in [0, 2 * Padding] in each direction (Padding, Padding: the image unmoved).
/// </summary>
public sealed record PaddedCrop(int Padding) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, PerExample.Integers(batch, 0, 2 * Padding), PerExample.Integers(batch, 0, 2 * Padding));

    /// <summary>The batch [N, C, H, W] with example n cut from its padded image at row <paramref name="top"/>[n], column <paramref name="left"/>[n].</summary>
    internal Tensor Apply(Tensor batch, Tensor top, Tensor left)
    {
        long n = batch.shape[0], channels = batch.shape[1], height = batch.shape[2], width = batch.shape[3];
        var padded = nn.functional.pad(batch, [Padding, Padding, Padding, Padding]);
        var rows = (top.unsqueeze(1) + arange(height, device: batch.device).unsqueeze(0)).view(n, 1, height, 1);
        var band = padded.gather(2, rows.expand(n, channels, height, width + 2 * Padding));
        var columns = (left.unsqueeze(1) + arange(width, device: batch.device).unsqueeze(0)).view(n, 1, 1, width);
        return band.gather(3, columns.expand(n, channels, height, width));
    }
}
