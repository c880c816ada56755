namespace Harness.Core.Inputs;

/// <summary>
/// Decodes signal CSV files for a spec: the header must name exactly the spec's channels, in any
/// order (each column goes to its channel by name), and the file must hold exactly the spec's length.
/// </summary>
internal sealed class SignalDecoder : IInputDecoder
{
    private readonly Dictionary<string, int> _channelIndex;

    public SignalDecoder(InputSpec spec)
    {
        if (spec.Kind != InputKind.Signal || spec.Channels.Count == 0 || spec.Length is not > 0)
            throw new ArgumentException("A signal spec needs channels and a positive length.", nameof(spec));
        _channelIndex = spec.Channels.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        if (_channelIndex.Count != spec.Channels.Count) throw new ArgumentException("The spec names a channel twice.", nameof(spec));
        Spec = spec;
        Size = spec.Size;
    }

    public InputSpec Spec { get; }

    public int Size { get; }

    public void Decode(string file, Span<float> destination)
    {
        if (destination.Length != Size) throw new ArgumentException($"{Size} floats expected.", nameof(destination));
        string shown = PathDisplay.Of(file);
        using var bytes = ExampleBytes.Read(file, shown);
        var layout = SignalCsv.Layout(bytes.Span, shown);
        var channelOf = ChannelsOf(layout.Channels, shown);
        if (layout.Length != Spec.Length)
            throw new InputException($"has {layout.Length} samples per channel; the model reads {Spec.Length}.",
                $"Give every signal {Spec.Length} samples per channel ({Duration()}), cut or resampled as the training signals were.", shown);
        SignalCsv.ReadSamples(bytes.Span, layout, channelOf, destination, shown);
    }

    /// <summary>For each header column, the spec's channel it holds; any channel missing or extra is an error naming them all.</summary>
    private int[] ChannelsOf(string[] header, string shown)
    {
        var channelOf = new int[header.Length];
        var extra = new List<string>();
        for (int c = 0; c < header.Length; c++)
            if (!_channelIndex.TryGetValue(header[c], out channelOf[c])) extra.Add(header[c]);
        var missing = Spec.Channels.Where(name => !header.Contains(name, StringComparer.Ordinal)).ToList();
        if (missing.Count == 0 && extra.Count == 0) return channelOf;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing {Quote(missing)}");
        if (extra.Count > 0) parts.Add($"extra {Quote(extra)}");
        throw new InputException($"the channels do not match the model's: {string.Join("; ", parts)}.",
            $"Give every signal file the header {string.Join(",", Spec.Channels)} (in any order), as the training signals had.", shown, 1);
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private string Duration() => Spec.SamplingRateHz is > 0 and var rate
        ? $"{Spec.Length / rate:0.###} s at {rate:0.###} Hz"
        : "the length the model was trained on";
}
