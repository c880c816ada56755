using Harness.Core.Inputs;

namespace Harness.Trainer.Data;

/// <summary>
/// The per-channel normalisation of a signal or image model, fitted on the rows it trains on: each
/// channel's mean and population SD over every sample (or pixel) of every fit example. A channel
/// that never varies gets SD 1, so the network reads it centred rather than divided by zero.
/// </summary>
public static class ChannelStatistics
{
    /// <param name="examples">Row-major, <paramref name="count"/> examples of <see cref="InputSpec.Size"/> floats, channel-major.</param>
    public static InputSpec Fit(InputSpec input, float[] examples, int count)
    {
        int channels = input.Channels.Count, size = input.Size, perChannel = size / channels;
        if (count < 1 || examples.Length != (long)count * size) throw new ArgumentException("examples must hold count examples of the spec's size.", nameof(examples));
        var mean = new double[channels];
        var sd = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int r = 0; r < count; r++)
                foreach (float v in examples.AsSpan(r * size + c * perChannel, perChannel)) sum += v;
            double m = sum / ((double)count * perChannel), squares = 0;
            for (int r = 0; r < count; r++)
                foreach (float v in examples.AsSpan(r * size + c * perChannel, perChannel)) squares += (v - m) * (v - m);
            double s = Math.Sqrt(squares / ((double)count * perChannel));
            mean[c] = m;
            sd[c] = s > 0 ? s : 1;
        }
        return input with { ChannelMean = mean, ChannelStd = sd };
    }
}
