using System.Globalization;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Tests.Metrics;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Validator.Inference;
using Harness.Validator.Results;

namespace Harness.Tests.Validator;

[Collection(NativeCollection.Name)]
public sealed class ValidationRunTests(HeartModelFixture heart)
{
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu };

    private (ValidationResults Results, string Predictions) Validate(IReadOnlyList<string> sites, ValidationOptions? options = null)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var results = ValidationRun.Run(heart.ModelPath, sites, options ?? Cpu, text);
        return (results, text.ToString());
    }

    [Fact]
    public void Reported_metrics_equal_an_independent_recomputation_from_predictions_csv()
    {
        // Given validation on two held-out sites
        var (results, csv) = Validate([RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach")]);

        // When predictions.csv is parsed on its own and scored with the naive second implementation
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("site,id,label,p_no_disease,p_disease", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string[] classes = ["no_disease", "disease"];
        foreach (var site in results.Sites)
        {
            var mine = rows.Where(r => r[0] == site.Name).ToList();
            var scored = new ScoredExamples(classes, 1, mine.Select(r => Array.IndexOf(classes, r[2])).ToArray(),
                mine.SelectMany(r => new[] { float.Parse(r[3], CultureInfo.InvariantCulture), float.Parse(r[4], CultureInfo.InvariantCulture) }).ToArray());

            // Then every reported number matches within 1e-9, and each gap is site minus development
            Assert.Equal(mine.Count, site.N);
            Assert.Equal(mine.Count(r => r[2] == "disease") / (double)mine.Count, site.Prevalence!.Value, 1e-12);
            Assert.Equal(NaiveMetrics.Accuracy(scored), site.Metrics[ClassificationMetrics.Accuracy].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Auroc(scored)!.Value, site.Metrics[ClassificationMetrics.Auroc].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Brier(scored), site.Metrics[ClassificationMetrics.Brier].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.LogLoss(scored), site.Metrics[ClassificationMetrics.LogLoss].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Ece(scored), site.Metrics[ClassificationMetrics.Ece].Value!.Value, 1e-9);
            foreach (var (name, gap) in site.Gap)
                Assert.Equal(site.Metrics[name].Value!.Value - results.Development.Metrics[name].Value!.Value, gap.Value!.Value, 1e-12);
        }
    }

    [Fact]
    public void Batch_size_does_not_change_any_prediction()
    {
        var sites = new[] { RepoPaths.Sites("heart", "hungary") };

        var (_, tiny) = Validate(sites, Cpu with { BatchSize = 7 });
        var (_, large) = Validate(sites, Cpu with { BatchSize = 4096 });

        Assert.Equal(large, tiny);
    }

    [Fact]
    public void A_training_site_is_flagged_as_not_held_out()
    {
        var (results, _) = Validate([RepoPaths.Sites("heart", "cleveland"), RepoPaths.Sites("heart", "switzerland")]);

        Assert.False(results.Sites[0].HeldOut);
        Assert.True(results.Sites[1].HeldOut);
    }

    [Fact]
    public void A_site_copied_under_another_name_is_recognised_by_its_hash()
    {
        using var temp = new TempFolder();
        temp.WriteSite("renamed", File.ReadAllText(RepoPaths.Sites("heart", "hungary", "manifest.csv")));

        var (results, _) = Validate([temp.Combine("renamed")]);

        Assert.False(results.Sites.Single().HeldOut);
    }

    [Fact]
    public void Feature_columns_that_do_not_match_the_model_are_listed()
    {
        // Given a site whose 'chol' column is called 'cholesterol' and that has an extra 'bmi' column
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        lines[0] = lines[0].Replace(",chol,", ",cholesterol,") + ",bmi";
        for (int i = 1; i < lines.Length; i++) lines[i] += ",25";
        string site = temp.WriteSite("mismatch", string.Join("\n", lines) + "\n");

        // When validating, before anything is scored
        var error = Assert.Throws<InputException>(() => Validate([RepoPaths.Sites("heart", "switzerland"), site]));

        // Then the error names the file and every missing and extra column
        Assert.EndsWith(Path.Combine("mismatch", "manifest.csv"), error.File);
        Assert.Contains("missing 'chol'", error.Problem);
        Assert.Contains("extra 'cholesterol', 'bmi'", error.Problem);
    }

    [Fact]
    public void A_label_the_model_does_not_know_is_reported_with_its_line_and_column()
    {
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        lines[3] = lines[3].Replace(",no_disease,", ",unknown,").Replace(",disease,", ",unknown,");
        string site = temp.WriteSite("labels", string.Join("\n", lines) + "\n");

        var error = Assert.Throws<InputException>(() => Validate([site]));

        Assert.Equal(4, error.Line);
        Assert.Equal(2, error.Column);
        Assert.Contains("'unknown'", error.Problem);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_clearly()
    {
        using var temp = new TempFolder();
        string bogus = temp.Combine("model.onnx");
        File.WriteAllText(bogus, "not a model");

        var error = Assert.Throws<InputException>(() => ValidationRun.Run(bogus, [RepoPaths.Sites("heart", "hungary")], Cpu, TextWriter.Null));

        Assert.Contains("ONNX Runtime cannot load the model", error.Problem);
    }

    [Fact]
    public void Auto_states_which_provider_ran_and_why()
    {
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland")], new ValidationOptions { Device = DeviceRequest.Auto });

        Assert.Equal("auto", results.Execution.Requested);
        if (ExternalTools.HasNvidiaGpu) return; // a GPU host may legitimately pick CUDA; CudaTests cover that
        Assert.Equal(ExecutionProviders.Cpu, results.Execution.Provider);
        Assert.Contains("CUDA execution provider unavailable", results.Execution.Reason);
    }

    [Fact]
    public void Cuda_on_request_without_cuda_is_an_error_that_says_why()
    {
        if (ExternalTools.HasNvidiaGpu) return; // on a GPU host this request is valid; see CudaTests

        var error = Assert.Throws<InputException>(() => Validate([RepoPaths.Sites("heart", "switzerland")], new ValidationOptions { Device = DeviceRequest.Cuda }));

        Assert.Contains("--device cuda", error.Problem);
        Assert.Contains(".so", error.Problem); // the library the loader could not find
    }

    [Fact]
    public void Results_json_round_trips()
    {
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland")]);
        using var temp = new TempFolder();
        string path = temp.Combine("results.json");

        ResultsJson.Write(results, path);
        var back = ResultsJson.Read(path);

        Assert.Equal(results.Model.Sha256, back.Model.Sha256);
        Assert.Equal(results.Sites[0].Metrics[ClassificationMetrics.Auroc], back.Sites[0].Metrics[ClassificationMetrics.Auroc]);
        Assert.Contains("\"auroc\": {\n", File.ReadAllText(path).Replace("\r\n", "\n"));
    }
}
