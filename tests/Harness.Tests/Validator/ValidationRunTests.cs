using System.Globalization;
using Google.Protobuf;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Tests.Metrics;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Validator.Inference;
using Harness.Results;

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
        Assert.Equal("site,id,manifest_line,label,p_no_disease,p_disease", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string[] classes = ["no_disease", "disease"];
        foreach (var site in results.Sites)
        {
            var mine = rows.Where(r => r[0] == site.Name).ToList();
            var scored = new ScoredExamples(classes, 1, mine.Select(r => Array.IndexOf(classes, r[3])).ToArray(),
                mine.SelectMany(r => new[] { float.Parse(r[4], CultureInfo.InvariantCulture), float.Parse(r[5], CultureInfo.InvariantCulture) }).ToArray());

            // Then every reported number matches within 1e-9, and each gap is site minus development
            Assert.Equal(mine.Count, site.N);
            Assert.Equal(mine.Count(r => r[3] == "disease") / (double)mine.Count, site.Prevalence!.Value, 1e-12);
            Assert.Equal(NaiveMetrics.Accuracy(scored), site.Metrics[MetricKeys.Accuracy].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Auroc(scored)!.Value, site.Metrics[MetricKeys.Auroc].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Brier(scored), site.Metrics[MetricKeys.Brier].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.LogLoss(scored), site.Metrics[MetricKeys.LogLoss].Value!.Value, 1e-9);
            Assert.Equal(NaiveMetrics.Ece(scored), site.Metrics[MetricKeys.Ece].Value!.Value, 1e-9);
            foreach (var (name, gap) in site.Gap.Where(g => g.Value.Value is not null))
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
        Assert.True(error.Problem.Contains(".so"), error.Problem); // the library the loader could not find
    }

    [Fact]
    public void Development_metrics_recomputed_from_the_stored_predictions_equal_the_cards()
    {
        // Given validation with the trainer's interval settings (the card's development intervals)
        var card = heart.Outcome.Card;
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland")], Cpu with { Intervals = card.Development.Intervals! });

        // Then every development value and interval equals the card's, to the last bit
        Assert.Equal(card.Development.Metrics.Names, results.Development.Metrics.Names);
        foreach (var (name, value) in card.Development.Metrics)
            Assert.Equal(value, results.Development.Metrics[name]);
    }

    [Fact]
    public void Every_gap_has_an_interval_or_says_why_not()
    {
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach")]);
        foreach (var site in results.Sites)
            foreach (var (name, gap) in site.Gap)
            {
                Assert.True(gap.Ci is not null || gap.Note is not null, $"{site.Name} {name}");
                if (gap.Ci is { } ci) Assert.Equal(ci.Excludes(0), gap.Distinguishable);
            }
    }

    [Fact]
    public void Switzerland_warns_of_its_eight_non_events_and_its_missing_cholesterol()
    {
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland")]);
        var warnings = results.Sites[0].Warnings;

        var few = Assert.Single(warnings, w => w.Code == WarningCodes.FewEvents);
        Assert.Equal(8, few.Numbers["non_events"]);
        Assert.Contains("Riley", few.Message);
        var missing = Assert.Single(warnings, w => w.Code == WarningCodes.FeatureMissingEverywhere);
        Assert.Contains("chol", missing.Message);
        Assert.Equal(1.0, results.Sites[0].MissingRates["chol"]);
    }

    [Fact]
    public void A_tiny_single_class_site_warns_that_it_cannot_inform()
    {
        // Given three rows of the Hungarian site, all without disease
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        var rows = lines.Skip(1).Where(l => l.Contains(",no_disease,")).Take(3);
        string site = temp.WriteSite("tiny", string.Join("\n", [lines[0], .. rows]) + "\n");

        var (results, _) = Validate([site]);

        var codes = results.Sites[0].Warnings.Select(w => w.Code).ToList();
        Assert.Contains(WarningCodes.TinySite, codes);
        Assert.Contains(WarningCodes.SingleClass, codes);
        Assert.Null(results.Sites[0].Metrics[MetricKeys.Auroc].Value);
        Assert.NotNull(results.Sites[0].Metrics[MetricKeys.Auroc].Note);
    }

    [Fact]
    public void A_format_1_model_is_validated_with_gaps_but_says_they_have_no_intervals()
    {
        // Given the heart model with its card rewritten as format 1 wrote it (no development predictions)
        using var temp = new TempFolder();
        var onnx = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath));
        var legacy = onnx.MetadataProps.Where(p => p.Key is not (ModelCard.Keys.DevelopmentPredictions
            or ModelCard.Keys.OperatingPoint or ModelCard.Keys.FeatureMissingRates or ModelDigest.Key)).ToList();
        onnx.MetadataProps.Clear();
        foreach (var p in legacy) onnx.MetadataProps.Add(p.Key == ModelCard.Keys.Format ? new Onnx.StringStringEntryProto { Key = p.Key, Value = "1" } : p);
        string model = temp.Combine("legacy.onnx");
        File.WriteAllBytes(model, onnx.ToByteArray());

        // When validated
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var results = ValidationRun.Run(model, [RepoPaths.Sites("heart", "switzerland")], Cpu, text);

        // Then the run says why, and each gap has its value and a note but no interval
        Assert.Equal("1", results.Model.CardFormat);
        Assert.Contains(results.Warnings, w => w.Code == WarningCodes.NoDevelopmentPredictions);
        Assert.Contains(results.Warnings, w => w.Code == WarningCodes.UnsealedModel);
        var gap = results.Sites[0].Gap[MetricKeys.Auroc];
        Assert.Equal(results.Sites[0].Metrics[MetricKeys.Auroc].Value!.Value - heart.Outcome.Card.Development.Metrics[MetricKeys.Auroc].Value!.Value, gap.Value!.Value, 1e-12);
        Assert.Null(gap.Ci);
        Assert.Contains("format 1", gap.Note);
        Assert.NotNull(results.Sites[0].Metrics[MetricKeys.Auroc].Ci); // the site's own intervals need no development
        Assert.Null(results.DevelopmentCurves); // nothing to draw it from
        Assert.NotNull(results.Sites[0].Discrimination);
    }

    [Fact]
    public void Sites_and_the_development_reference_carry_plot_data_computed_from_their_predictions()
    {
        // Given validation on two held-out sites
        var (results, csv) = Validate([RepoPaths.Sites("heart", "switzerland"), RepoPaths.Sites("heart", "va-long-beach")]);
        var rows = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToList();
        string[] classes = ["no_disease", "disease"];
        var card = heart.Outcome.Card;

        // Then each site's curves and histogram are those of its rows in predictions.csv, and its loess curve has a band
        foreach (var site in results.Sites)
        {
            var mine = rows.Where(r => r[0] == site.Name).ToList();
            var scored = new ScoredExamples(classes, 1, mine.Select(r => Array.IndexOf(classes, r[3])).ToArray(),
                mine.SelectMany(r => new[] { float.Parse(r[4], CultureInfo.InvariantCulture), float.Parse(r[5], CultureInfo.InvariantCulture) }).ToArray());
            AssertPlotData(site.Calibration, site.Discrimination, scored);
        }

        // and so are the development reference's, from the card's development predictions
        var development = card.DevelopmentPredictions!.ToScored(card.ClassNames, card.PositiveClassIndex);
        Assert.NotNull(results.DevelopmentCurves);
        AssertPlotData(results.DevelopmentCurves.Calibration, results.DevelopmentCurves.Discrimination, development);
        Assert.Equal(results.Development.N, development.Count);
    }

    private static void AssertPlotData(CalibrationCurve calibration, DiscriminationCurves? discrimination, ScoredExamples scored)
    {
        var expected = DiscriminationCurves.Of(scored)!;
        Assert.NotNull(discrimination);
        Assert.Equal(expected.Roc, discrimination.Roc);
        Assert.Equal(expected.PrecisionRecall, discrimination.PrecisionRecall);
        Assert.Equal(new RocPoint(0, 0), discrimination.Roc[0]);
        Assert.Equal(new RocPoint(1, 1), discrimination.Roc[^1]);

        var histogram = RiskHistogram.Of(scored);
        Assert.NotNull(calibration.Histogram);
        Assert.Equal(histogram.Events, calibration.Histogram.Events);
        Assert.Equal(histogram.NonEvents, calibration.Histogram.NonEvents);
        Assert.Equal("positive_class", calibration.Histogram.Kind);
        Assert.Equal(scored.Count, calibration.Histogram.Events.Sum() + calibration.Histogram.NonEvents.Sum());

        Assert.NotNull(calibration.Flexible);
        Assert.All(calibration.Flexible, c =>
        {
            Assert.InRange(c.Lower!.Value, 0, 1);
            Assert.InRange(c.Upper!.Value, c.Lower.Value, 1);
            Assert.InRange(Math.Clamp(c.Observed, 0, 1), c.Lower.Value, c.Upper.Value);
        });
    }

    [Fact]
    public void Results_json_holds_the_plot_data_and_reads_files_written_before_it()
    {
        // Given results.json of a run
        var (results, _) = Validate([RepoPaths.Sites("heart", "switzerland")]);
        using var temp = new TempFolder();
        string path = temp.Combine("results.json");
        ResultsJson.Write(results, path);
        string text = File.ReadAllText(path);

        // Then the plot data are there under snake_case names, and read back equal
        foreach (string key in new[] { "\"development_curves\"", "\"discrimination\"", "\"roc\"", "\"fpr\"", "\"tpr\"", "\"precision_recall\"",
                     "\"recall\"", "\"roc_tolerance\"", "\"histogram\"", "\"non_events\"", "\"lower\"", "\"upper\"" })
            Assert.Contains(key, text);
        var back = ResultsJson.Read(path);
        Assert.Equal(results.Sites[0].Discrimination!.Roc, back.Sites[0].Discrimination!.Roc);
        Assert.Equal(results.Sites[0].Discrimination!.PrecisionRecall, back.Sites[0].Discrimination!.PrecisionRecall);
        Assert.Equal(results.Sites[0].Calibration.Histogram!.Events, back.Sites[0].Calibration.Histogram!.Events);
        Assert.Equal(results.Sites[0].Calibration.Flexible, back.Sites[0].Calibration.Flexible);
        Assert.Equal(results.DevelopmentCurves!.Calibration.Flexible, back.DevelopmentCurves!.Calibration.Flexible);

        // When the same file is stripped of them, as files written before them are
        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        json.AsObject().Remove("development_curves");
        var site = json["sites"]![0]!.AsObject();
        site.Remove("discrimination");
        site["calibration"]!.AsObject().Remove("histogram");
        foreach (var point in site["calibration"]!["flexible"]!.AsArray())
        {
            point!.AsObject().Remove("lower");
            point.AsObject().Remove("upper");
        }
        File.WriteAllText(path, json.ToJsonString());

        // Then it still reads, with them null
        var old = ResultsJson.Read(path);
        Assert.Null(old.DevelopmentCurves);
        Assert.Null(old.Sites[0].Discrimination);
        Assert.Null(old.Sites[0].Calibration.Histogram);
        Assert.All(old.Sites[0].Calibration.Flexible!, c => Assert.True(c.Lower is null && c.Upper is null));
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
        Assert.Equal(results.Sites[0].Metrics[MetricKeys.Auroc], back.Sites[0].Metrics[MetricKeys.Auroc]);
        Assert.Contains("\"auroc\": {\n", File.ReadAllText(path).Replace("\r\n", "\n"));
    }
}
