using Harness.Core;

namespace Harness.Trainer;

/// <summary>How to train. Defaults suit small tabular clinical data (hundreds to thousands of rows).</summary>
public sealed record TrainingOptions
{
    /// <summary>Constants so that the command line's --help shows the same defaults the library uses.</summary>
    public static class Defaults
    {
        public const int Epochs = 300;
        public const int BatchSize = 32;
        public const double LearningRate = 1e-3;
        public const double WeightDecay = 1e-2;
        public const double LabelSmoothing = 0.1;
        public const int Patience = 25;
        public const double MinDelta = 1e-4;
        public const double ValidationFraction = 0.2;
        public const int Seed = 42;

        /// <summary>libtorch's intra-op threads on the CPU for tabular models: a tabular batch is far too small to split, so one is fastest and immune to a busy machine.</summary>
        public const int TabularThreads = 1;
        public const string HiddenLayers = "32,16";
        public const string ConvWidths = "16,32,64";
        public const double Dropout = 0.2;
        public const string Threshold = Harness.Core.Metrics.OperatingThreshold.Youden;
        public const string Augment = Harness.Trainer.Augmentation.AugmentationChain.None;
        public const string Monitor = ValidationLoss;
        public const int MinEpochs = 1;
        public const string LrSchedule = ConstantLr;
        public const double Mixup = 0;
        public const double CutMix = 0;
        public const string Cv = "kfold:5";
        public const string Calibration = TemperatureCalibration;
    }

    public ArchitectureOptions Architecture { get; init; } = new();
    public OptimiserOptions Optimiser { get; init; } = new();
    public EarlyStoppingOptions EarlyStopping { get; init; } = new();
    public SplitOptions Split { get; init; } = new();
    public AugmentationOptions Augmentation { get; init; } = new();
    public TargetOptions Targets { get; init; } = new();
    public CalibrationOptions Calibration { get; init; } = new();
    public InputOptions Input { get; init; } = new();

    /// <summary>Seeds the splits, weight initialisation, shuffling, dropout, augmentation and mixup.</summary>
    public int Seed { get; init; } = Defaults.Seed;

    /// <summary>The positive class of a binary problem; inferred only from unambiguous names (0/1, no/yes, ...).</summary>
    public string? PositiveClass { get; init; }

    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>
    /// libtorch's intra-op thread count when training on the CPU; null: <see cref="Defaults.TabularThreads"/> for tabular
    /// models, every core for signals and images (a convolution over a batch splits well). The count used is recorded with the other settings.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>How a binary model's operating threshold is chosen on the development predictions (see OperatingThreshold).</summary>
    public string Threshold { get; init; } = Defaults.Threshold;

    /// <summary>Only rows dated on or after this day are trained on (undated rows are then left out); null: no lower bound.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Only rows dated on or before this day are trained on (undated rows are then left out); null: no upper bound.</summary>
    public DateOnly? Until { get; init; }

    /// <summary>
    /// Features holding integer codes of categories (cp 1-4, thal 3/6/7): one-hot encoded inside the
    /// model, one column per level seen in the training rows; empty: every feature is numeric.
    /// </summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>
    /// The creation time the model card records; null: the time of training. Fixed, together with
    /// the seed, the data and the CPU, it makes model.onnx byte-identical from run to run. Recorded
    /// as the card's created_utc, so not again among the settings.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? CreatedUtc { get; init; }

