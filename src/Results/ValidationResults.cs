using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Statistics;

namespace Harness.Results;

/// <summary>
/// Everything one validation run found: what results.json holds and what the PDF report draws.
/// Every metric carries its interval (or a note saying why none), every gap says whether it is
/// distinguishable from zero, and warnings say where a number cannot carry much weight.
/// </summary>
public sealed record ValidationResults
{
    /// <summary>results.json's format: readers reject what they do not know.</summary>
    public const string CurrentFormat = "3";

    public string Format { get; init; } = CurrentFormat;
    public required ModelIdentity Model { get; init; }
    public required ExecutionInfo Execution { get; init; }

    /// <summary>How the intervals were computed: level, bootstrap resamples (0 = off) and seed.</summary>
    public required IntervalOptions Intervals { get; init; }

    /// <summary>The reference: the model's internal validation on its own training sites.</summary>
    public required DevelopmentEvaluation Development { get; init; }

    /// <summary>
    /// The development reference's plot data, computed from the model card's development predictions by the
    /// same code as each site's: calibration (bins, loess curve with its band, risk histogram) and the ROC and
    /// precision-recall curves. Null for cards without development predictions (format 1) and in results.json
    /// files written before it existed.
    /// </summary>
    public DevelopmentCurves? DevelopmentCurves { get; init; }

    public required IReadOnlyList<SiteResult> Sites { get; init; }

    /// <summary>
    /// The pooled metrics across the external (held-out) sites, or why there are none (fewer than 3).
    /// Null only in results.json files written before pooling existed.
    /// </summary>
    public PooledEstimates? Pooled { get; init; }

    /// <summary>Warnings about the run as a whole (the development reference, the device).</summary>
    public required IReadOnlyList<ValidationWarning> Warnings { get; init; }

    /// <summary>The acceptance criteria's verdicts, when --criteria was given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CriteriaOutcome? Criteria { get; init; }

    /// <summary>
    /// Results merged by <c>harness report</c> from separate runs: each run's file, the SHA-256 of
    /// its results as read, where it ran, and its sites. Null for a single run (see <see cref="Execution"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<MergedRun>? MergedFrom { get; init; }
}

/// <summary>One validation run merged into these results.</summary>
/// <param name="ResultsSha256">SHA-256 of the run's results.json as read (what <c>sha256sum</c> prints for it).</param>
public sealed record MergedRun(string File, string ResultsSha256, ExecutionInfo Execution, IReadOnlyList<string> Sites);


/// <summary>Which model was validated: the exact file and what its card says.</summary>
public sealed record ModelIdentity
{
    public required string Path { get; init; }
    public required string Sha256 { get; init; }
    public required string HarnessVersion { get; init; }
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The model card's format ("1" cards carry no development predictions, so gaps have no intervals).</summary>
    public string CardFormat { get; init; } = ModelCard.FormatVersion;

    /// <summary>A tabular model's features; empty for a signal or image model.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>A signal or image model's input (kind, channels, size, normalisation); absent for a tabular model.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Harness.Core.Inputs.InputSpec? Input { get; init; }

    public required IReadOnlyList<string> ClassNames { get; init; }
    public string? PositiveClass { get; init; }

    /// <summary>The binary model's operating threshold: where sensitivity, specificity, PPV, NPV and F1 are measured.</summary>
    public OperatingPoint? OperatingPoint { get; init; }

    public required IReadOnlyList<TrainingSite> TrainingSites { get; init; }
    public required JsonObject TrainingConfig { get; init; }

    /// <summary>How the model's probabilities were calibrated (null for cards before format 4).</summary>
    public CalibrationRecord? Calibration { get; init; }

    /// <summary>The folds behind the development reference; under leave-one-site-out, the model's own estimate of external performance (null for cards before format 4).</summary>
    public CrossValidationRecord? CrossValidation { get; init; }

