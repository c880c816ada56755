using System.Text.Json.Nodes;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;

namespace Harness.Validator.Results;

/// <summary>
/// Everything one validation run found: what results.json holds and what the PDF report draws.
/// Later additions (confidence intervals, subgroups, shift diagnostics, gates) extend these
/// records; readers ignore what they do not know.
/// </summary>
public sealed record ValidationResults
{
    public required ModelIdentity Model { get; init; }
    public required ExecutionInfo Execution { get; init; }

    /// <summary>The reference: the model's internal validation on its own training sites.</summary>
    public required DevelopmentEvaluation Development { get; init; }

    public required IReadOnlyList<SiteResult> Sites { get; init; }
}

/// <summary>Which model was validated: the exact file and what its card says.</summary>
public sealed record ModelIdentity
{
    public required string Path { get; init; }
    public required string Sha256 { get; init; }
    public required string HarnessVersion { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }
    public required IReadOnlyList<string> FeatureNames { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public string? PositiveClass { get; init; }
    public required IReadOnlyList<TrainingSite> TrainingSites { get; init; }
    public required JsonObject TrainingConfig { get; init; }
}

/// <summary>Where inference ran and why there, said out loud (no silent GPU-to-CPU fallback).</summary>
/// <param name="Requested">auto, cpu or cuda, as asked.</param>
/// <param name="Provider">The ONNX Runtime execution provider that ran: CUDAExecutionProvider or CPUExecutionProvider.</param>
/// <param name="Reason">Why that provider.</param>
public sealed record ExecutionInfo(string Requested, string Provider, string Reason, string HarnessVersion, DateTimeOffset StartedUtc);

/// <summary>One site's outcome.</summary>
public sealed record SiteResult
{
    public required string Name { get; init; }
    public required string ManifestPath { get; init; }
    public required string ManifestSha256 { get; init; }
    public required int N { get; init; }
    public required IReadOnlyDictionary<string, int> ClassCounts { get; init; }

    /// <summary>Share of the positive class (binary models only).</summary>
    public double? Prevalence { get; init; }

    /// <summary>False when this manifest (by name or by hash) is one the model was trained on.</summary>
    public required bool HeldOut { get; init; }

    public required MetricSet Metrics { get; init; }

    /// <summary>Site value minus development value, metric by metric.</summary>
    public required MetricSet Gap { get; init; }

    public required CalibrationCurve Calibration { get; init; }
}

/// <summary>
/// Reliability-diagram data. Binary models: predicted risk of the positive class against its
/// observed frequency (what a clinician reads as calibration). Multiclass: top-label confidence
/// against accuracy.
/// </summary>
/// <param name="Kind">"positive_class" or "top_label".</param>
/// <param name="Class">The class whose risk is binned (positive_class only).</param>
public sealed record CalibrationCurve(string Kind, string? Class, IReadOnlyList<ReliabilityBin> Bins);
