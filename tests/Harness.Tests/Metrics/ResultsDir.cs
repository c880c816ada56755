using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// Writes a validation results folder by hand (predictions.csv + results.json in the documented
/// formats) with every number computed by the product (<see cref="MetricEstimator"/> with
/// <see cref="Resamples"/> bootstrap resamples, <see cref="ClassificationMetrics"/> for the
/// calibration bins), so that recompute_metrics.py can be tested without running a model.
/// Binary models get an operating threshold (<see cref="DefaultThreshold"/> unless told
/// otherwise), so that the metrics at the threshold are written and checked too.
/// </summary>
internal static class ResultsDir
{
    /// <summary>results.json's own options (snake_case names and enums, e.g. "method": "bootstrap_percentile").</summary>
    public static readonly JsonSerializerOptions Json = Harness.Core.HarnessJson.Indented;

    /// <summary>Bootstrap resamples behind the percentile intervals: enough for intervals, few enough to be quick.</summary>
    public const int Resamples = 200;

    /// <summary>The operating threshold of binary models (2-decimal test scores hit it exactly: p >= t counts as positive).</summary>
    public const double DefaultThreshold = 0.5;

    /// <param name="threshold">The binary model's operating threshold; null writes a model without one.</param>
    public static void Write(string dir, ScoredExamples development, IReadOnlyList<(string Name, ScoredExamples Scored)> sites,
        double? threshold = DefaultThreshold)
    {
        Directory.CreateDirectory(dir);
        var classes = development.ClassNames;
        string? positive = development.PositiveClass is int p ? classes[p] : null;
        if (positive is null) threshold = null;

        var csv = new StringBuilder();
        csv.Append("site,id,manifest_line,label");
        foreach (var c in classes) csv.Append(",p_").Append(Csv(c));
        csv.Append('\n');
        foreach (var (name, s) in sites)
        {
            for (int i = 0; i < s.Count; i++)
            {
                // Every 7th id holds a comma and a quote, to exercise CSV quoting.
                string id = i % 7 == 3 ? $"{name}-\"{i}\",x" : $"{name}-{i}";
                csv.Append(Csv(Neutral(name))).Append(',').Append(Csv(Neutral(id))).Append(',').Append(i + 2).Append(',').Append(Csv(Neutral(classes[s.Labels[i]])));
                for (int c = 0; c < s.ClassCount; c++) csv.Append(',').Append(Float(s.Probabilities[i * s.ClassCount + c]));
                csv.Append('\n');
            }
        }
        File.WriteAllText(Path.Combine(dir, "predictions.csv"), csv.ToString());

        var options = new IntervalOptions { Resamples = Resamples };
        var devEstimate = MetricEstimator.Estimate(development, threshold, options, "development");
        var devMetrics = devEstimate.Metrics;
        var siteNodes = new JsonArray();
        foreach (var (name, s) in sites)
        {
            var estimate = MetricEstimator.Estimate(s, threshold, options, name);
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
                ["decision_curve"] = positive is null ? null : JsonSerializer.SerializeToNode(DecisionCurve.Of(s, options.Level), Json),
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
            ["format"] = "2",
            ["model"] = new JsonObject
            {
                ["path"] = "model.onnx",
                ["sha256"] = new string('0', 64),
                ["harness_version"] = "0.1.0",
                ["created_utc"] = "2025-01-01T00:00:00+00:00",
                ["feature_names"] = new JsonArray("age", "chol"),
                ["class_names"] = new JsonArray(classes.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                ["positive_class"] = positive,
                ["operating_point"] = threshold is { } t ? new JsonObject { ["threshold"] = t, ["rule"] = "fixed" } : null,
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
            ["intervals"] = JsonSerializer.SerializeToNode(options, Json),
            ["development"] = new JsonObject
            {
                ["split"] = "test",
                ["n"] = development.Count,
                ["class_counts"] = CountsNode(classes, development.ClassCounts()),
                ["metrics"] = JsonSerializer.SerializeToNode(devMetrics, Json),
                ["intervals"] = JsonSerializer.SerializeToNode(options, Json),
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

    /// <summary>Remembers results.json as it is now; the returned action writes it back (quicker than writing the folder again).</summary>
    public static Action Snapshot(string dir)
    {
        string path = Path.Combine(dir, "results.json"), text = File.ReadAllText(path);
        return () => File.WriteAllText(path, text);
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

    /// <summary>User text as predictions.csv writes it: a quote before a cell a spreadsheet would run as a formula (or that starts with a quote).</summary>
    private static string Neutral(string cell) => cell.Length > 0 && "=+-@\t\r\n'".Contains(cell[0]) ? "'" + cell : cell;
}
