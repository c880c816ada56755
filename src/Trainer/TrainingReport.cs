using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Trainer.Training;

namespace Harness.Trainer;

/// <summary>What training.json records: enough to audit and to reproduce the run.</summary>
public sealed record TrainingReport
{
    public required string HarnessVersion { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required JsonObject Config { get; init; }
    public required DeviceChoice Device { get; init; }
    public required IReadOnlyList<TrainingSite> Sites { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>A signal or image model's input: kind, channels, size, sampling rate and normalisation; absent for tabular data.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Harness.Core.Inputs.InputSpec? Input { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public string? PositiveClass { get; init; }

    /// <summary>Each fold's rows by role and its training curve (one fold, "holdout", under --cv holdout).</summary>
    public required IReadOnlyList<FoldRecord> Folds { get; init; }

    /// <summary>How the exported model was made: the holdout fold's network, or a refit on every row (the epoch rule, in words).</summary>
    public required string FinalModel { get; init; }

    /// <summary>
    /// Per feature: a numeric one's exported model's training-row median (imputation), mean and SD (standardisation);
    /// a categorical one's exported model's training-row levels, one one-hot column each.
    /// </summary>
    public required IReadOnlyDictionary<string, FeaturePreprocessing> Preprocessing { get; init; }

    /// <summary>The exported model's epochs (a refit records no validation loss: it has no early-stopping rows).</summary>
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }
    public required int BestEpoch { get; init; }
    public required bool StoppedEarly { get; init; }
    public string? StopReason { get; init; }

    /// <summary>The development reference: the held-out predictions of the folds (out-of-fold under cross-validation).</summary>
    public required DevelopmentEvaluation Development { get; init; }

    /// <summary>Each fold's metrics and their spread.</summary>
    public required CrossValidationRecord CrossValidation { get; init; }

    /// <summary>The temperature and the development reference's calibration before and after it.</summary>
    public required CalibrationRecord Calibration { get; init; }

    /// <summary>The binary model's operating threshold, chosen on the development predictions.</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    public required double Seconds { get; init; }

    public void Write(string path) => HarnessJson.WriteFile(this, path);
}

/// <summary>The rows of one role in a fold.</summary>
public sealed record RoleRows(int Rows, int Patients, IReadOnlyDictionary<string, int> ClassCounts);

/// <summary>One fold: its rows by role (fit the weights, choose the epoch, evaluate) and its model's training curve.</summary>
public sealed record FoldRecord(string Name, RoleRows Fit, RoleRows EarlyStopping, RoleRows Evaluate,
    IReadOnlyList<EpochRecord> Epochs, int BestEpoch, string? StopReason);

/// <summary>A numeric feature's median, mean and SD; a categorical feature's one-hot levels instead (the others are then left out).</summary>
public sealed record FeaturePreprocessing(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Median,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Mean,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Sd)
{
    /// <summary>The levels seen in the training split, ascending (categorical features only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? OneHotLevels { get; init; }
}
