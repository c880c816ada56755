using System.Runtime;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Validator.Inference;
using Harness.Results;
using Harness.Validator.Scoring;
using Microsoft.ML.OnnxRuntime;

namespace Harness.Validator;

public sealed record ValidationOptions
{
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>
    /// Examples per ONNX Runtime call; null: <see cref="TabularBatchSize"/> rows for a tabular model,
    /// <see cref="FileBatchSize"/> for a signal or image model, whose activations grow with the batch.
    /// </summary>
    public int? BatchSize { get; init; }

    public const int TabularBatchSize = 4096, FileBatchSize = 32;

    /// <summary>Confidence level, bootstrap resamples and seed of every interval.</summary>
    public IntervalOptions Intervals { get; init; } = new();

    /// <summary>Subgroups to audit at every site (--subgroup).</summary>
    public IReadOnlyList<SubgroupSpec> Subgroups { get; init; } = [];

    /// <summary>--from/--to: only the rows dated within it are validated (undated rows are left out); null: every row.</summary>
    public DateWindow? Window { get; init; }

    /// <summary>--by: slice each site's dated rows into calendar periods, each with every metric, and test for a trend; null: no slicing.</summary>
    public PeriodUnit? By { get; init; }
}

/// <summary>
/// `harness validate`: score a Harness ONNX model on each site and compare with its development
/// reference, every number with its interval; pool the external sites (<see cref="SitePooling"/>).
/// Every site's folder and header are checked against the model before any scoring, and so are its
/// dates when --from/--to or --by needs them. With a window, rows outside it are left out before
/// scoring; with --by, each site is also sliced into periods (a <see cref="SliceCollector"/> keyed by period), each
/// period gets every metric, and AUROC, O/E and the calibration slope a trend over them
/// (<see cref="PeriodTrend"/>).
/// </summary>
public static class ValidationRun
{
    /// <param name="predictionsDestination">Receives predictions.csv as scoring streams.</param>
    /// <param name="beforeScoring">Called with the loaded model before any site is scored (to check inputs that depend on it).</param>
    public static ValidationResults Run(string modelPath, IReadOnlyList<string> siteFolders, ValidationOptions options,
        TextWriter predictionsDestination, IValidationProgress? progress = null, CancellationToken cancellation = default,
        Action<ModelCard>? beforeScoring = null)
    {
        if (options.BatchSize is < 1) throw new InputException("--batch-size must be at least 1.", "Change --batch-size.");
        options.Intervals.Validate();
        options.Window?.Validate();
        if (siteFolders.Count == 0) throw new InputException("no site was given.", "Pass at least one --site DIR.");
        var started = DateTimeOffset.UtcNow;
        var sites = siteFolders.Select(SiteFolder.Open).ToList();
        if (sites.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"two sites are named '{twice.Key}'.", "Site names come from folder names; give each a distinct name.");

        using var model = HarnessModel.Load(modelPath, options.Device);
        progress?.DeviceChosen(model.Execution);
        var schemas = new List<ManifestSchema>();
        foreach (var site in sites)
        {
            using var reader = ManifestReader.Open(site);
            string manifest = PathDisplay.Of(site.ManifestPath);
            ModelInputs.CheckSchema(model.Card, reader.Schema, manifest);
            foreach (var subgroup in options.Subgroups) subgroup.KeyFor(reader.Schema, model.Card, manifest); // before any scoring
            schemas.Add(reader.Schema);
        }
        foreach (var site in sites) CheckDates(site, options);
        var card = model.Card;
        beforeScoring?.Invoke(card);

        var intervals = options.Intervals;
        double? threshold = card.OperatingPoint?.Threshold;
        var developmentExamples = card.DevelopmentPredictions?.ToScored(card.ClassNames, card.PositiveClassIndex);
        var development = developmentExamples is null ? null
            : MetricEstimator.Estimate(developmentExamples, threshold, intervals, DevelopmentEvaluation.SampleKey, cancellation, discriminationCurves: true);

        int batchSize = options.BatchSize ?? (card.Input is null ? ValidationOptions.TabularBatchSize : ValidationOptions.FileBatchSize);
        using var predictions = new PredictionsCsv(predictionsDestination, card.ClassNames);
        var results = new List<SiteResult>();
        var estimates = new List<SampleEstimate>();
        for (int s = 0; s < sites.Count; s++)
        {
            var site = sites[s];
            progress?.SiteStarted(site.Name);
            string manifest = PathDisplay.Of(site.ManifestPath);
            var slicers = options.Subgroups.Select(g => new SliceCollector(card, schemas[s].HasPatientId, g.KeyFor(schemas[s], card, manifest),
                SubgroupSpec.MaxLevels, max => new InputException($"--subgroup '{g.Name}' has more than {max} distinct values at this site.",
                    $"Give band edges for a numeric column, e.g. --subgroup {g.Name}:40,60,75, or choose a column with fewer levels.", manifest))).ToList();
            var filter = options.Window is { } window ? new WindowFilter(window) : null;
            // Periods are sliced by label ("2019", "2019-Q3", "2019-07": ordinal order is time order); undated rows in none.
            var periodOf = new Dictionary<string, Period>(StringComparer.Ordinal);
            string? PeriodLabel(in ScoredBatch batch, int row)
            {
                if (batch.Date(row) is not { } date) return null;
                var period = Period.Of(date, options.By!.Value, options.Window);
                periodOf.TryAdd(period.Label, period);
                return period.Label;
            }
            var slicer = options.By is null ? null : new SliceCollector(card, schemas[s].HasPatientId, PeriodLabel);
            // No local holds the scored site: Summarise lets go of its examples' original order.
            var (result, estimate) = Summarise(card, SiteScorer.Score(model, site, predictions, batchSize, progress, cancellation,
                [.. slicers, .. slicer is null ? Array.Empty<ISiteObserver>() : [slicer]], filter), development, intervals, cancellation);
            if (filter is not null)
                result = result with { Window = new WindowCounts(filter.Window.From, filter.Window.To, filter.DatedOutside, filter.Undated) };
            if (slicer is not null) result = WithPeriods(result, card, options.By!.Value, slicer.Slices().Select(p => (periodOf[p.Key], p.Examples)), intervals, cancellation);
            if (filter is not null || slicer is not null) result = result with { Warnings = [.. result.Warnings, .. Warnings.ForDates(result, card.PositiveClass)] };
            if (options.Subgroups.Count > 0)
            {
                var headline = MetricCatalog.Headline(card.PositiveClass is not null);
                var subgroups = options.Subgroups.Select((g, i) => g.Summarise(site.Name, slicers[i].Slices(), card, intervals, headline, cancellation)).ToList();
                result = result with { Subgroups = subgroups, Warnings = [.. result.Warnings, .. Warnings.ForSubgroups(subgroups, card)] };
            }
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
                Input = card.Input,
                ClassNames = card.ClassNames,
                PositiveClass = card.PositiveClass,
                OperatingPoint = card.OperatingPoint,
                TrainingSites = card.TrainingSites,
                TrainingConfig = card.TrainingConfig,
                Calibration = card.Calibration,
                CrossValidation = card.CrossValidation,
                TrainingDevice = card.TrainingDevice,
                TrainingHistory = card.TrainingHistory,
            },
            Execution = new ExecutionInfo(model.Execution.Requested, model.Execution.Used, model.Execution.Reason, HarnessInfo.Version, started)
            {
                Software = new Dictionary<string, string>
                {
                    ["onnx_runtime"] = OrtEnv.Instance().GetVersionString(),
                    ["dotnet"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                    ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                },
            },
            Intervals = intervals,
            Development = development is null
                ? card.Development
                : card.Development with { Metrics = development.Metrics, Intervals = intervals },
            DevelopmentCurves = development is null ? null
                : new DevelopmentCurves(CalibrationOf(card, developmentExamples!, development), development.Discrimination),
            Sites = results,
            Pooled = SitePooling.Pool(results.Select((r, i) => (r.Name, r.HeldOut, estimates[i])).ToList(), intervals.Level),
            Warnings = Warnings.ForRun(card, developmentExamples, model.Execution),
        };
    }

