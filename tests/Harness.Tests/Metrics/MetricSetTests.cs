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
    public void Minus_subtracts_the_reference_metric_by_metric()
    {
        // Given a site at accuracy 0.75, brier 0.25 and a development reference at 0.875, 0.125
        var site = Set(("accuracy", 0.75), ("brier", 0.25));
        var development = Set(("accuracy", 0.875), ("brier", 0.125));

        // When
        var gap = site.Minus(development);

        // Then gap = site - development: 0.75 - 0.875 = -0.125, 0.25 - 0.125 = 0.125 (exact in binary)
        Assert.Equal(-0.125, gap["accuracy"].Value!.Value, 1e-15);
        Assert.Equal(0.125, gap["brier"].Value!.Value, 1e-15);
    }

    [Fact]
    public void Minus_is_null_where_either_side_is_null_or_missing()
    {
        // Given AUROC undefined at the site, ECE undefined in the reference, log loss absent from the reference
        var site = Set(("accuracy", 0.5), ("auroc", null), ("ece", 0.25), ("log_loss", 0.5));
        var development = Set(("accuracy", 0.5), ("auroc", 0.75), ("ece", null));

        // When
        var gap = site.Minus(development);

        // Then those gaps are null (not 0, not the site value) and the defined one is 0
        Assert.Null(gap["auroc"].Value);
        Assert.Null(gap["ece"].Value);
        Assert.Null(gap["log_loss"].Value);
        Assert.Equal(0.0, gap["accuracy"].Value!.Value, 1e-15);
    }

    [Fact]
    public void Minus_keeps_this_sets_order_and_names()
    {
        // Given a site in one order and a reference in another, with a metric only the reference has
        var site = Set(("ece", 0.5), ("accuracy", 0.5), ("brier", 0.5));
        var development = Set(("brier", 0.25), ("auroc", 0.5), ("accuracy", 0.25), ("ece", 0.125));

        // When
        var gap = site.Minus(development);

        // Then the gap lists the site's metrics in the site's order, matched by name, not by position
        Assert.Equal(new[] { "ece", "accuracy", "brier" }, gap.Names.ToArray());
        Assert.Equal(0.375, gap["ece"].Value!.Value, 1e-15);
        Assert.Equal(0.25, gap["accuracy"].Value!.Value, 1e-15);
        Assert.Equal(0.25, gap["brier"].Value!.Value, 1e-15);
    }

    [Fact]
    public void Minus_of_computed_sets_equals_the_difference_of_the_metrics()
    {
        // Given two computed metric sets on random data
        var site = ClassificationMetrics.Compute(RandomScored.Make(2, 200, 1));
        var development = ClassificationMetrics.Compute(RandomScored.Make(2, 300, 2));

        // When
        var gap = site.Minus(development);

        // Then each gap is site - development
        foreach (var name in site.Names)
            Assert.Equal(site[name].Value!.Value - development[name].Value!.Value, gap[name].Value!.Value, 1e-15);
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
        Assert.Equal(new[] { "accuracy", "auroc", "brier", "log_loss", "ece" }, node.Select(p => p.Key).ToArray());
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
