using Harness.Core;
using Harness.Core.Inputs;
using Harness.Trainer.Augmentation;
using Harness.Trainer.Data;
using Harness.Trainer.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Trainer.Training;

/// <summary>
/// One epoch's losses. Train: the smoothed objective; validation: plain cross-entropy (log loss) of
/// the early-stopping rows, null in a refit, which has none.
/// </summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValidationLoss, bool Improved)
{
    /// <summary>AUROC of the early-stopping rows (null when undefined or in a refit).</summary>
    public double? ValidationAuroc { get; init; }

    /// <summary>The learning rate this epoch trained with.</summary>
    public double LearningRate { get; init; }
}

/// <summary>A trained network (best epoch's weights restored) and how training went.</summary>
public sealed class TrainedNetwork(IClassifierNetwork model, TrainingDevice device, IReadOnlyList<EpochRecord> epochs, int bestEpoch, string? stopReason)
    : IDisposable
{
    public IClassifierNetwork Model { get; } = model;

    /// <summary>The model as a tabular MLP; null for a signal or image network.</summary>
    public TabularClassifier? Tabular => Model as TabularClassifier;
    public Device Device => device.Device;
    public DeviceChoice DeviceChoice => device.Choice;
    public IReadOnlyList<EpochRecord> Epochs { get; } = epochs;
    public int BestEpoch { get; } = bestEpoch;

    /// <summary>The learning rates of the epochs up to the best one: what a refit on every row repeats.</summary>
    public IReadOnlyList<double> LearningRatesToBest => Epochs.Take(BestEpoch).Select(e => e.LearningRate).ToList();

    /// <summary>Why training ended before the epoch limit; null when it ran every epoch.</summary>
    public string? StopReason { get; } = stopReason;

    public void Dispose() => Model.Module.Dispose();
}

/// <summary>
/// Mini-batch training of a classifier network (a tabular MLP, or a signal or image CNN) with the
/// generalisation regularisers: AdamW with decoupled weight decay on weights only, label-smoothed
/// cross-entropy (or mixup's soft targets), dropout, on-device augmentation, and either early
/// stopping on the early-stopping rows with the best epoch's weights restored (<see cref="Train"/>)
/// or a fixed sequence of epochs (<see cref="Refit"/>, the final model on every row).
/// </summary>
public static class NetworkTrainer
{
    /// <summary>Fits on <paramref name="fit"/>, stopping early on <paramref name="earlyStopping"/>; the best epoch's weights are restored.</summary>
    public static TrainedNetwork Train(TrainingData data, int[] fit, int[] earlyStopping, TrainingOptions options, TrainingDevice device,
        ITrainingProgress? progress = null, CancellationToken cancellation = default) =>
        Run(data, fit, earlyStopping, null, options, device, progress, cancellation);

    /// <summary>Fits on <paramref name="rows"/> for one epoch per learning rate given, keeping the last epoch's weights.</summary>
    public static TrainedNetwork Refit(TrainingData data, int[] rows, IReadOnlyList<double> learningRates, TrainingOptions options,
        TrainingDevice device, ITrainingProgress? progress = null, CancellationToken cancellation = default) =>
        Run(data, rows, null, learningRates, options, device, progress, cancellation);

