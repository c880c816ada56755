using Harness.Core;
using Harness.Tests.Support;
using Harness.Trainer;
using Harness.Trainer.Data;
using Harness.Trainer.Model;
using Harness.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

[Collection(NativeCollection.Name)]
public sealed class NetworkTrainerTests
{
    private static TabularClassifier SmallModel(int features = 3, int classes = 2)
    {
        manual_seed(5);
        var stats = new FeatureStatistics(new float[features], new float[features], Enumerable.Repeat(1f, features).ToArray());
        return new TabularClassifier(stats, [4], classes, dropoutRate: 0);
    }

    [Fact]
    public void Training_loss_is_label_smoothed_cross_entropy_in_closed_form()
    {
        // Given logits for two examples of three classes and smoothing eps = 0.2
        double eps = 0.2;
        float[,] logits = { { 2f, 0.5f, -1f }, { 0.1f, 0.2f, 3f } };
        long[] targets = [0, 1];
        using var loss = NetworkTrainer.CreateTrainingLoss(new TrainingOptions { Targets = new() { LabelSmoothing = eps } });

        // When the trainer's loss evaluates them
        double actual = loss.forward(tensor(logits), tensor(targets)).item<float>();

        // Then it equals PyTorch's definition: mean over examples of (1-eps)(-log p_y) + (eps/C) sum_c (-log p_c)
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double[] z = [logits[i, 0], logits[i, 1], logits[i, 2]];
            double logSumExp = Math.Log(z.Sum(Math.Exp));
            double[] negLog = z.Select(v => logSumExp - v).ToArray();
            expected += (1 - eps) * negLog[targets[i]] + eps / 3 * negLog.Sum();
        }
        Assert.Equal(expected / 2, actual, 1e-5);
    }

    [Fact]
    public void AdamW_decays_weights_decoupled_and_leaves_biases_alone()
    {
        // Given a model whose gradients are all exactly zero (so Adam's own step is zero)
        using var model = SmallModel();
        var options = new TrainingOptions { Optimiser = new() { LearningRate = 0.1, WeightDecay = 0.5 } };
        using var optimizer = NetworkTrainer.CreateOptimizer(model, options);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        optimizer.zero_grad();
        (model.forward(zeros(2, 3)).sum() * 0).backward();

        // When AdamW takes one step
        optimizer.step();

        // Then decoupled decay alone acts: w <- w (1 - lr * wd) = 0.95 w for weights; biases unchanged
        foreach (var (name, parameter) in model.named_parameters())
        {
            float factor = name.EndsWith("weight") ? 0.95f : 1f;
            var expected = before[name].data<float>().ToArray().Select(v => v * factor).ToArray();
            var actual = parameter.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }

    [Fact]
    public void AdamW_never_decays_a_normalisation_scale_though_it_is_called_weight()
    {
        // Given a linear layer and a batch norm, whose scale is a rank-1 parameter named "weight", all gradients zero
        manual_seed(1);
        using var model = nn.Sequential(("linear", nn.Linear(3, 4)), ("norm", nn.BatchNorm1d(4)));
        using (no_grad()) foreach (var p in model.parameters()) p.uniform_(0.5, 1.5);
        var options = new TrainingOptions { Optimiser = new() { LearningRate = 0.1, WeightDecay = 0.5 } };
        using var optimizer = NetworkTrainer.CreateOptimizer(model, options);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        optimizer.zero_grad();
        foreach (var p in model.parameters()) p.grad = zeros_like(p);

        // When AdamW takes one step
        optimizer.step();

        // Then only the weight matrix shrinks (x 0.95); the norm's scale and both biases keep their values
        Assert.Equal(["linear.weight", "linear.bias", "norm.weight", "norm.bias"], model.named_parameters().Select(p => p.name));
        foreach (var (name, parameter) in model.named_parameters())
        {
            float factor = name == "linear.weight" ? 0.95f : 1f;
            var expected = before[name].data<float>().ToArray().Select(v => v * factor).ToArray();
            var actual = parameter.data<float>().ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }

    [Fact]
    public void Preprocessing_constants_are_buffers_in_the_state_dict()
    {
        using var model = SmallModel();

        var keys = model.state_dict().Keys.ToHashSet();

        Assert.Contains("blocks.preprocess.impute_median", keys);
        Assert.Contains("blocks.preprocess.scale_mean", keys);
        Assert.Contains("blocks.preprocess.scale_std", keys);
        Assert.DoesNotContain(model.parameters(), p => p.shape.SequenceEqual(new long[] { 3 }));
    }

    [Fact]
    public void Forward_imputes_missing_values_with_the_median_before_scaling()
    {
        // Given medians (10, 20), means (1, 2), SDs (2, 4) and an input with one value missing
        var stats = new FeatureStatistics([10f, 20f], [1f, 2f], [2f, 4f]);
        using var model = new TabularClassifier(stats, [3], 2, 0);
        model.eval();

        // When the first feature is NaN, the model must see exactly what it sees for the median itself
        using var missing = model.forward(tensor(new[] { float.NaN, 6f }, [1, 2]));
        using var median = model.forward(tensor(new[] { 10f, 6f }, [1, 2]));

        Assert.Equal(median.data<float>().ToArray(), missing.data<float>().ToArray());
    }

    [Fact]
    public void Best_epoch_weights_are_restored_after_early_stopping()
    {
        // Given a holdout model (its network is the exported one), which stopped early
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "cleveland")],
            new TrainingOptions { PositiveClass = "disease", Device = DeviceRequest.Cpu, Split = new() { Cv = CrossValidation.Holdout }, EarlyStopping = new() { Patience = 5 } });
        var report = outcome.Report;
        var best = report.Epochs.Single(e => e.Epoch == report.BestEpoch);
        Assert.True(report.StoppedEarly);
        Assert.NotEqual(report.BestEpoch, report.Epochs[^1].Epoch);

        // When the restored model's validation loss (uncalibrated) is recomputed from scratch on its early-stopping rows
        var data = outcome.Data;
        var rows = outcome.Folds.Single().EarlyStopping;
        var p = outcome.Network.Model.PredictProbabilities(data.ExampleRows(rows), data.ExampleSize, CPU, calibrated: false);
        double logLoss = rows.Select((r, i) => -Math.Log(p[i * 2 + data.Labels[r]])).Average();

        // Then it is the best epoch's loss, not the last epoch's
        Assert.Equal(best.ValidationLoss!.Value, logLoss, 1e-5);
        Assert.True(Math.Abs(report.Epochs[^1].ValidationLoss!.Value - logLoss) > 1e-4);
        Assert.Equal(report.Epochs.Min(e => e.ValidationLoss)!.Value, best.ValidationLoss.Value, 1e-9);
    }

    [Fact]
    public void The_same_seed_trains_the_same_model()
    {
        var sites = new[] { RepoPaths.Sites("heart", "cleveland") };
        var options = new TrainingOptions { PositiveClass = "disease", Device = DeviceRequest.Cpu, Optimiser = new() { Epochs = 15 }, Seed = 3, Split = new() { Cv = "kfold:3" } };

        using var first = TrainingRun.Run(sites, options);
        using var second = TrainingRun.Run(sites, options);

        Assert.Equal(first.Report.Folds.SelectMany(f => f.Epochs).Select(e => e.ValidationLoss), second.Report.Folds.SelectMany(f => f.Epochs).Select(e => e.ValidationLoss));
        Assert.Equal(first.Report.Epochs.Select(e => e.TrainLoss), second.Report.Epochs.Select(e => e.TrainLoss));
    }

    [Fact]
    public void Asking_for_cuda_without_it_is_a_clear_error()
    {
        if (cuda.is_available()) return; // on a GPU host this request is valid; CudaTests cover it there

        var error = Assert.Throws<InputException>(() => TorchDevices.Select(DeviceRequest.Cuda));

        Assert.Contains("--device cuda", error.Problem);
        Assert.Contains("TorchSharpBackend=cuda", error.Fix);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_and_says_why()
    {
        var (device, choice) = TorchDevices.Select(DeviceRequest.Auto);

        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, device.type);
        Assert.Equal("auto", choice.Requested);
        Assert.False(string.IsNullOrWhiteSpace(choice.Reason));
    }

    [Fact]
    public void Stopping_on_auroc_with_a_cosine_schedule_keeps_the_best_auroc_epoch_and_records_each_rate()
    {
        var options = new TrainingOptions
        {
            Optimiser = new() { Epochs = 12, Schedule = TrainingOptions.CosineLr }, Seed = 2, PositiveClass = "disease", Device = DeviceRequest.Cpu,
            EarlyStopping = new() { Monitor = TrainingOptions.ValidationAuroc, MinEpochs = 12, MinDelta = 0 }, Split = new() { Cv = CrossValidation.Holdout },
        };
        using var outcome = TrainingRun.Run([RepoPaths.Sites("heart", "hungary")], options);
        var epochs = outcome.Report.Epochs;

        // The minimum keeps all 12 epochs; the best epoch is the one with the highest early-stopping AUROC (first on ties)
        Assert.Equal(12, epochs.Count);
        double best = epochs.Max(e => e.ValidationAuroc!.Value);
        Assert.Equal(epochs.First(e => e.ValidationAuroc == best).Epoch, outcome.Report.BestEpoch);
        // and each epoch trained at the cosine rate
        for (int e = 1; e <= 12; e++)
            Assert.Equal(options.Optimiser.LearningRate * (1 + Math.Cos(Math.PI * (e - 1) / 12)) / 2, epochs[e - 1].LearningRate, 12);
    }
}
