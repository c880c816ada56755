using System.Text.Json.Serialization;

namespace Harness.Core.Inputs;

/// <summary>What one example is: a row of manifest features, a multi-channel signal file, or an image file.</summary>
public enum InputKind
{
    /// <summary>Numeric manifest columns: the model reads float32 [batch, features].</summary>
    Tabular,

    /// <summary>A CSV file per example, one column per channel (lead): float32 [batch, channels, length].</summary>
    Signal,

    /// <summary>A PNG file per example (8- or 16-bit grey or RGB), scaled to [0, 1]: float32 [batch, channels, height, width].</summary>
    Image,
}

/// <summary>
/// The model card's description of the model's input for signal and image models (tabular models
/// are described by their feature names and have none): its kind, channels and size, and the
/// per-channel normalisation the graph applies to the decoded values, (x - mean) / std, fitted on the
/// training examples. Trainer and validator decode files with the same decoder for this spec
/// (<c>InputDecoders</c>), so both see the same numbers.
/// </summary>
public sealed record InputSpec
{
    public required InputKind Kind { get; init; }

    /// <summary>Signals: the lead names, the header every signal file must have. Images: "grey" or "red", "green", "blue".</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Signals: samples per channel, which every file must have.</summary>
    public int? Length { get; init; }

    /// <summary>Signals: samples per second, as declared at training (files carry no rate).</summary>
    public double? SamplingRateHz { get; init; }

    /// <summary>Images: pixels.</summary>
    public int? Height { get; init; }
    public int? Width { get; init; }

    /// <summary>Per channel, the mean of the decoded training values (subtracted inside the graph).</summary>
    public IReadOnlyList<double>? ChannelMean { get; init; }

    /// <summary>Per channel, the SD of the decoded training values (divided by inside the graph; 1 where it was 0).</summary>
    public IReadOnlyList<double>? ChannelStd { get; init; }

    /// <summary>The shape of one example: [channels, length] or [channels, height, width].</summary>
    [JsonIgnore]
    public int[] Shape => Kind switch
    {
        InputKind.Signal => [Channels.Count, Length ?? throw new InvalidOperationException("A signal spec needs a length.")],
        InputKind.Image => [Channels.Count, Height ?? throw new InvalidOperationException("An image spec needs a height."),
            Width ?? throw new InvalidOperationException("An image spec needs a width.")],
        _ => throw new InvalidOperationException("A tabular input is described by its feature names."),
    };

    /// <summary>Whether the spec has everything its kind needs: sizes, and one normalisation mean and positive SD per channel.</summary>
    [JsonIgnore]
    public bool IsComplete => Channels.Count > 0 && Kind switch
        {
            InputKind.Signal => Length > 0,
            InputKind.Image => Height > 0 && Width > 0,
            _ => false,
        }
        && ChannelMean?.Count == Channels.Count && ChannelStd?.Count == Channels.Count
        && ChannelMean.All(double.IsFinite) && ChannelStd.All(s => s > 0 && double.IsFinite(s));

    /// <summary>Floats per example: the product of <see cref="Shape"/>.</summary>
    [JsonIgnore]
    public int Size => Shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Equal specs describe the same input and normalisation: lists compare by content, not by reference.</summary>
    public bool Equals(InputSpec? other) =>
        other is not null && Kind == other.Kind && Channels.SequenceEqual(other.Channels, StringComparer.Ordinal)
        && Length == other.Length && SamplingRateHz == other.SamplingRateHz && Height == other.Height && Width == other.Width
        && Same(ChannelMean, other.ChannelMean) && Same(ChannelStd, other.ChannelStd);

    public override int GetHashCode() => HashCode.Combine(Kind, Channels.Count, Length, SamplingRateHz, Height, Width);

    private static bool Same(IReadOnlyList<double>? a, IReadOnlyList<double>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    public const string Grey = "grey";
    public static readonly IReadOnlyList<string> Rgb = ["red", "green", "blue"];
}
