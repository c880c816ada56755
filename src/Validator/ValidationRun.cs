using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Validator.Inference;
using Harness.Validator.Results;
using Harness.Validator.Scoring;

namespace Harness.Validator;

public sealed record ValidationOptions
{
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 4096;

    /// <summary>Confidence level, bootstrap resamples and seed of every interval.</summary>
    public IntervalOptions Intervals { get; init; } = new();
}

/// <summary>
/// `harness validate`: score a Harness ONNX model on each site and compare with its development
/// reference, every number with its interval; pool the external sites (<see cref="SitePooling"/>). Every site's folder and header are checked against
/// the model before any scoring.
/// </summary>
public static class ValidationRun
{
    /// <param name="predictionsDestination">Receives predictions.csv as scoring streams.</param>
    /// <param name="beforeScoring">Called with the loaded model before any site is scored (to check inputs that depend on it).</param>
    public static ValidationResults Run(string modelPath, IReadOnlyList<string> siteFolders, ValidationOptions options,
        TextWriter predictionsDestination, IValidationProgress? progress = null, CancellationToken cancellation = default,
        Action<ModelCard>? beforeScoring = null)
    {
        if (options.BatchSize < 1) throw new InputException("--batch-size must be at least 1.", "Change --batch-size.");
        options.Intervals.Validate();
        if (siteFolders.Count == 0) throw new InputException("no site was given.", "Pass at least one --site DIR.");
        var started = DateTimeOffset.UtcNow;
        var sites = siteFolders.Select(SiteFolder.Open).ToList();
        if (sites.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"two sites are named '{twice.Key}'.", "Site names come from folder names; give each a distinct name.");

        using var model = HarnessModel.Load(modelPath, options.Device);
        progress?.DeviceChosen(model.Execution);
        foreach (var site in sites)
        {
            using var reader = ManifestReader.Open(site);
            reader.Schema.AlignTo(model.Card.FeatureNames, PathDisplay.Of(site.ManifestPath), "the model");
        }
        var card = model.Card;
        beforeScoring?.Invoke(card);

        var intervals = options.Intervals;
        double? threshold = card.OperatingPoint?.Threshold;
        var developmentExamples = card.DevelopmentPredictions?.ToScored(card.ClassNames, card.PositiveClassIndex);
        var development = developmentExamples is null ? null
            : MetricEstimator.Estimate(developmentExamples, threshold, intervals, DevelopmentEvaluation.SampleKey, cancellation);

        using var predictions = new PredictionsCsv(predictionsDestination, card.ClassNames);
        var results = new List<SiteResult>();
        var estimates = new List<SampleEstimate>();
        foreach (var site in sites)
        {
            progress?.SiteStarted(site.Name);
            var scored = SiteScorer.Score(model, site, predictions, options.BatchSize, progress, cancellation);
            var (result, estimate) = Summarise(card, scored, development, intervals, cancellation);
            results.Add(result);
            estimates.Add(estimate);
        }

        return new ValidationResults
        {
            Model = new ModelIdentity
            {
                Path = model.FilePath,
                Sha256 = model.Sha256,
                HarnessVersion = card.HarnessVersion,
                CreatedUtc = card.CreatedUtc,
                CardFormat = card.Format,
                FeatureNames = card.FeatureNames,
                ClassNames = card.ClassNames,
                PositiveClass = card.PositiveClass,
                OperatingPoint = card.OperatingPoint,
                TrainingSites = card.TrainingSites,
                TrainingConfig = card.TrainingConfig,
                Calibration = card.Calibration,
                CrossValidation = card.CrossValidation,
            },
            Execution = new ExecutionInfo(model.Execution.Requested, model.Execution.Used, model.Execution.Reason, HarnessInfo.Version, started),
            Intervals = intervals,
            Development = development is null
                ? card.Development
                : card.Development with { Metrics = development.Metrics, Intervals = intervals },
            Sites = results,
            Pooled = SitePooling.Pool(results.Select((r, i) => (r.Name, r.HeldOut, estimates[i])).ToList(), intervals.Level),
            Warnings = Warnings.ForRun(card, developmentExamples, model.Execution),
        };
    }

    private static (SiteResult, SampleEstimate) Summarise(ModelCard card, ScoredSite scored, SampleEstimate? development, IntervalOptions intervals,
        CancellationToken cancellation)
    {
        var examples = scored.Examples;
        var site = scored.Site;
        var estimate = MetricEstimator.Estimate(examples, card.OperatingPoint?.Threshold, intervals, site.Name, cancellation);
        var counts = examples.ClassCounts();
        var missing = card.FeatureNames.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => (double)scored.MissingByFeature[x.i] / examples.Count);
        var (holdout, holdoutReason) = HoldoutType.Classify(card, site.Name, scored.ManifestSha256, scored.ContentSha256, examples.Count,
            scored.RowsSeenInTraining, scored.Dates.First, scored.Dates.Last, scored.Dates.Undated);
        var result = new SiteResult
        {
            Name = site.Name,
            ManifestPath = site.ManifestPath,
            ManifestSha256 = scored.ManifestSha256,
            N = examples.Count,
            ClassCounts = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => counts[x.i]),
            Prevalence = examples.PositiveClass is int pos ? (double)counts[pos] / examples.Count : null,
            Holdout = holdout,
            HoldoutReason = holdoutReason,
            HeldOut = HoldoutType.IsHeldOut(holdout),
            RowsSeenInTraining = scored.RowsSeenInTraining,
            FirstDate = scored.Dates.First,
            LastDate = scored.Dates.Last,
            UndatedRows = scored.Dates.Undated,
            MissingRates = missing,
            Shift = scored.Shift,
            Metrics = estimate.Metrics,
            Gap = development is null
                ? MetricEstimator.GapWithoutInterval(estimate, card.Development.Metrics,
                    "no interval: the model card carries no development predictions (format 1)")
                : MetricEstimator.Gap(estimate, development, intervals),
            Calibration = examples.PositiveClass is int positive
                ? new CalibrationCurve("positive_class", card.ClassNames[positive], ClassificationMetrics.ClassReliability(examples, positive),
                    estimate.FlexibleCalibration?.Curve)
                : new CalibrationCurve("top_label", null, ClassificationMetrics.TopLabelReliability(examples)),
            Warnings = Warnings.ForSite(site.Name, examples, missing, card.FeatureMissingRates, scored.UnseenLevels, holdout, scored.RowsSeenInTraining,
                scored.Shift),
        };
        return (result, estimate);
    }
}
