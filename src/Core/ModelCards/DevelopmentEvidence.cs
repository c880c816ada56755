using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Harness.Core.Metrics;

namespace Harness.Core.ModelCards;

/// <summary>
/// How the model scored on held-back data from its own training sites: the reference that each
/// external site's generalisation gap is measured against, with intervals computed by the same
/// code as validation (<see cref="Intervals"/> says how; absent in format-1 cards).
/// </summary>
/// <param name="Split">How the held-back rows were chosen, in words.</param>
public sealed record DevelopmentEvaluation(string Split, int N, IReadOnlyDictionary<string, int> ClassCounts, MetricSet Metrics)
{
    /// <summary>Names the development sample's bootstrap stream for trainer and validator alike: equal settings give equal intervals.</summary>
    public const string SampleKey = "development";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IntervalOptions? Intervals { get; init; }
}

/// <summary>
/// The development predictions themselves, so that the validator can bootstrap the development
/// side of every gap without the training data: per row the true class index, the probability of
/// every class (the exported model's float32 values) and a patient (cluster) index. Stored in the
/// card as little-endian binary in base64: class indices as bytes, probabilities as float32,
/// clusters as int32.
/// </summary>
[JsonConverter(typeof(DevelopmentPredictionsJsonConverter))]
public sealed record DevelopmentPredictions(int ClassCount, int[] Labels, float[] Probabilities, int[] Clusters)
{
    public int Count => Labels.Length;

    public ScoredExamples ToScored(IReadOnlyList<string> classNames, int? positiveClass) =>
        new(classNames, positiveClass, Labels, Probabilities) { Clusters = Clusters };
}

/// <summary>The binary model's operating threshold on the positive-class risk, and the rule that chose it.</summary>
/// <param name="Rule">"youden" (maximum sensitivity + specificity - 1 on the development predictions), "fixed", or "sensitivity:0.90" / "specificity:0.90".</param>
public sealed record OperatingPoint(double Threshold, string Rule);

internal sealed class DevelopmentPredictionsJsonConverter : JsonConverter<DevelopmentPredictions>
{
    private sealed record Encoded(int N, int Classes, string Labels, string Probabilities, string Clusters);

    public override DevelopmentPredictions Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var e = JsonSerializer.Deserialize<Encoded>(ref reader, options) ?? throw new JsonException("null development predictions");
        try
        {
            var labels = Convert.FromBase64String(e.Labels).Select(b => (int)b).ToArray();
            var probabilities = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(e.Probabilities)).ToArray();
            var clusters = MemoryMarshal.Cast<byte, int>(Convert.FromBase64String(e.Clusters)).ToArray();
            if (labels.Length != e.N || probabilities.Length != e.N * e.Classes || clusters.Length != e.N
                || labels.Any(l => l >= e.Classes) || clusters.Any(c => c < 0))
                throw new JsonException($"development predictions do not hold {e.N} rows of {e.Classes} classes");
            return new DevelopmentPredictions(e.Classes, labels, probabilities, clusters);
        }
        catch (FormatException x)
        {
            throw new JsonException($"development predictions are not valid base64 ({x.Message})");
        }
    }

    public override void Write(Utf8JsonWriter writer, DevelopmentPredictions value, JsonSerializerOptions options)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model cards are written on little-endian machines.");
        if (value.ClassCount > 256) throw new NotSupportedException("More than 256 classes cannot be stored as byte class indices.");
        var encoded = new Encoded(value.Count, value.ClassCount,
            Convert.ToBase64String(value.Labels.Select(l => (byte)l).ToArray()),
            Convert.ToBase64String(MemoryMarshal.AsBytes(value.Probabilities.AsSpan())),
            Convert.ToBase64String(MemoryMarshal.AsBytes(value.Clusters.AsSpan())));
        JsonSerializer.Serialize(writer, encoded, options);
    }
}
