using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Results;

namespace Harness.Tests.Cli;

/// <summary>
/// Leave-one-site-out from the command line: training prints each training site's estimate as the
/// card stores it, and validation sets that expectation beside what the external sites show.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CrossValidationCliTests
{
    [Fact]
    public void Leave_one_site_out_is_printed_at_training_and_compared_at_validation()
    {
        using var temp = new TempFolder();
        string[] sites = ["cleveland", "hungary", "va-long-beach"];
        var train = CliRunner.Run(["train", .. sites.SelectMany(s => new[] { "--site", RepoPaths.Sites("heart", s) }),
            "--positive-class", "disease", "--device", "cpu", "--epochs", "15", "--cv", "leave-one-site-out", "--out", temp.Combine("model")]);
        Assert.True(train.ExitCode == 0, train.Errors);

        var validate = CliRunner.Run(["validate", "--model", temp.Combine("model", TrainingOutcome.ModelFileName),
            "--site", RepoPaths.Sites("heart", "switzerland"), "--device", "cpu", "--out", temp.Combine("validation")]);
        Assert.True(validate.ExitCode is 0 or 3 or 4, validate.Errors);

        // Training printed each site's AUROC with its interval, as the card (read back by validation) stores it
        var results = ResultsJson.Read(temp.Combine("validation", "results.json"));
        var record = results.Model.CrossValidation!;
        var auroc = MetricCatalog.Get(MetricKeys.Auroc);
        Assert.Equal(sites, record.Folds.Select(f => f.Name));
        Assert.Contains("Each training site predicted by a model trained on the others", train.Output);
        foreach (var fold in record.Folds)
            Assert.Contains(ReportFormat.WithInterval(auroc, fold.Metrics[MetricKeys.Auroc]), train.Output);

        // and validation printed the expectation (mean and range over the three sites) beside the observed value
        double mean = record.Folds.Average(f => f.Metrics.ValueOf(MetricKeys.Auroc)!.Value);
        Assert.Contains("Expected at a new site (leave-one-site-out over 3 training sites)", validate.Output);
        string expected = $"{ReportFormat.Value(auroc, mean)} ({ReportFormat.Range(auroc, record.Spread[MetricKeys.Auroc].Min, record.Spread[MetricKeys.Auroc].Max)})";
        string observed = ReportFormat.Value(auroc, results.Sites.Single().Metrics.ValueOf(MetricKeys.Auroc));
        Assert.Contains(validate.Output.Split('\n'), line => line.Contains("AUROC") && line.Contains(expected) && line.Contains(observed));
    }
}
