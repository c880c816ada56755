namespace Harness.Core.Inputs;

/// <summary>
/// Two numbers per channel that describe a decoded signal or image example: the mean and the SD of its
/// values (population SD, over the channel's samples or pixels). For signal and image models these are
/// what the tabular machinery sees in place of features: the training distribution in the card, the
/// shift table (a site whose gain, brightness, contrast or noise differs shows it here), the training-row
/// fingerprint and the audit of missing values (never missing). Trainer and validator compute them
/// from the same decoded floats, so a training example gives the same numbers at validation.
/// </summary>
public static class InputSummary
{
    /// <summary>The descriptors' names, channel by channel: "II mean", "II SD", ...</summary>
    public static IReadOnlyList<string> Names(InputSpec spec) =>
        spec.Channels.SelectMany(c => new[] { $"{c} mean", $"{c} SD" }).ToArray();

    /// <summary>Writes the 2 x channels descriptors of one channel-major <paramref name="example"/> into <paramref name="into"/>.</summary>
    public static void Of(ReadOnlySpan<float> example, int channels, Span<float> into)
    {
        int n = example.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var values = example.Slice(c * n, n);
            double sum = 0;
            foreach (float v in values) sum += v;
            double mean = sum / n, squares = 0;
            foreach (float v in values) squares += (v - mean) * (v - mean);
            into[2 * c] = (float)mean;
            into[2 * c + 1] = (float)Math.Sqrt(squares / n);
        }
    }

    /// <summary>The descriptors of <paramref name="count"/> consecutive examples of <paramref name="size"/> floats each, row-major.</summary>
    public static void OfAll(ReadOnlySpan<float> examples, int count, int size, int channels, Span<float> into)
    {
        for (int r = 0; r < count; r++) Of(examples.Slice(r * size, size), channels, into.Slice(r * 2 * channels, 2 * channels));
    }
}