    /// <summary>Parses layer widths written as "64,32"; errors name <paramref name="setting"/>.</summary>
    public static IReadOnlyList<int> ParseHidden(string widths, string setting = "architecture.hidden")
    {
        var parts = widths.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] < 1)
                throw new InputException($"{setting} '{widths}' is not a list of layer widths.", "Write positive integers separated by commas, e.g. 32,16.");
        return parsed;
    }

    /// <summary>Parses column names written as "cp,thal" (an empty text: none); errors name <paramref name="setting"/>.</summary>
    public static IReadOnlyList<string> ParseColumns(string? columns, string setting = "categorical")
    {
        if (string.IsNullOrWhiteSpace(columns)) return [];
        var parsed = columns.Split(',', StringSplitOptions.TrimEntries);
        if (parsed.Any(string.IsNullOrEmpty))
            throw new InputException($"{setting} '{columns}' has an empty column name.", "Write feature names separated by commas, e.g. cp,thal.");
        return parsed;
    }

    public const string ValidationLoss = "val_loss", ValidationAuroc = "val_auroc";
    public const string ConstantLr = "none", CosineLr = "cosine", PlateauLr = "plateau";
    public const string TemperatureCalibration = "temperature", NoCalibration = "none";

    /// <summary>Widest convolution block: signal and image models here are small; wider ones want a GPU and other tools.</summary>
    public const int MaxConvWidth = 1024;

    /// <summary>Widest hidden layer: wider is no tabular model, and two such layers would need gigabytes.</summary>
    public const int MaxHiddenWidth = 16_384;

    /// <summary>
    /// Checks every setting. Errors name the setting by its path in a config file
    /// ("optimiser.epochs"), or as <paramref name="name"/> calls it (the CLI names its option).
    /// </summary>
    public void Validate(Func<string, string>? name = null)
    {
        name ??= path => path;
        void Check(bool ok, string setting, string rule)
        {
            if (!ok) throw new InputException($"{name(setting)} must be {rule}.", $"Change {name(setting)}.");
        }
        Check(Optimiser.Epochs >= 1, "optimiser.epochs", "at least 1");
        Check(Optimiser.BatchSize >= 1, "optimiser.batch_size", "at least 1");
        Check(Optimiser.LearningRate > 0 && double.IsFinite(Optimiser.LearningRate), "optimiser.learning_rate", "positive");
        Check(Optimiser.WeightDecay >= 0 && double.IsFinite(Optimiser.WeightDecay), "optimiser.weight_decay", "zero or positive");
        Check(Optimiser.Schedule is ConstantLr or CosineLr or PlateauLr, "optimiser.schedule", $"{ConstantLr}, {CosineLr} or {PlateauLr}");
        Check(Targets.LabelSmoothing is >= 0 and < 1, "targets.label_smoothing", "in [0, 1)");
        Check(Targets.Mixup is >= 0 and <= 10, "targets.mixup", "from 0 (off) to 10");
        Check(Targets.CutMix is >= 0 and <= 10, "targets.cutmix", "from 0 (off) to 10");
        Check(EarlyStopping.Patience >= 1, "early_stopping.patience", "at least 1");
        Check(EarlyStopping.MinDelta >= 0 && double.IsFinite(EarlyStopping.MinDelta), "early_stopping.min_delta", "zero or positive");
        Check(EarlyStopping.Monitor is ValidationLoss or ValidationAuroc, "early_stopping.monitor", $"{ValidationLoss} or {ValidationAuroc}");
        Check(EarlyStopping.MinEpochs >= 0 && EarlyStopping.MinEpochs <= Optimiser.Epochs, "early_stopping.min_epochs", $"from 0 to {name("optimiser.epochs")}");
        Check(Threads is null or (>= 1 and <= 256), "threads", "from 1 to 256");
        Check(Split.ValidationFraction is > 0 and < 1, "split.validation_fraction", "between 0 and 1 (exclusive)");
        Data.CrossValidation.Parse(Split.Cv, name("split.cv"));
        Check(Architecture.Hidden.Count >= 1 && Architecture.Hidden.All(h => h is >= 1 and <= MaxHiddenWidth), "architecture.hidden",
            $"a list of layer widths from 1 to {MaxHiddenWidth:N0}");
        Check(Architecture.Dropout is >= 0 and < 1, "architecture.dropout", "in [0, 1)");
        Check(Architecture.Conv.Count >= 1 && Architecture.Conv.All(w => w is >= 1 and <= MaxConvWidth), "architecture.conv",
            $"a list of convolution widths from 1 to {MaxConvWidth}");
        Check(Architecture.Kernel is null or (>= 1 and <= 31) && (Architecture.Kernel ?? 1) % 2 == 1, "architecture.kernel", "an odd number from 1 to 31");
        Check(Input.SamplingRate is null || (Input.SamplingRate > 0 && double.IsFinite(Input.SamplingRate.Value)), "input.sampling_rate", "a positive number of samples per second");
        Harness.Trainer.Augmentation.AugmentationChain.Parse(Augmentation.Chain, name("augmentation.chain"));
        Check(Calibration.Method is TemperatureCalibration or NoCalibration, "calibration.method", $"{TemperatureCalibration} or {NoCalibration}");
        Harness.Core.Metrics.OperatingThreshold.Validate(Threshold, name("threshold"));
        Check(From is null || Until is null || From <= Until, "from", $"on or before {name("until")}");
        if (Categorical.Any(string.IsNullOrWhiteSpace))
            throw new InputException($"{name("categorical")} has an empty column name.", "Name each categorical feature.");
        if (Categorical.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"{name("categorical")} names '{twice.Key}' twice.", "Name each categorical feature once.");
    }
}

/// <summary>
/// The network. Tabular data: an MLP with these hidden layer widths, dropout after each hidden layer.
/// Signals and images: a CNN of convolution blocks (conv, batch norm, ReLU, max-pool) of these widths,
/// global average pooling, dropout and a linear head.
/// </summary>
public sealed record ArchitectureOptions
{
    public IReadOnlyList<int> Hidden { get; init; } = TrainingOptions.ParseHidden(TrainingOptions.Defaults.HiddenLayers);
    public double Dropout { get; init; } = TrainingOptions.Defaults.Dropout;

