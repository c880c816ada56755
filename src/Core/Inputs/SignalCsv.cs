using System.Globalization;
using System.Text;

namespace Harness.Core.Inputs;

/// <summary>
/// A signal file: CSV, a header of channel (lead) names, then one line per sample time with one
/// value per channel. Samples are held channel-major, [channels, length], as the model reads them.
/// </summary>
public static class SignalCsv
{
    /// <summary>Writes <paramref name="samples"/> ([channels, length], channel-major) with the shortest text that round-trips each float32.</summary>
    public static void Write(string path, IReadOnlyList<string> channels, ReadOnlySpan<float> samples)
    {
        int c = channels.Count;
        if (c == 0 || samples.Length % c != 0)
            throw new ArgumentException($"{samples.Length} samples do not split into {c} channels.", nameof(samples));
        int length = samples.Length / c;
        var text = new StringBuilder(samples.Length * 8);
        text.AppendJoin(',', channels).Append('\n');
        for (int t = 0; t < length; t++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                if (ch > 0) text.Append(',');
                text.Append(samples[ch * length + t].ToString("R", CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        file.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
