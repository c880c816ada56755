using System.Text.Json.Serialization;
using Harness.Core.Metrics;

namespace Harness.Core.ModelCards;

/// <summary>
/// How the development reference was estimated: the scheme ("kfold:5", "leave-one-site-out",
/// "holdout"), each fold's held-out rows scored by the one model that never saw them (with
/// intervals), the spread of each metric over the folds, and how the exported model was made.
/// Under leave-one-site-out each fold is a training site predicted by a model trained on the
/// others: the model's own estimate of its performance at a new hospital.
/// </summary>
public sealed record CrossValidationRecord(string Scheme, IReadOnlyList<FoldEvaluation> Folds,
    IReadOnlyDictionary<string, FoldSpread> Spread, string FinalModel);

/// <param name="Name">"fold 2 of 5", "holdout", or the held-out site.</param>
/// <param name="BestEpoch">The epoch early stopping chose for this fold's model.</param>
public sealed record FoldEvaluation(string Name, int N, IReadOnlyDictionary<string, int> ClassCounts, int BestEpoch, MetricSet Metrics);

/// <summary>A metric's point values over the folds where it is defined: mean, sample SD (n - 1), smallest and largest.</summary>
public sealed record FoldSpread(int Folds, double Mean, double Sd, double Min, double Max)
{
    /// <summary>The spread of <paramref name="values"/>; null for fewer than two.</summary>
    public static FoldSpread? Of(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new FoldSpread(values.Count, mean, sd, values.Min(), values.Max());
    }
}

/// <summary>
/// How the model's probabilities were calibrated: the method ("temperature" or "none"), the
/// temperature the graph divides the logits by, the rows it was fitted on, and the development
/// reference's calibration before and after (log loss, ECE, and for binary models the calibration
/// intercept and slope), so the effect is on record.
/// </summary>
public sealed record CalibrationRecord(string Method, double Temperature, string FittedOn,
    IReadOnlyDictionary<string, double?> DevelopmentBefore, IReadOnlyDictionary<string, double?> DevelopmentAfter)
{
    [JsonIgnore]
    public bool Applied => Method != "none";
}

/// <summary>
/// How each network of the run learned, epoch by epoch: every cross-validation fold's model, then
/// the exported refit. Losses are the mean training loss (with label smoothing and mixup, as
/// optimised) and the early-stopping rows' loss (null where there were none, as in the refit).
/// </summary>
public sealed record TrainingHistory(IReadOnlyList<ModelHistory> Models);

/// <param name="Name">"fold 2 of 5", the held-out site, or "exported model".</param>
/// <param name="BestEpoch">The epoch whose weights the model kept (early stopping's choice; the refit's last).</param>
public sealed record ModelHistory(string Name, int BestEpoch, IReadOnlyList<double> TrainLoss, IReadOnlyList<double?> ValidationLoss);