    /// <summary>Signals and images: the convolution blocks' widths (output channels).</summary>
    public IReadOnlyList<int> Conv { get; init; } = TrainingOptions.ParseHidden(TrainingOptions.Defaults.ConvWidths);

    /// <summary>Signals and images: the (odd) kernel size; null: 7 samples for signals, 3 x 3 pixels for images.</summary>
    public int? Kernel { get; init; }
}

/// <summary>What the examples are, where the files cannot say.</summary>
public sealed record InputOptions
{
    /// <summary>Signals: samples per second (signal files carry no rate); recorded in the card, needed by signal training.</summary>
    public double? SamplingRate { get; init; }
}

/// <summary>AdamW and its learning-rate schedule.</summary>
public sealed record OptimiserOptions
{
    /// <summary>Upper bound on passes over the fit rows; early stopping usually ends sooner.</summary>
    public int Epochs { get; init; } = TrainingOptions.Defaults.Epochs;
    public int BatchSize { get; init; } = TrainingOptions.Defaults.BatchSize;
    public double LearningRate { get; init; } = TrainingOptions.Defaults.LearningRate;

    /// <summary>AdamW's decoupled weight decay on weight matrices (biases and normalisation scales are not decayed). TorchSharp's default is 0.</summary>
    public double WeightDecay { get; init; } = TrainingOptions.Defaults.WeightDecay;

    /// <summary>"none", "cosine" (annealed to 0 over <see cref="Epochs"/>) or "plateau" (halved after patience/2 epochs without improvement).</summary>
    public string Schedule { get; init; } = TrainingOptions.Defaults.LrSchedule;
}

/// <summary>Early stopping on the early-stopping rows, the best epoch's weights restored.</summary>
public sealed record EarlyStoppingOptions
{
    /// <summary>"val_loss" (log loss, lower is better) or "val_auroc" (higher is better).</summary>
    public string Monitor { get; init; } = TrainingOptions.Defaults.Monitor;

    /// <summary>Epochs without an improvement of at least <see cref="MinDelta"/> before stopping.</summary>
    public int Patience { get; init; } = TrainingOptions.Defaults.Patience;
    public double MinDelta { get; init; } = TrainingOptions.Defaults.MinDelta;

    /// <summary>Early stopping never stops before this epoch.</summary>
    public int MinEpochs { get; init; } = TrainingOptions.Defaults.MinEpochs;
}

/// <summary>How rows get their roles.</summary>
public sealed record SplitOptions
{
    /// <summary>
    /// How the development reference is estimated: "kfold:K" (stratified, patient-grouped K-fold
    /// cross-validation; the exported model is refitted on every row), "leave-one-site-out", or
    /// "holdout" (one model; fit, early-stopping and development rows disjoint).
    /// </summary>
    public string Cv { get; init; } = TrainingOptions.Defaults.Cv;

    /// <summary>
    /// Share of each class (whole patients at a time) that early stopping watches, taken from the rows
    /// each model trains on; under holdout also the share held out as the development rows.
    /// </summary>
    public double ValidationFraction { get; init; } = TrainingOptions.Defaults.ValidationFraction;
}

/// <summary>Training-only augmentation of each batch on the device.</summary>
public sealed record AugmentationOptions
{
    /// <summary>Steps NAME:ARGUMENTS for the input kind (see <see cref="Augmentation.AugmentationChain"/>), comma-separated and applied in order, or "none".</summary>
    public string Chain { get; init; } = TrainingOptions.Defaults.Augment;
}

/// <summary>What the loss compares the network's output with: smoothed labels, mixed by mixup or CutMix.</summary>
public sealed record TargetOptions
{
    /// <summary>Label smoothing epsilon (PyTorch semantics: eps spread over all classes).</summary>
    public double LabelSmoothing { get; init; } = TrainingOptions.Defaults.LabelSmoothing;

    /// <summary>Mixup's Beta(alpha, alpha) parameter; 0 disables mixup.</summary>
    public double Mixup { get; init; } = TrainingOptions.Defaults.Mixup;

    /// <summary>
    /// CutMix's Beta(alpha, alpha) parameter (signal and image inputs); 0 disables CutMix. With mixup
    /// also on, each batch gets one of the two, chosen with probability 0.5 (see <see cref="Augmentation.BatchMixing"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("cutmix")]
    public double CutMix { get; init; } = TrainingOptions.Defaults.CutMix;
}

/// <summary>How the exported probabilities are calibrated.</summary>
public sealed record CalibrationOptions
{
    /// <summary>"temperature" (one temperature dividing the logits, fitted on held-out predictions) or "none".</summary>
    public string Method { get; init; } = TrainingOptions.Defaults.Calibration;
}
