using Harness.Core;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Trainer.Data;
using Harness.Trainer.Model;
using Harness.Trainer.Training;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>
/// Cross-validated training: the development reference is made only of predictions by models that
/// never saw the row, calibrated by temperatures never fitted on it, and the exported model follows
/// the stated epoch rule.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CrossValidationTrainingTests
{
    private static readonly TrainingOptions Options = new()
    {
        PositiveClass = "disease", Device = DeviceRequest.Cpu, Split = new() { Cv = "kfold:3" }, Optimiser = new() { Epochs = 30 }, EarlyStopping = new() { Patience = 5 }, Seed = 5,
    };

    [Fact]
    public void Out_of_fold_predictions_come_from_models_and_temperatures_that_never_saw_the_row()
    {
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland")], Options);
        var data = outcome.Data;
        var folds = outcome.Folds;
        var scheme = CrossValidation.Parse(Options.Split.Cv);
        var device = TorchDevices.Select(DeviceRequest.Cpu);

        // Given each fold's network trained again, independently, on that fold's fit and early-stopping rows only
        var logits = folds.Select((fold, f) =>
        {
            Assert.DoesNotContain(fold.Evaluate, r => fold.Fit.Contains(r) || fold.EarlyStopping.Contains(r));
            using var network = NetworkTrainer.Train(data, fold.Fit, fold.EarlyStopping, TrainingRun.FoldOptions(Options, scheme, f), device);
            return network.Model.PredictLogits(data.ExampleRows(fold.Evaluate), data.ExampleSize, CPU);
        }).ToList();
        var predictions = outcome.Card.DevelopmentPredictions!;
        Assert.Equal(data.Count, predictions.Count); // every row, in row order

        for (int f = 0; f < folds.Count; f++)
        {
            // and the temperature fitted on the other folds' logits alone
            var others = Enumerable.Range(0, folds.Count).Where(o => o != f).ToList();
            double t = TemperatureScaling.Fit(others.SelectMany(o => logits[o]).ToArray(),
                others.SelectMany(o => folds[o].Evaluate.Select(r => data.Labels[r])).ToArray(), 2);

            // Then each stored development probability is that network's softmax(logits / T)
            for (int i = 0; i < folds[f].Evaluate.Length; i++)
            {
                int row = folds[f].Evaluate[i];
                double expected = 1 / (1 + Math.Exp((logits[f][2 * i] - logits[f][2 * i + 1]) / t));
                Assert.Equal(expected, predictions.Probabilities[2 * row + 1], 1e-6);
            }
        }
    }

    [Fact]
    public void The_exported_model_is_refitted_on_every_row_for_the_lower_median_best_epoch_with_that_folds_rates()
    {
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland")], Options with { Optimiser = Options.Optimiser with { Schedule = TrainingOptions.PlateauLr } });
        var report = outcome.Report;

        var bestEpochs = report.Folds.Select(f => f.BestEpoch).Order().ToList();
        int median = bestEpochs[(bestEpochs.Count - 1) / 2];
        var chosen = report.Folds.First(f => f.BestEpoch == median);
        Assert.Equal(median, report.Epochs.Count);
        Assert.Equal(chosen.Epochs.Take(median).Select(e => e.LearningRate), report.Epochs.Select(e => e.LearningRate));
        Assert.All(report.Epochs, e => Assert.Null(e.ValidationLoss));
        Assert.Equal(Enumerable.Range(0, outcome.Data.Count), outcome.ExportedFitRows);
        Assert.Contains($"for {median} epochs", report.FinalModel);
    }

    [Fact]
    public void Leave_one_site_out_on_the_four_heart_sites_stores_each_sites_estimate()
    {
        string[] sites = ["cleveland", "hungary", "switzerland", "va-long-beach"];
        using var outcome = TrainingRun.Run(sites.Select(s => RepoPaths.Sites("heart", s)).ToList(),
            Options with { Split = new() { Cv = CrossValidation.LeaveOneSiteOut } });

        var record = outcome.Card.CrossValidation!;
        Assert.Equal(CrossValidation.LeaveOneSiteOut, record.Scheme);
        Assert.Equal(sites, record.Folds.Select(f => f.Name));
        Assert.All(record.Folds, f =>
        {
            var auroc = f.Metrics[Harness.Core.Metrics.MetricKeys.Auroc];
            Assert.InRange(auroc.Value!.Value, 0.5, 1);
            Assert.True(auroc.Ci!.Lower < auroc.Value && auroc.Value < auroc.Ci.Upper);
        });
        // The spread is the mean and sample SD of the four sites' AUROCs
        var values = record.Folds.Select(f => f.Metrics.ValueOf(Harness.Core.Metrics.MetricKeys.Auroc)!.Value).ToList();
        double mean = values.Average();
        Assert.Equal(mean, record.Spread[Harness.Core.Metrics.MetricKeys.Auroc].Mean, 12);
        Assert.Equal(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / 3), record.Spread[Harness.Core.Metrics.MetricKeys.Auroc].Sd, 12);
    }
}