    /// <summary>
    /// The dates --from/--to and --by need, checked before anything is scored: the manifest has a
    /// date column, and at least one row is dated (within the window, when one is given). The
    /// rows are read until the first such row, which is usually the first row.
    /// </summary>
    private static void CheckDates(SiteFolder site, ValidationOptions options)
    {
        if (options.Window is null && options.By is null) return;
        string file = PathDisplay.Of(site.ManifestPath);
        string asking = options.Window is null ? $"--by {Period.Name(options.By!.Value)}"
            : options.By is null ? "--from/--to" : $"--from/--to and --by {Period.Name(options.By.Value)}";
        using var reader = ManifestReader.Open(site);
        if (!reader.Schema.HasDate)
            throw new InputException($"{asking} need{(options.Window is null ? "s" : "")} each row's date, but this manifest has no '{ManifestSchema.DateColumn}' column.",
                $"Add a '{ManifestSchema.DateColumn}' column (YYYY-MM-DD) to the manifest, or leave out {asking}.", file);
        if (options.Window is { } window)
        {
            var filter = new WindowFilter(window);
            if (!reader.ReadRows().Any(r => filter.Keep(r.Date))) throw SiteScorer.NoRowInWindow(filter, file);
        }
        else if (!reader.ReadRows().Any(r => r.Date is not null))
            throw new InputException($"{asking} needs each row's date, but no row of this manifest has one (its '{ManifestSchema.DateColumn}' column is empty).",
                $"Fill in the '{ManifestSchema.DateColumn}' column (YYYY-MM-DD), or leave out {asking}.", file);
    }

