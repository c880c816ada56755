using System.Text.Json.Nodes;
using Harness.Reports.Rendering;

namespace Harness.Reports.Sections.Provenance;

/// <summary>
/// Which model was tested on which data, provably: every hash, the software on both sides, the
/// training sites and settings (every regulariser with its values), and where training and
/// inference ran and why. An auditor re-checks the hashes with <c>harness verify</c>.
/// </summary>
internal sealed class ProvenanceSection : IReportSection
{
    public string Id => "provenance";
    public string Title => "Provenance";

    public void Compose(Composer c, ReportContext context)
    {
        var results = context.Results;
        var model = results.Model;
        var execution = results.Execution;
        c.Section(Id, Title, minimumBelow: 120);

        c.SubHeading("Model", minimumBelow: 40);
        c.KeyValue("File", [new(model.Path, Face.Bold)]);
        c.KeyValue("SHA-256", [new(model.Sha256, Face.Mono)]);
        string classes = string.Join(", ", model.ClassNames) + (model.PositiveClass is { } p ? $" (positive class: {p})" : "");
        c.KeyValue("Classes", classes);
        if (model.Input is { } input) c.KeyValue("Input", Describe(input));
        else c.KeyValue("Input features", $"{model.FeatureNames.Count}: {string.Join(", ", model.FeatureNames)}");
        c.KeyValue("Trained", $"{ReportFormat.Utc(model.CreatedUtc)} with Harness {model.HarnessVersion} (model card format {model.CardFormat})");
        if (context.Threshold is { } threshold) c.KeyValue("Operating threshold", threshold);

        c.SubHeading("Training data", minimumBelow: 40);
        if (model.TrainingSites.Count == 0) c.Absent("The model card names no training sites.");
        foreach (var site in model.TrainingSites)
        {
            var spans = new List<Span> { new($"{ReportFormat.Count(site.Rows)} rows; manifest SHA-256 "), new(site.ManifestSha256, Face.Mono) };
            if (site.FirstDate is { } first && site.LastDate is { } last) spans.Add(new($"\ndates {first:yyyy-MM-dd} to {last:yyyy-MM-dd}"));
            c.KeyValue(site.Name, spans);
        }

        c.SubHeading("Validation data", minimumBelow: 40);
        if (results.Sites.Count == 0) c.Absent("No sites were validated.");
        foreach (var site in results.Sites)
            c.KeyValue(site.Name, [new($"{site.ManifestPath}\nSHA-256 "), new(site.ManifestSha256, Face.Mono)]);
        if (results.Criteria is { } criteria)
            c.KeyValue("Acceptance criteria", [new($"{criteria.File}\nSHA-256 "), new(criteria.Sha256, Face.Mono)]);

        c.SubHeading("Training settings", minimumBelow: 40);
        c.Paragraph("As recorded in the model card (training_config); every regulariser that shapes generalisation is here with its values. " +
            "A setting not listed was not available to the Harness version that trained the model.", Palette.SmallSize, Palette.Muted, gap: 3);
        var settings = Flatten(model.TrainingConfig).ToList();
        int half = (settings.Count + 1) / 2;
        float key = 132, value = c.Width / 2 - key;
        var rows = Enumerable.Range(0, half).Select(i => TableRow.Of(
        [
            new(settings[i].Key, Face.Bold, Palette.Muted), new(settings[i].Value, Face.Mono),
            new(i + half < settings.Count ? settings[i + half].Key : "", Face.Bold, Palette.Muted),
            new(i + half < settings.Count ? settings[i + half].Value : "", Face.Mono),
        ])).ToList();
        c.Table([new("Setting", key), new("Value", value), new("Setting", key), new("Value", value)], rows, "Training settings");
        if (model.Calibration is { } calibration)
            c.KeyValue("Recalibration", calibration.Applied
                ? $"{calibration.Method}, T = {calibration.Temperature:0.0000} fitted on {calibration.FittedOn}"
                : $"{calibration.Method}: the probabilities are the network's own");

        c.SubHeading("Devices and software", minimumBelow: 40);
        if (model.TrainingDevice is { } device)
            c.KeyValue("Training device", [new(device.Used, Face.Bold), new($" (requested: {device.Requested})\n{device.Reason}")]);
        else
            c.KeyValue("Training device", model.TrainingConfig["device"]?.ToString() is { } requested
                ? $"requested: {requested} (the model card, written before Harness recorded it, does not say which device ran it)"
                : "not recorded in the model card");
        c.KeyValue("Validation device", [
            new(execution.Provider, Face.Bold), new($" (requested: {execution.Requested})\n"), new(execution.Reason),
        ], execution.Provider.StartsWith("CPU", StringComparison.Ordinal) ? Palette.WarnFill : Palette.CalloutFill);
        c.KeyValue("Harness", $"validated with {execution.HarnessVersion}; trained with {model.HarnessVersion}");
        if (execution.Software is { Count: > 0 } software)
            foreach (var (name, version) in software) c.KeyValue(SoftwareName(name), version);
        else
            c.KeyValue("Other software", "not recorded by the Harness version that validated");
        c.KeyValue("Intervals", $"{context.Level}; {(results.Intervals.Resamples > 0 ? $"{ReportFormat.Count(results.Intervals.Resamples)} bootstrap resamples, seed {results.Intervals.Seed}" : "bootstrap off")}");
    }

    private static string SoftwareName(string key) => key switch
    {
        "onnx_runtime" => "ONNX Runtime",
        "dotnet" => ".NET",
        "os" => "Operating system",
        _ => key,
    };

    /// <summary>The settings as dotted keys ("optimiser.weight_decay") with their JSON values, in the card's order.</summary>
    internal static IEnumerable<(string Key, string Value)> Flatten(JsonNode? node, string prefix = "")
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj)
                foreach (var pair in Flatten(child, prefix.Length == 0 ? key : $"{prefix}.{key}")) yield return pair;
        }
        else
            yield return (prefix, node is null ? "null" : node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString());
    }

    /// <summary>A signal or image input in words: kind, channels, size, rate, and that normalisation happens inside the model.</summary>
    internal static string Describe(Harness.Core.Inputs.InputSpec input) => input.Kind switch
    {
        Harness.Core.Inputs.InputKind.Signal =>
            $"signal files (CSV): {input.Channels.Count} channel{(input.Channels.Count == 1 ? "" : "s")} ({string.Join(", ", input.Channels)}) x {input.Length} samples"
            + (input.SamplingRateHz is { } hz ? $" at {hz.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} Hz" : "")
            + "; each channel normalised inside the model with its training mean and SD",
        _ => $"image files (PNG): {input.Height} x {input.Width} pixels, {(input.Channels.Count == 1 ? "grey" : "RGB")}, values scaled to [0, 1]; each channel normalised inside the model with its training mean and SD",
    };
}
