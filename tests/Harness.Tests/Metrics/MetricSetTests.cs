using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

public class MetricSetTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static MetricSet Set(params (string Name, double? Value)[] metrics)
    {
        var set = new MetricSet();
        foreach (var (name, value) in metrics) set.Add(name, new MetricValue(value));
        return set;
    }

    [Fact]
    public void Adding_a_metric_twice_is_refused()
    {
        // Given a set with accuracy / When accuracy is added again / Then it is refused, not overwritten
        var set = Set(("accuracy", 0.5));
        Assert.Throws<ArgumentException>(() => set.Add("accuracy", new MetricValue(0.25)));
        Assert.Equal(0.5, set["accuracy"].Value);
    }

    [Fact]
    public void Indexing_an_unknown_metric_throws_and_TryGet_says_no()
    {
        // Given a set with accuracy only / When AUROC is asked for / Then a clear miss, no default
        var set = Set(("accuracy", 0.5));
        Assert.Throws<KeyNotFoundException>(() => set["auroc"]);
        Assert.False(set.TryGet("auroc", out _));
        Assert.True(set.TryGet("accuracy", out var accuracy));
        Assert.Equal(0.5, accuracy.Value);
    }

    [Fact]
    public void Serializes_as_an_object_of_value_objects_in_order()
    {
        // Given accuracy 0.8, an undefined AUROC with a note, brier 0.125
        var set = Set(("accuracy", 0.8));
        set.Add("auroc", new MetricValue(null) { Note = "undefined: every example has the same class" });
        set.Add("brier", new MetricValue(0.125));

        // When serialised with the results.json options
        string json = JsonSerializer.Serialize(set, Json);

        // Then the text is exactly this: "value" always present (null when undefined), "note" only when set
        Assert.Equal(
            """{"accuracy":{"value":0.8},"auroc":{"value":null,"note":"undefined: every example has the same class"},"brier":{"value":0.125}}""",
            json);
    }

    [Fact]
    public void Serialized_computed_metrics_have_the_results_json_shape()
    {
        // Given a computed set for a site with one class
        var set = ClassificationMetrics.Compute(RandomScored.Make(2, 20, 3, onlyClass: 1));

        // When
        var node = JsonNode.Parse(JsonSerializer.Serialize(set, Json))!.AsObject();

        // Then the keys are the snake_case metric names, each an object with "value"
        Assert.Equal(MetricCatalog.For(binary: true).Select(m => m.Key).ToArray(), node.Select(p => p.Key).ToArray());
        foreach (var (name, value) in node)
            Assert.True(value!.AsObject().ContainsKey("value"), name);
        Assert.Null(node["auroc"]!["value"]);
        Assert.NotNull(node["auroc"]!["note"]);
        Assert.Equal(set["brier"].Value!.Value, node["brier"]!["value"]!.GetValue<double>());
    }

    [Fact]
    public void Json_round_trip_keeps_names_order_values_and_notes()
    {
        // Given a computed set (doubles with full precision) plus a null with a note
        var original = ClassificationMetrics.Compute(RandomScored.Make(3, 150, 4));
        original.Add("extra", new MetricValue(null) { Note = "why" });

        // When serialised and read back
        var back = JsonSerializer.Deserialize<MetricSet>(JsonSerializer.Serialize(original, Json), Json)!;

        // Then everything survives exactly (System.Text.Json writes doubles round-trippably)
        Assert.Equal(original.Names.ToArray(), back.Names.ToArray());
        foreach (var name in original.Names)
        {
            Assert.Equal(original[name].Value, back[name].Value);
            Assert.Equal(original[name].Note, back[name].Note);
        }
        Assert.Null(back["extra"].Value);
    }

    [Fact]
    public void Metric_set_nested_in_a_record_serializes_through_the_converter()
    {
        // Given a set inside another object (as in results.json)
        var holder = new { Metrics = Set(("log_loss", 0.5)) };

        // When / Then
        Assert.Equal("""{"metrics":{"log_loss":{"value":0.5}}}""", JsonSerializer.Serialize(holder, Json));
    }
}
