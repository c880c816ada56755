using Harness.Core.Inputs;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// The first block of a signal or image model: each channel of the decoded values centred and
/// scaled, (x - mean) / std, with the per-channel statistics of the <see cref="InputSpec"/>. Part of
/// the network (buffers, exported into the graph) so that a deployed model reads decoded values as
/// they are and no consumer can forget or repeat the normalisation.
/// </summary>
public sealed class ChannelNormalisation : nn.Module<Tensor, Tensor>
{
    // Buffers (not parameters): saved and moved with the model, never trained. Shaped [C, 1] or
    // [C, 1, 1] so that they broadcast over [N, C, L] or [N, C, H, W].
    private readonly Tensor channel_mean;
    private readonly Tensor channel_std;

    /// <summary>The normalisation <paramref name="input"/> describes; its statistics must be fitted (one positive SD per channel).</summary>
    public ChannelNormalisation(InputSpec input) : base(nameof(ChannelNormalisation))
    {
        int channels = input.Channels.Count, spatial = input.Shape.Length - 1;
        var mean = input.ChannelMean ?? throw new ArgumentException("The input spec has no channel means; fit them before building the model.", nameof(input));
        var std = input.ChannelStd ?? throw new ArgumentException("The input spec has no channel SDs; fit them before building the model.", nameof(input));
        if (mean.Count != channels || std.Count != channels)
            throw new ArgumentException($"The input spec has {channels} channels but {mean.Count} means and {std.Count} SDs.", nameof(input));
        if (std.Any(s => !(s > 0) || double.IsInfinity(s)) || mean.Any(m => !double.IsFinite(m)))
            throw new ArgumentException("Channel means must be finite and channel SDs finite and positive.", nameof(input));
        long[] shape = [channels, .. Enumerable.Repeat(1L, spatial)];
        channel_mean = tensor(mean.Select(m => (float)m).ToArray(), shape);
        channel_std = tensor(std.Select(s => (float)s).ToArray(), shape);
        RegisterComponents();
    }

    /// <summary>The per-channel means, [C, 1] or [C, 1, 1].</summary>
    public Tensor Mean => channel_mean;

    /// <summary>The per-channel SDs, shaped as <see cref="Mean"/>.</summary>
    public Tensor Std => channel_std;

    public override Tensor forward(Tensor decoded) => (decoded - channel_mean) / channel_std;
}
