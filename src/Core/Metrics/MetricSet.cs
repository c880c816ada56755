using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Core.Metrics;

/// <summary>
/// One metric's estimate. Serialised as <c>{"value": x}</c>; confidence intervals will join it
/// here. A null value means the metric is undefined for these examples (see <see cref="Note"/>).
/// </summary>
public sealed record MetricValue(double? Value)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

/// <summary>Named metric values in a fixed, readable order; serialised as a JSON object.</summary>
[JsonConverter(typeof(MetricSetJsonConverter))]
public sealed class MetricSet : IEnumerable<KeyValuePair<string, MetricValue>>
{
    private readonly List<KeyValuePair<string, MetricValue>> _metrics = [];

    public IEnumerable<string> Names => _metrics.Select(m => m.Key);

    public MetricValue this[string name] =>
        TryGet(name, out var value) ? value : throw new KeyNotFoundException($"No metric '{name}'.");

    public bool TryGet(string name, out MetricValue value)
    {
        foreach (var m in _metrics)
            if (m.Key == name) { value = m.Value; return true; }
        value = null!;
        return false;
    }

    public void Add(string name, MetricValue value)
    {
        if (TryGet(name, out _)) throw new ArgumentException($"Metric '{name}' is already set.", nameof(name));
        _metrics.Add(new(name, value));
    }

    /// <summary>This set minus <paramref name="reference"/>, metric by metric: the generalisation gap.</summary>
    public MetricSet Minus(MetricSet reference)
    {
        var gap = new MetricSet();
        foreach (var (name, value) in _metrics)
        {
            double? other = reference.TryGet(name, out var r) ? r.Value : null;
            gap.Add(name, new MetricValue(value.Value - other));
        }
        return gap;
    }

    public IEnumerator<KeyValuePair<string, MetricValue>> GetEnumerator() => _metrics.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

internal sealed class MetricSetJsonConverter : JsonConverter<MetricSet>
{
    public override MetricSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var set = new MetricSet();
        var raw = JsonSerializer.Deserialize<Dictionary<string, MetricValue>>(ref reader, options)
            ?? throw new JsonException("Expected an object of metrics.");
        foreach (var (name, value) in raw) set.Add(name, value);
        return set;
    }

    public override void Write(Utf8JsonWriter writer, MetricSet value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, metric) in value)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, metric, options);
        }
        writer.WriteEndObject();
    }
}
