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
    public required IReadOnlyList<string> ClassNames { get; init; }
    public string? PositiveClass { get; init; }
    public required SplitSummary Split { get; init; }

    /// <summary>
    /// Per feature: a numeric one's training-split median (imputation), mean and SD (standardisation);
    /// a categorical one's training-split levels, one one-hot column each.
    /// </summary>
    public required IReadOnlyDictionary<string, FeaturePreprocessing> Preprocessing { get; init; }

    public required IReadOnlyList<EpochRecord> Epochs { get; init; }
    public required int BestEpoch { get; init; }
    public required bool StoppedEarly { get; init; }
    public string? StopReason { get; init; }

    /// <summary>The development reference: metrics of the restored best weights on the validation split.</summary>
    public required DevelopmentEvaluation InternalValidation { get; init; }

    /// <summary>The binary model's operating threshold, chosen on the development predictions.</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    public required double Seconds { get; init; }

    public void Write(string path) => HarnessJson.WriteFile(this, path);
}

public sealed record SplitSummary(string Method, int Seed, double ValidationFraction, int TrainRows, int ValidationRows,
    int TrainPatients, int ValidationPatients, IReadOnlyDictionary<string, int> TrainClassCounts,
    IReadOnlyDictionary<string, int> ValidationClassCounts);

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
