using Harness.Core.Inputs;

namespace Harness.Trainer.Data;

/// <summary>
/// The per-channel normalisation of a signal or image model, fitted on the rows it trains on: each
/// channel's mean and population SD over every sample (or pixel) of every fit example. One pass over
/// the files, <see cref="TrainingData.LoadChunk"/> at a time: sums of deviations from a shift (the
/// first chunk's channel means), so the variance S2/n − (S1/n)² does not cancel catastrophically. A
/// channel that never varies gets SD 1, so the network reads it centred rather than divided by zero.
/// </summary>
public static class ChannelStatistics
{
    public static InputSpec Fit(TrainingData data, int[] rows)
    {
        var input = data.Input ?? throw new ArgumentException("Tabular data has features, not channels.", nameof(data));
        int channels = input.Channels.Count, size = input.Size, perChannel = size / channels;
        if (rows.Length == 0) throw new ArgumentException("No rows to fit on.", nameof(rows));
        double[]? shift = null;
        var sum = new double[channels];
        var squares = new double[channels];
        for (int start = 0; start < rows.Length; start += TrainingData.LoadChunk)
        {
            int n = Math.Min(TrainingData.LoadChunk, rows.Length - start);
            var examples = data.ExampleRows(rows[start..(start + n)]);
            shift ??= Enumerable.Range(0, channels).Select(c => Mean(examples, n, size, c * perChannel, perChannel)).ToArray();
            for (int r = 0; r < n; r++)
                for (int c = 0; c < channels; c++)
                    foreach (float v in examples.AsSpan(r * size + c * perChannel, perChannel))
                    {
                        double d = v - shift[c];
                        sum[c] += d;
                        squares[c] += d * d;
                    }
        }
        double count = (double)rows.Length * perChannel;
        var mean = new double[channels];
        var sd = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sum[c] / count, s = Math.Sqrt(Math.Max(0, squares[c] / count - m * m));
            mean[c] = shift![c] + m;
            sd[c] = s > 0 ? s : 1;
        }
        return input with { ChannelMean = mean, ChannelStd = sd };
    }

    private static double Mean(float[] examples, int n, int size, int offset, int length)
    {
        double sum = 0;
        for (int r = 0; r < n; r++)
            foreach (float v in examples.AsSpan(r * size + offset, length)) sum += v;
        return sum / ((double)n * length);
    }
}