    /// <summary>Where the model was trained and why (null when its card does not say).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DeviceChoice? TrainingDevice { get; init; }

    /// <summary>Each network's losses per epoch and chosen epoch (null when its card does not carry them).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrainingHistory? TrainingHistory { get; init; }
}

/// <summary>Where inference ran and why there, said out loud (no silent GPU-to-CPU fallback).</summary>
/// <param name="Requested">auto, cpu or cuda, as asked.</param>
/// <param name="Provider">The ONNX Runtime execution provider that ran: CUDAExecutionProvider or CPUExecutionProvider.</param>
/// <param name="Reason">Why that provider.</param>
public sealed record ExecutionInfo(string Requested, string Provider, string Reason, string HarnessVersion, DateTimeOffset StartedUtc)
{
    /// <summary>The software that validated: ONNX Runtime, .NET and the operating system, with versions (null in results from before it was recorded).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Software { get; init; }
}

/// <summary>One site's outcome.</summary>
public sealed record SiteResult
{
    public required string Name { get; init; }
    public required string ManifestPath { get; init; }
    public required string ManifestSha256 { get; init; }
    public required int N { get; init; }

    /// <summary>Distinct patients among the rows (the manifest's patient column; each row its own patient without one). Null in older results.</summary>
    public int? Patients { get; init; }

    public required IReadOnlyDictionary<string, int> ClassCounts { get; init; }

    /// <summary>Share of the positive class (binary models only).</summary>
    public double? Prevalence { get; init; }

    /// <summary>The kind of hold-out (Harness.Validator.HoldoutType): internal, temporal, institutional, temporal+institutional or unknown.</summary>
    public required string Holdout { get; init; }

    /// <summary>Why the site is that kind of hold-out, in words.</summary>
    public required string HoldoutReason { get; init; }

    /// <summary>True for temporal and (temporal+)institutional hold-outs: the site's numbers are external evidence.</summary>
    public required bool HeldOut { get; init; }

    /// <summary>Rows found among the model's training rows (its fingerprint); null for cards before format 4.</summary>
    public long? RowsSeenInTraining { get; init; }

    /// <summary>The site's first and last date (null without dates) and its rows without a date.</summary>
    public DateOnly? FirstDate { get; init; }
    public DateOnly? LastDate { get; init; }
    public long UndatedRows { get; init; }

    /// <summary>Per model feature, the share of this site's rows where it is missing.</summary>
    public required IReadOnlyDictionary<string, double> MissingRates { get; init; }

    /// <summary>
    /// How this site's rows differ from the training rows, feature by feature, most shifted first, and
    /// in class shares; or why that is not known. Null only in results.json files written before it existed.
    /// </summary>
    public SiteShift? Shift { get; init; }

    public required MetricSet Metrics { get; init; }

    /// <summary>Site value minus development value, metric by metric, with intervals.</summary>
    public required MetricSet Gap { get; init; }

    public required CalibrationCurve Calibration { get; init; }

    /// <summary>
    /// The ROC and precision-recall curves, thinned for plotting (binary models with both classes present;
    /// null otherwise and in results.json files written before they existed).
    /// </summary>
    public DiscriminationCurves? Discrimination { get; init; }

    /// <summary>Each --subgroup: every metric per level, and the largest difference between levels (null without --subgroup).</summary>
    public IReadOnlyList<SubgroupResult>? Subgroups { get; init; }

    /// <summary>Net benefit of the model, of treating all and of treating none over thresholds 0.05-0.50 (binary models only).</summary>
    public DecisionCurve? DecisionCurve { get; init; }

    /// <summary>With --from/--to: the window and the rows it left out (<see cref="N"/> counts the rows within it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WindowCounts? Window { get; init; }

    /// <summary>With --by: every catalog metric with its interval, period by period.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PeriodBreakdown? Periods { get; init; }

    /// <summary>With --by: the change per year of AUROC, O/E and the calibration slope across the periods.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrendEstimates? Trend { get; init; }