    private static TrainedNetwork Run(TrainingData data, int[] fit, int[]? earlyStopping, IReadOnlyList<double>? fixedRates,
        TrainingOptions options, TrainingDevice trainingDevice, ITrainingProgress? progress, CancellationToken cancellation)
    {
        var device = trainingDevice.Device;
        manual_seed(options.Seed);
        if (device.type == DeviceType.CUDA) cuda.manual_seed_all(options.Seed);

        var network = CreateNetwork(data, fit, options);
        var model = network.Module;
        model.to(device);

        using var xTrain = new ExampleSource(data, fit, network.ExampleShape, device);
        using var yTrain = tensor(fit.Select(i => (long)data.Labels[i]).ToArray()).to(device);
        var stopRows = earlyStopping ?? [];
        using var xValidation = new ExampleSource(data, stopRows, network.ExampleShape, device);
        using var yValidation = tensor(stopRows.Select(i => (long)data.Labels[i]).ToArray()).to(device);

        using var optimizer = CreateOptimizer(model, options);
        using var smoothedLoss = CreateTrainingLoss(options);

        using var augmentations = Augmentations(network, data, options);
        var mixing = BatchMixing.From(options.Targets, data.Input?.Kind ?? InputKind.Tabular, data.ClassNames.Count, options.Seed);
        var stop = options.EarlyStopping;
        bool byAuroc = stop.Monitor == TrainingOptions.ValidationAuroc;
        var stopping = new EarlyStopping(stop.Patience, stop.MinDelta, maximise: byAuroc, stop.MinEpochs,
            byAuroc ? "validation AUROC" : "validation loss");
        var validationLabels = stopRows.Select(i => data.Labels[i]).ToArray();
        var schedule = new LearningRateSchedule(options.Optimiser.Schedule, options.Optimiser.LearningRate, options.Optimiser.Epochs, stop.Patience);
        var shuffle = new Random(options.Seed);
        var order = Enumerable.Range(0, fit.Length).Select(i => (long)i).ToArray();
        var epochs = new List<EpochRecord>();
        int epochLimit = fixedRates?.Count ?? options.Optimiser.Epochs;
        Dictionary<string, Tensor>? best = null;
        string? stopReason = null;
        try
        {
            for (int epoch = 1; epoch <= epochLimit; epoch++)
            {
                cancellation.ThrowIfCancellationRequested();
                double learningRate = fixedRates?[epoch - 1] ?? schedule.Rate(epoch, stopping.EpochsWithoutImprovement);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                double trainLoss = TrainOneEpoch(network, optimizer, smoothedLoss, augmentations.Transforms, mixing, xTrain, yTrain, order, shuffle, options.Optimiser.BatchSize, device);
                if (earlyStopping is null)
                {
                    epochs.Add(new EpochRecord(epoch, trainLoss, null, false) { LearningRate = learningRate });
                    progress?.EpochDone(epochs[^1]);
                    continue;
                }
                var (validationLoss, validationAuroc) = Validate(model, xValidation, yValidation, validationLabels, data);

                var decision = stopping.Observe(epoch, byAuroc ? validationAuroc ?? double.NaN : validationLoss);
                if (decision == EarlyStopping.Decision.Improved)
                {
                    DisposeAll(best);
                    best = Snapshot(model);
                }
                var record = new EpochRecord(epoch, trainLoss, validationLoss, decision == EarlyStopping.Decision.Improved)
                {
                    ValidationAuroc = validationAuroc,
                    LearningRate = learningRate,
                };
                epochs.Add(record);
                progress?.EpochDone(record);
                if (decision == EarlyStopping.Decision.Stop)
                {
                    stopReason = stopping.StopReason;
                    break;
                }
            }
            if (earlyStopping is null)
            {
                model.eval();
                return new TrainedNetwork(network, trainingDevice, epochs, epochs.Count, null);
            }
            if (best is null)
                throw new InputException(
                    $"training diverged: the validation loss was never finite in {epochs.Count} epoch{(epochs.Count == 1 ? "" : "s")} (learning rate {options.Optimiser.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}), so there are no weights to keep.",
                    $"Lower optimiser.learning_rate (the default is {TrainingOptions.Defaults.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
            model.load_state_dict(best);
            model.eval();
            return new TrainedNetwork(network, trainingDevice, epochs, stopping.BestEpoch, stopReason);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            DisposeAll(best);
        }
    }

    /// <summary>
    /// A fresh network for <paramref name="data"/>, its preprocessing fitted on the fit rows only: a
    /// tabular MLP (medians, means, SDs, categorical levels), or a CNN for signals and images
    /// (per-channel mean and SD, <see cref="ChannelStatistics"/>).
    /// </summary>
    internal static IClassifierNetwork CreateNetwork(TrainingData data, int[] fit, TrainingOptions options)
    {
        int classes = data.ClassNames.Count;
        var architecture = options.Architecture;
        if (data.Input is not { } input)
            return new TabularClassifier(FeatureStatistics.FromRows(data.ExampleRows(fit), data.ExampleSize, data.CategoricalColumns), architecture.Hidden,
                classes, architecture.Dropout);
        var fitted = ChannelStatistics.Fit(data, fit) with { SamplingRateHz = options.Input.SamplingRate };
        var kernel = architecture.Kernel ?? ConvArchitecture.Default(input.Kind).KernelSize;
        return new ConvClassifier(fitted, new ConvArchitecture(architecture.Conv, kernel, architecture.Dropout), classes);
    }

    /// <summary>The transforms of --augment for this network, and the tensors they hold (disposed with it).</summary>
    private sealed class AugmentationSteps(IReadOnlyList<IBatchTransform> transforms, params Tensor?[] held) : IDisposable
    {
        public IReadOnlyList<IBatchTransform> Transforms { get; } = transforms;

        public void Dispose()
        {
            foreach (var t in held) t?.Dispose();
        }
    }

    private static AugmentationSteps Augmentations(IClassifierNetwork network, TrainingData data, TrainingOptions options)
    {
        var chain = AugmentationChain.Parse(options.Augmentation.Chain, data.Input?.Kind ?? InputKind.Tabular);
        if (network is not TabularClassifier tabular) return new(chain.Build(((ConvClassifier)network).Input));
        var imputed = tabular.Preprocessing.ImputedStandardised.detach();
        var numericMask = tabular.Preprocessing.Categorical.Count > 0 ? tabular.Preprocessing.NumericMask.detach() : null;
        return new(chain.Build(imputed, numericMask), imputed, numericMask);
    }

    /// <summary>
    /// AdamW that decays weight matrices (and, later, convolution kernels) only: decaying biases or
    /// normalisation scales pulls them toward 0 for no regularisation benefit. Grouped by rank, not by
    /// name: a BatchNorm scale is also called "weight".
    /// </summary>
    internal static AdamW CreateOptimizer(nn.Module model, TrainingOptions options)
    {
        var parameters = model.parameters().ToList();
        return optim.AdamW(
        [
            new AdamW.ParamGroup(parameters.Where(p => p.dim() >= 2), new AdamW.Options { weight_decay = options.Optimiser.WeightDecay }),
            new AdamW.ParamGroup(parameters.Where(p => p.dim() < 2), new AdamW.Options { weight_decay = 0 }),
        ], lr: options.Optimiser.LearningRate);
    }

    /// <summary>Label-smoothed cross-entropy. The factory torch.nn.CrossEntropyLoss has no smoothing; the module class does.</summary>
    internal static CrossEntropyLoss CreateTrainingLoss(TrainingOptions options) =>
        new(null, null, nn.Reduction.Mean, options.Targets.LabelSmoothing);

    /// <summary>
    /// One pass over the fit rows in shuffled mini-batches: each batch is preprocessed, augmented (the
    /// chain, in order), then mixed when mixup is on (soft-target loss), else scored with the smoothed loss.
    /// </summary>
    private static double TrainOneEpoch(IClassifierNetwork model, optim.Optimizer optimizer, CrossEntropyLoss loss,
        IReadOnlyList<IBatchTransform> augmentations, BatchMixing? mixing, ExampleSource x, Tensor y, long[] order, Random shuffle, int batchSize, Device device)
    {
        model.Module.train();
        shuffle.Shuffle(order);
        double sum = 0;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long[] batch = order[start..Math.Min(start + batchSize, order.Length)];
            var index = tensor(batch).to(device);
            optimizer.zero_grad();
            var examples = x.Batch(batch, index);
            using var noCollection = NoCollection.Begin(wanted: model is not TabularClassifier);
            var features = model.Preprocess(examples);
            foreach (var transform in augmentations) features = transform.Apply(features);
            var labels = y.index_select(0, index);
            Tensor value;
            if (mixing is null) value = loss.forward(model.FromPreprocessed(features), labels);
            else
            {
                var (mixed, targets) = mixing.Mix(features, labels);
                value = Mixup.SoftTargetLoss(model.FromPreprocessed(mixed), targets);
            }
            value.backward();
            optimizer.step();
            sum += value.item<float>() * batch.Length;
        }
        return sum / order.Length;
    }

