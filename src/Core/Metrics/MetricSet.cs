using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Core.Metrics;

/// <summary>
/// One metric's estimate: <c>{"value": x, "ci": {...}, "note": "..."}</c>. A null value means the
/// metric is undefined for these examples, and <see cref="Note"/> says why; <see cref="Ci"/> is
/// absent only with a note saying why. Gaps also say whether they are <see cref="Distinguishable"/>
/// from zero and whether the site is <see cref="Worse"/> than development.
/// </summary>
public sealed record MetricValue(double? Value)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfidenceInterval? Ci { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }

    /// <summary>
    /// Metrics with an analytic interval: the standard error it was built from, on that interval's
    /// scale (the log scale for O/E). Recorded so results from separate runs can be pooled later.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StandardError { get; init; }

    /// <summary>Gaps: true when the interval excludes 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Distinguishable { get; init; }

    /// <summary>Gaps: true when the site is worse than development in the metric's direction (whether or not distinguishable).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Worse { get; init; }
}

/// <summary>A confidence interval: bounds, confidence level (0.95) and how it was computed.</summary>
public sealed record ConfidenceInterval(double Lower, double Upper, double Level, IntervalMethod Method)
{
    public bool Excludes(double value) => value < Lower || value > Upper;
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

    public double? ValueOf(string name) => TryGet(name, out var v) ? v.Value : null;

    public void Add(string name, MetricValue value)
    {
        if (TryGet(name, out _)) throw new ArgumentException($"Metric '{name}' is already set.", nameof(name));
        _metrics.Add(new(name, value));
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