    public required IReadOnlyList<ValidationWarning> Warnings { get; init; }
}

/// <summary>--from/--to as applied to one site: the bounds (null: open) and the rows left out, never scored.</summary>
/// <param name="DatedOutside">Rows dated before --from or after --to.</param>
/// <param name="UndatedLeftOut">Rows without a date: no one can say they fall in the window.</param>
public sealed record WindowCounts(DateOnly? From, DateOnly? To, long DatedOutside, long UndatedLeftOut);

/// <summary>A site sliced into calendar periods (--by): the unit and the periods holding rows, in time order.</summary>
/// <param name="By">year, quarter or month.</param>
public sealed record PeriodBreakdown(string By, IReadOnlyList<PeriodResult> List);

/// <summary>
/// One period of a site: its label ("2019", "2019-Q3", "2019-07"), first and last day (clipped to
/// --from/--to), midpoint in decimal years (the time the trend is regressed on), size, class counts
/// and every catalog metric with its interval.
/// </summary>
public sealed record PeriodResult
{
    public required string Label { get; init; }

    /// <summary>The period's kind of hold-out (Harness.Validator.HoldoutType): a training institution's periods after its training period are temporal.</summary>
    public required string Holdout { get; init; }
    public required DateOnly From { get; init; }
    public required DateOnly To { get; init; }
    public required double MidpointYear { get; init; }
    public required int N { get; init; }
    public required IReadOnlyDictionary<string, int> ClassCounts { get; init; }
    public required MetricSet Metrics { get; init; }
}

/// <summary>
/// Calibration data for plots. Binary models: predicted risk of the positive class against its
/// observed frequency in equal-width bins, and the loess calibration curve (what a clinician
/// reads as calibration). Multiclass: top-label confidence against accuracy.
/// </summary>
/// <param name="Kind">"positive_class" or "top_label".</param>
/// <param name="Class">The class whose risk is binned (positive_class only).</param>
/// <param name="Flexible">
/// The loess curve at evenly spaced risks (binary models; null when undefined), each point with its pointwise
/// confidence band at the run's interval level (lower/upper; null in results.json files written before it existed).
/// </param>
/// <param name="Histogram">
/// The rows' risks (top-label confidences) in 50 bins, with and without the event (correct or not), for the
/// histogram beneath the plot; null in results.json files written before it existed.
/// </param>
public sealed record CalibrationCurve(string Kind, string? Class, IReadOnlyList<ReliabilityBin> Bins,
    IReadOnlyList<CalibrationCurvePoint>? Flexible = null, RiskHistogram? Histogram = null);

/// <summary>The development reference's plot data, as a site's <see cref="SiteResult.Calibration"/> and <see cref="SiteResult.Discrimination"/>.</summary>
public sealed record DevelopmentCurves(CalibrationCurve Calibration, DiscriminationCurves? Discrimination);

/// <summary>Something that limits what a number can mean, computed from the data: a code, a sentence, and the numbers behind it.</summary>
public sealed record ValidationWarning(string Code, string Message, IReadOnlyDictionary<string, double> Numbers);

/// <summary>One subgroup of a site: each level's metrics, and per headline metric the largest difference between two levels.</summary>
/// <param name="Edges">The band edges of a numeric subgroup; null when each value is a level.</param>
public sealed record SubgroupResult(string Name, IReadOnlyList<double>? Edges, IReadOnlyList<SubgroupLevel> Levels,
    IReadOnlyDictionary<string, SubgroupDifference> LargestDifference);

public sealed record SubgroupLevel(string Level, int N, IReadOnlyDictionary<string, int> ClassCounts, MetricSet Metrics);

/// <summary>The level with the highest value minus the one with the lowest, with the interval of that difference.</summary>
public sealed record SubgroupDifference(string Highest, string Lowest, MetricValue Difference);