    /// <summary>Log loss and AUROC (one-vs-rest macro for multiclass; null when undefined) of the raw logits on the early-stopping rows.</summary>
    private static (double Loss, double? Auroc) Validate(nn.Module<Tensor, Tensor> model, ExampleSource x, Tensor y, int[] labels, TrainingData data)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = x.Forward(model);
        double loss = nn.functional.cross_entropy(logits, y).item<float>();
        float[] probabilities = nn.functional.softmax(logits, 1).cpu().data<float>().ToArray();
        if (!probabilities.All(float.IsFinite)) return (loss, null); // diverged: the loss says so
        var scored = new Harness.Core.Metrics.ScoredExamples(data.ClassNames, data.PositiveClassIndex, labels, probabilities);
        return (loss, Harness.Core.Metrics.ClassificationMetrics.AurocOf(scored));
    }

    /// <summary>
    /// Eval-mode logits of <paramref name="rows"/>, row-major [rows, classes], decoded and scored
    /// <see cref="TrainingData.LoadChunk"/> at a time (signals and images are never all in memory).
    /// </summary>
    public static float[] PredictLogits(IClassifierNetwork network, TrainingData data, int[] rows, Device device)
    {
        var logits = new List<float>();
        for (int start = 0; start < rows.Length; start += TrainingData.LoadChunk)
            logits.AddRange(network.PredictLogits(data.ExampleRows(rows[start..Math.Min(rows.Length, start + TrainingData.LoadChunk)]), data.ExampleSize, device));
        return [.. logits];
    }

    /// <summary>state_dict() hands out the live tensors: keep detached copies for the restore.</summary>
    private static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}
