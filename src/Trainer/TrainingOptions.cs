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
        public const string HiddenLayers = "32,16";
        public const double Dropout = 0.2;
        public const string Threshold = Harness.Core.Metrics.OperatingThreshold.Youden;
        public const string Augment = Augmentation.AugmentationChain.None;
        public const string Monitor = ValidationLoss;
        public const int MinEpochs = 1;
        public const string LrSchedule = ConstantLr;
        public const double Mixup = 0;
        public const string Cv = "kfold:5";
        public const string Calibration = TemperatureCalibration;
    }

    /// <summary>Upper bound on passes over the training split; early stopping usually ends sooner.</summary>
    public int Epochs { get; init; } = Defaults.Epochs;
    public int BatchSize { get; init; } = Defaults.BatchSize;
    public double LearningRate { get; init; } = Defaults.LearningRate;

    /// <summary>AdamW's decoupled weight decay on weights (biases are not decayed). TorchSharp's default is 0.</summary>
    public double WeightDecay { get; init; } = Defaults.WeightDecay;

    /// <summary>Label smoothing epsilon of the training loss (PyTorch semantics: eps spread over all classes).</summary>
    public double LabelSmoothing { get; init; } = Defaults.LabelSmoothing;

    /// <summary>Epochs without a validation-loss improvement of at least <see cref="MinDelta"/> before stopping.</summary>
    public int Patience { get; init; } = Defaults.Patience;
    public double MinDelta { get; init; } = Defaults.MinDelta;

    /// <summary>
    /// Share of each class (whole patients at a time) that early stopping watches, taken from the rows
    /// each model trains on; under --cv holdout also the share held out as the development rows.
    /// </summary>
    public double ValidationFraction { get; init; } = Defaults.ValidationFraction;

    public int Seed { get; init; } = Defaults.Seed;
    public IReadOnlyList<int> HiddenLayers { get; init; } = ParseHidden(Defaults.HiddenLayers);
    public double Dropout { get; init; } = Defaults.Dropout;

    /// <summary>The positive class of a binary problem; inferred only from unambiguous names (0/1, no/yes, ...).</summary>
    public string? PositiveClass { get; init; }

    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>
    /// The creation time the model card records; null: the time of training. Fixed, together with
    /// the seed, the data and the CPU, it makes model.onnx byte-identical from run to run. Recorded
    /// as the card's created_utc, so not again among the settings.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? CreatedUtc { get; init; }

    /// <summary>How a binary model's operating threshold is chosen on the development predictions (see OperatingThreshold).</summary>
    public string Threshold { get; init; } = Defaults.Threshold;

    /// <summary>Parses layer widths written as "64,32".</summary>
    public static IReadOnlyList<int> ParseHidden(string widths)
    {
        var parts = widths.Split(',', StringSplitOptions.TrimEntries);
        var parsed = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] < 1)
                throw new InputException($"--hidden '{widths}' is not a list of layer widths.", "Write positive integers separated by commas, e.g. --hidden 32,16.");
        return parsed;
    }

    public const string ValidationLoss = "val_loss", ValidationAuroc = "val_auroc";
    public const string ConstantLr = "none", CosineLr = "cosine", PlateauLr = "plateau";

    /// <summary>What early stopping watches on the early-stopping rows: "val_loss" (log loss, lower is better) or "val_auroc" (higher is better).</summary>
    public string Monitor { get; init; } = Defaults.Monitor;

    /// <summary>Early stopping never stops before this epoch.</summary>
    public int MinEpochs { get; init; } = Defaults.MinEpochs;

    /// <summary>Learning-rate schedule: "none", "cosine" (annealed to 0 over --epochs) or "plateau" (halved after patience/2 epochs without improvement).</summary>
    public string LrSchedule { get; init; } = Defaults.LrSchedule;

    /// <summary>Only rows dated on or after this day are trained on (undated rows are then left out); null: no lower bound.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Only rows dated on or before this day are trained on (undated rows are then left out); null: no upper bound.</summary>
    public DateOnly? Until { get; init; }

    /// <summary>Training-only augmentation of each batch on the device: "noise:SD" (numeric features only), "missing:P", comma-separated, or "none".</summary>
    public string Augment { get; init; } = Defaults.Augment;

    /// <summary>Mixup's Beta(alpha, alpha) parameter; 0 disables mixup.</summary>
    public double Mixup { get; init; } = Defaults.Mixup;

    /// <summary>
    /// How the development reference is estimated: "kfold:K" (stratified, patient-grouped K-fold
    /// cross-validation; the exported model is refitted on every row), "leave-one-site-out", or
    /// "holdout" (one model; fit, early-stopping and development rows disjoint).
    /// </summary>
    public string Cv { get; init; } = Defaults.Cv;

    public const string TemperatureCalibration = "temperature", NoCalibration = "none";

    /// <summary>How the exported probabilities are calibrated: "temperature" (fitted on held-out predictions) or "none".</summary>
    public string Calibration { get; init; } = Defaults.Calibration;

    /// <summary>
    /// Features holding integer codes of categories (cp 1-4, thal 3/6/7): one-hot encoded inside the
    /// model, one column per level seen in the training split; empty: every feature is numeric.
    /// </summary>
    public IReadOnlyList<string> Categorical { get; init; } = [];

    /// <summary>Parses column names written as "cp,thal" (an empty text: none).</summary>
    public static IReadOnlyList<string> ParseColumns(string? columns)
    {
        if (string.IsNullOrWhiteSpace(columns)) return [];
        var parsed = columns.Split(',', StringSplitOptions.TrimEntries);
        if (parsed.Any(string.IsNullOrEmpty))
            throw new InputException($"--categorical '{columns}' has an empty column name.", "Write feature names separated by commas, e.g. --categorical cp,thal.");
        return parsed;
    }

    /// <summary>Widest hidden layer: wider is no tabular model, and two such layers would need gigabytes.</summary>
    public const int MaxHiddenWidth = 16_384;

    /// <summary>Checks ranges; errors name the command-line option to change.</summary>
    public void Validate()
    {
        static void Check(bool ok, string option, string rule)
        {
            if (!ok) throw new InputException($"--{option} must be {rule}.", $"Change --{option}.");
        }
        Check(Epochs >= 1, "epochs", "at least 1");
        Check(BatchSize >= 1, "batch-size", "at least 1");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), "learning-rate", "positive");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight-decay", "zero or positive");
        Check(LabelSmoothing is >= 0 and < 1, "label-smoothing", "in [0, 1)");
        Check(Patience >= 1, "patience", "at least 1");
        Check(MinDelta >= 0 && double.IsFinite(MinDelta), "min-delta", "zero or positive");
        Check(ValidationFraction is > 0 and < 1, "validation-fraction", "between 0 and 1 (exclusive)");
        Check(HiddenLayers.Count >= 1 && HiddenLayers.All(h => h is >= 1 and <= MaxHiddenWidth), "hidden",
            $"a comma-separated list of layer widths from 1 to {MaxHiddenWidth:N0}");
        Check(Dropout is >= 0 and < 1, "dropout", "in [0, 1)");
        Harness.Core.Metrics.OperatingThreshold.Validate(Threshold);
        Augmentation.AugmentationChain.Parse(Augment);
        Check(From is null || Until is null || From <= Until, "from", "on or before --until");
        Check(Monitor is ValidationLoss or ValidationAuroc, "monitor", $"{ValidationLoss} or {ValidationAuroc}");
        Check(MinEpochs >= 0 && MinEpochs <= Epochs, "min-epochs", "from 0 to --epochs");
        Check(LrSchedule is ConstantLr or CosineLr or PlateauLr, "lr-schedule", $"{ConstantLr}, {CosineLr} or {PlateauLr}");
        Check(Mixup is >= 0 and <= 10, "mixup", "from 0 (off) to 10");
        Data.CrossValidation.Parse(Cv);
        Check(Calibration is TemperatureCalibration or NoCalibration, "calibration", $"{TemperatureCalibration} or {NoCalibration}");
        if (Categorical.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"--categorical names '{twice.Key}' twice.", "Name each categorical feature once.");
    }
}