    /// <summary>The site's periods, each with every catalog metric (its own resamples: sample key "site/period"), and the trend over them.</summary>
    private static SiteResult WithPeriods(SiteResult result, ModelCard card, PeriodUnit by, IEnumerable<(Period Period, ScoredExamples Examples)> slices,
        IntervalOptions intervals, CancellationToken cancellation)
    {
        double? threshold = card.OperatingPoint?.Threshold;
        var periods = new List<PeriodResult>();
        var estimates = new List<(string Label, double Time, SampleEstimate Estimate)>();
        foreach (var (period, examples) in slices)
        {
            var estimate = MetricEstimator.Estimate(examples, threshold, intervals, $"{result.Name}/{period.Label}", cancellation);
            var counts = examples.ClassCounts();
            periods.Add(new PeriodResult
            {
                Label = period.Label,
                Holdout = HoldoutType.OfPeriod(card, result, period.First, period.Last),
                From = period.First,
                To = period.Last,
                MidpointYear = period.MidpointYear,
                N = examples.Count,
                ClassCounts = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => counts[x.i]),
                Metrics = estimate.Metrics,
            });
            estimates.Add((period.Label, period.MidpointYear, estimate));
        }
        return result with
        {
            Periods = new PeriodBreakdown(Period.Name(by), periods),
            Trend = PeriodTrend.Fit(estimates, intervals.Level),
        };
    }

    /// <summary>
    /// The calibration plot's data for a site or the development reference: reliability bins, the loess curve
    /// with its band (binary models) and the risk histogram.
    /// </summary>
    private static CalibrationCurve CalibrationOf(ModelCard card, ScoredExamples examples, SampleEstimate estimate) =>
        examples.PositiveClass is int positive
            ? new CalibrationCurve(RiskHistogram.PositiveClassKind, card.ClassNames[positive], ClassificationMetrics.ClassReliability(examples, positive),
                estimate.FlexibleCalibration?.Curve, RiskHistogram.Of(examples))
            : new CalibrationCurve(RiskHistogram.TopLabelKind, null, ClassificationMetrics.TopLabelReliability(examples), Histogram: RiskHistogram.Of(examples));

    /// <summary>Sites of at least this many rows compact the heap between scoring and the metrics.</summary>
    private const int CompactAbove = 1_000_000;

    /// <summary>
    /// A large site's scoring and risk sort leave their arrays behind (the rows in file order, the
    /// sort's keys: some 40 bytes a row). Collected and compacted before the metric engine allocates
    /// its own (some 50 bytes a row), their memory takes those arrays instead of adding to the peak:
    /// 10,000,000 rows peak about 100 MB lower.
    /// </summary>
    private static void CompactHeap()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private static (SiteResult, SampleEstimate) Summarise(ModelCard card, ScoredSite scored, SampleEstimate? development, IntervalOptions intervals,
        CancellationToken cancellation)
    {
        // Every use below ignores row order, or (binary reliability bins) keeps ties in the original order,
        // which the stable risk order does too: the original order is let go, and one copy of the rows stays.
        var inRiskOrder = MetricEstimator.InRiskOrder(scored.Examples);
        var examples = inRiskOrder.Examples;
        scored = scored with { Examples = examples };
        if (examples.Count >= CompactAbove) CompactHeap();
        var site = scored.Site;
        var estimate = MetricEstimator.Estimate(inRiskOrder, card.OperatingPoint?.Threshold, intervals, site.Name, cancellation, discriminationCurves: true);
        var counts = examples.ClassCounts();
        var missing = card.DescriptorNames.Select((f, i) => (f, i)).ToDictionary(x => x.f, x => (double)scored.MissingByFeature[x.i] / examples.Count);
        var (holdout, holdoutReason) = HoldoutType.Classify(card, site.Name, scored.ManifestSha256, scored.ContentSha256, examples.Count,
            scored.RowsSeenInTraining, scored.Dates.First, scored.Dates.Last, scored.Dates.Undated);
        var result = new SiteResult
        {
            Name = site.Name,
            ManifestPath = site.ManifestPath,
            ManifestSha256 = scored.ManifestSha256,
            N = examples.Count,
            Patients = examples.Clusters is { Length: > 0 } clusters ? clusters.Max() + 1 : examples.Count, // clusters number patients 0..K-1
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
            Calibration = CalibrationOf(card, examples, estimate),
            Discrimination = estimate.Discrimination,
            DecisionCurve = examples.IsBinary ? DecisionCurve.Of(examples, intervals.Level) : null,
            Warnings = Warnings.ForSite(site.Name, examples, missing, card.FeatureMissingRates, scored.UnseenLevels, holdout, scored.RowsSeenInTraining,
                scored.Shift),
        };
        return (result, estimate);
    }
}
