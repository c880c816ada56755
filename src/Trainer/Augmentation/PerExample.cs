using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// One random draw per example of a batch, on the batch's device from torch's generator (seeded
/// with the run), and the shape that broadcasts such draws over each example's values.
/// </summary>
internal static class PerExample
{
    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>), one per example, in the batch's dtype.</summary>
    public static Tensor Uniform(Tensor batch, double low, double high) =>
        rand(batch.shape[0], dtype: batch.dtype, device: batch.device) * (high - low) + low;

    /// <summary>Whole numbers uniform in [<paramref name="low"/>, <paramref name="high"/>] (both included), one per example.</summary>
    public static Tensor Integers(Tensor batch, long low, long high) =>
        randint(low, high + 1, [batch.shape[0]], dtype: ScalarType.Int64, device: batch.device);

    /// <summary><paramref name="values"/> (one per example) as [N, 1, ...], to act on every value of its example.</summary>
    public static Tensor Broadcast(Tensor values, Tensor batch) =>
        values.view([batch.shape[0], .. Enumerable.Repeat(1L, (int)batch.dim() - 1)]);
}
