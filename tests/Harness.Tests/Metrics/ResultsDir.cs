using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// Writes a validation results folder by hand (predictions.csv + results.json in the documented
/// formats) with every number computed by the product's <see cref="ClassificationMetrics"/>, so
/// that recompute_metrics.py can be tested without running a model.
/// </summary>
internal static class ResultsDir
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void Write(string dir, ScoredExamples development, IReadOnlyList<(string Name, ScoredExamples Scored)> sites)
    {
        Directory.CreateDirectory(dir);
        var classes = development.ClassNames;
        string? positive = development.PositiveClass is int p ? classes[p] : null;

        var csv = new StringBuilder();
        csv.Append("site,id,label");
        foreach (var c in classes) csv.Append(",p_").Append(Csv(c));
        csv.Append('\n');
        foreach (var (name, s) in sites)
        {
            for (int i = 0; i < s.Count; i++)
            {
                // Every 7th id holds a comma and a quote, to exercise CSV quoting.
                string id = i % 7 == 3 ? $"{name}-\"{i}\",x" : $"{name}-{i}";
                csv.Append(Csv(name)).Append(',').Append(Csv(id)).Append(',').Append(Csv(classes[s.Labels[i]]));
                for (int c = 0; c < s.ClassCount; c++) csv.Append(',').Append(Float(s.Probabilities[i * s.ClassCount + c]));
                csv.Append('\n');
            }
        }
        File.WriteAllText(Path.Combine(dir, "predictions.csv"), csv.ToString());

        var options = new IntervalOptions { Resamples = 0 };
        var devEstimate = MetricEstimator.Estimate(development, null, options, "development");
        var devMetrics = devEstimate.Metrics;
        var siteNodes = new JsonArray();
        foreach (var (name, s) in sites)
        {
            var estimate = MetricEstimator.Estimate(s, null, options, name);
            var metrics = estimate.Metrics;
            var counts = s.ClassCounts();
            var bins = positive is null
                ? ClassificationMetrics.TopLabelReliability(s)
                : ClassificationMetrics.ClassReliability(s, s.PositiveClass!.Value);
            siteNodes.Add(new JsonObject
            {
                ["name"] = name,
                ["manifest_path"] = $"sites/{name}/manifest.csv",
                ["manifest_sha256"] = new string('0', 64),
                ["n"] = s.Count,
                ["class_counts"] = CountsNode(classes, counts),
                ["prevalence"] = s.PositiveClass is int pos ? (double)counts[pos] / s.Count : null,
                ["held_out"] = true,
                ["metrics"] = JsonSerializer.SerializeToNode(metrics, Json),
                ["gap"] = JsonSerializer.SerializeToNode(MetricEstimator.Gap(estimate, devEstimate, options), Json),
                ["calibration"] = new JsonObject
                {
                    ["kind"] = positive is null ? "top_label" : "positive_class",
                    ["class"] = positive,
                    ["bins"] = JsonSerializer.SerializeToNode(bins, Json),
                },
            });
        }

        var results = new JsonObject
        {
            ["model"] = new JsonObject
            {
                ["path"] = "model.onnx",
                ["sha256"] = new string('0', 64),
                ["harness_version"] = "0.1.0",
                ["created_utc"] = "2025-01-01T00:00:00+00:00",
                ["feature_names"] = new JsonArray("age", "chol"),
                ["class_names"] = new JsonArray(classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                ["positive_class"] = positive,
                ["training_sites"] = new JsonArray(new JsonObject { ["name"] = "cleveland", ["rows"] = development.Count, ["manifest_sha256"] = new string('0', 64) }),
                ["training_config"] = new JsonObject(),
            },
            ["execution"] = new JsonObject
            {
                ["requested"] = "auto",
                ["provider"] = "CPUExecutionProvider",
                ["reason"] = "written by a test",
                ["harness_version"] = "0.1.0",
                ["started_utc"] = "2025-01-01T00:00:00+00:00",
            },
            ["development"] = new JsonObject
            {
                ["split"] = "test",
                ["n"] = development.Count,
                ["class_counts"] = CountsNode(classes, development.ClassCounts()),
                ["metrics"] = JsonSerializer.SerializeToNode(devMetrics, Json),
            },
            ["sites"] = siteNodes,
        };
        File.WriteAllText(Path.Combine(dir, "results.json"), results.ToJsonString(Json));
    }

    /// <summary>Reads results.json, lets <paramref name="edit"/> change it and writes it back.</summary>
    public static void EditResults(string dir, Action<JsonObject> edit)
    {
        string path = Path.Combine(dir, "results.json");
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString(Json));
    }

    /// <summary>float32 written as the double with the shortest round-trip text (the predictions.csv rule).</summary>
    public static string Float(float f) => ((double)f).ToString("R", CultureInfo.InvariantCulture);

    private static JsonObject CountsNode(IReadOnlyList<string> classes, int[] counts)
    {
        var node = new JsonObject();
        for (int c = 0; c < classes.Count; c++) node[classes[c]] = counts[c];
        return node;
    }

    private static string Csv(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
