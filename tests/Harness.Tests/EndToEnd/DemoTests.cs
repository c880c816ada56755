using System.Text.Json.Nodes;
using Harness.Tests.Support;
using Harness.Results;
using UglyToad.PdfPig;

namespace Harness.Tests.EndToEnd;

/// <summary>`harness demo`, run once in-process into a temp folder: train -> ONNX -> validate -> PDF.</summary>
public sealed class DemoRunFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public DemoRunFixture()
    {
        Result = CliRunner.Run("demo", "--sites", RepoPaths.Sites("heart"), "--out", Out, "--device", "cpu");
    }

    public CliRunner.Result Result { get; }
    public string Out => _temp.Combine("demo");
    public string Path(params string[] parts) => System.IO.Path.Combine([Out, .. parts]);

    public void Dispose() => _temp.Dispose();
}

[Collection(NativeCollection.Name)]
public sealed class DemoTests(DemoRunFixture demo) : IClassFixture<DemoRunFixture>
{
    [Fact]
    public void Demo_writes_the_model_the_training_record_and_the_validation_outputs()
    {
        Assert.True(demo.Result.ExitCode == 0, demo.Result.Errors);
        foreach (var file in new[] { "train/model.onnx", "train/training.json", "validate/predictions.csv", "validate/results.json", "validate/report.pdf" })
            Assert.True(File.Exists(demo.Path(file.Split('/'))), file);
        Assert.Contains("Report: ", demo.Result.Output);
        Assert.Contains("report.pdf", demo.Result.Output);
        Assert.Contains("Device: cpu", demo.Result.Output);
    }

    [Fact]
    public void Validation_covers_exactly_the_two_held_out_institutions()
    {
        var results = ResultsJson.Read(demo.Path("validate", "results.json"));

        Assert.Equal(["switzerland", "va-long-beach", "cleveland", "hungary"], results.Sites.Select(s => s.Name));
        Assert.Equal(["institutional", "institutional", "internal", "internal"], results.Sites.Select(s => s.Holdout));
        Assert.Equal([true, true, false, false], results.Sites.Select(s => s.HeldOut));
        Assert.Equal([0L, 0L, 303L, 294L], results.Sites.Select(s => s.RowsSeenInTraining!.Value));
        Assert.Equal([123, 200, 303, 294], results.Sites.Select(s => s.N));
        Assert.All(results.Sites, s => Assert.Equal(["0", "1"], s.Subgroups!.Single(g => g.Name == "sex").Levels.Select(l => l.Level)));
        Assert.All(results.Sites, s => Assert.Equal(s.N, s.Subgroups!.Single().Levels.Sum(l => l.N)));
        Assert.Equal(115.0 / 123, results.Sites[0].Prevalence!.Value, 1e-12);
        Assert.Equal(149.0 / 200, results.Sites[1].Prevalence!.Value, 1e-12);
        Assert.Equal(["cleveland", "hungary"], results.Model.TrainingSites.Select(s => s.Name));
    }

    [Fact]
    public void The_swiss_shift_table_is_led_by_its_cholesterol_missing_in_every_row()
    {
        var results = ResultsJson.Read(demo.Path("validate", "results.json"));

        // results.json (read back): chol first and flagged, then the rest by PSI
        var swiss = results.Sites.Single(s => s.Name == "switzerland").Shift!;
        Assert.Equal("chol", swiss.Features[0].Feature);
        Assert.True(swiss.Features[0].MissingEverywhere);
        Assert.Equal(13, swiss.Features.Count);
        Assert.Equal("chol", swiss.MaxFeatureMembershipAurocFeature);
        // the console: the table's first row is chol, marked
        var lines = demo.Result.Output.Split('\n');
        int title = Array.FindIndex(lines, l => l.Contains("Shift: switzerland (123 rows) against training (597)", StringComparison.Ordinal));
        Assert.True(title >= 0, demo.Result.Output);
        Assert.StartsWith("chol !", lines.Skip(title + 1).First(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Trim().Length > 0 && !l.Contains("feature") && !l.Contains("training →")).Trim());
    }

    [Fact]
    public void Training_json_records_the_folds_the_final_model_and_the_development_metrics_the_model_carries()
    {
        var training = JsonNode.Parse(File.ReadAllText(demo.Path("train", "training.json")))!;
        var results = ResultsJson.Read(demo.Path("validate", "results.json"));

        Assert.Equal("disease", training["config"]!["positive_class"]!.GetValue<string>());
        Assert.Equal("kfold:5", training["config"]!["split"]!["cv"]!.GetValue<string>());
        // Each fold keeps the epoch with its lowest early-stopping loss
        var folds = training["folds"]!.AsArray();
        Assert.Equal(5, folds.Count);
        foreach (var fold in folds)
        {
            var epochs = fold!["epochs"]!.AsArray();
            int best = fold["best_epoch"]!.GetValue<int>();
            Assert.Equal(epochs.Min(e => e!["validation_loss"]!.GetValue<double>()), epochs[best - 1]!["validation_loss"]!.GetValue<double>());
        }
        // The exported model trained on every row: the development reference is every row, out of fold
        Assert.Equal(training["epochs"]!.AsArray().Count, training["best_epoch"]!.GetValue<int>());
        int rows = training["sites"]!.AsArray().Sum(s => s!["rows"]!.GetValue<int>());
        Assert.Equal(rows, results.Development.N);
        Assert.Equal(rows, folds.Sum(f => f!["evaluate"]!["rows"]!.GetValue<int>()));
        Assert.Equal(results.Development.Metrics["auroc"].Value!.Value,
            training["development"]!["metrics"]!["auroc"]!["value"]!.GetValue<double>(), 1e-12);
    }

    [PythonFact("numpy", "sklearn", "scipy", "statsmodels")]
    public void Results_json_equals_scikit_learn_recomputing_predictions_csv()
    {
        var (exit, output) = IndependentChecks.RecomputeMetrics(demo.Path("validate"));

        Assert.True(exit == 0, output);
    }

    [PythonFact("onnx")]
    public void The_demo_model_passes_the_onnx_checker()
    {
        var (exit, output) = IndependentChecks.CheckOnnx(demo.Path("train", "model.onnx"));

        Assert.True(exit == 0, output);
    }

    [Fact]
    public void The_report_names_the_model_and_every_site()
    {
        var results = ResultsJson.Read(demo.Path("validate", "results.json"));
        using var pdf = PdfDocument.Open(demo.Path("validate", "report.pdf"));
        string text = string.Concat(pdf.GetPages().Select(p => p.Text)).Replace(" ", "");

        Assert.Contains(results.Model.Sha256, text);
        Assert.Contains("switzerland", text);
        Assert.Contains("va-long-beach", text);
        Assert.Contains(results.Sites[0].Metrics["auroc"].Value!.Value.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void No_staging_folders_are_left_behind()
    {
        Assert.Equal(["demo"], Directory.EnumerateFileSystemEntries(System.IO.Path.GetDirectoryName(demo.Out)!).Select(System.IO.Path.GetFileName));
    }
}
