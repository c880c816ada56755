using System.Globalization;
using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;

namespace Harness.Reports;

/// <summary>
/// The external-validation audit report: <see cref="BuildModel"/> turns validation results into
/// plain, formatted data (tested directly); <see cref="Write"/> draws that model as an A4 PDF.
/// Metric labels, formulas, directions and interval methods all come from <see cref="MetricCatalog"/>.
/// </summary>
public static class AuditReport
{
    public const string Title = "Harness external validation report";
    public const string FileName = "report.pdf";

    /// <summary>Where a warning about the whole run (not one site) is said to apply.</summary>
    public const string WholeRun = "Whole run";

    /// <summary>Marks a gap whose interval excludes 0 in the worse direction (drawn bold).</summary>
    public const string WorseMark = "▼";

    /// <summary>Marks a gap whose interval excludes 0 in the better direction.</summary>
    public const string BetterMark = "▲";


    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Builds the report's content, section by section; no drawing happens here.</summary>
    public static AuditReportModel BuildModel(ValidationResults results, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(results);
        var model = results.Model;
        bool binary = model.PositiveClass is not null;
        string level = LevelText(results.Intervals.Level);
        var headline = MetricCatalog.Headline(binary).Select(MetricCatalog.Get).ToList();
        var shown = MetricCatalog.For(binary)
            .Where(m => results.Development.Metrics.TryGet(m.Key, out _) || results.Sites.Any(s => s.Metrics.TryGet(m.Key, out _)))
            .ToList();
        string? threshold = model.OperatingPoint is { } point
            ? $"{ReportFormat.Metric(point.Threshold)} (rule: {point.Rule})"
            : null;

        return new AuditReportModel
        {
            Header = new ReportHeader(Title, ReportFormat.Utc(generatedUtc), results.Execution.HarnessVersion),
            Criteria = results.Criteria is { } criteria ? Summarise(criteria) : null,
            Warnings = results.Warnings.Select(w => new WarningLine(WholeRun, w.Message))
                .Concat(results.Sites.SelectMany(s => s.Warnings.Select(w => new WarningLine(s.Name, w.Message))))
                .ToList(),
            Model = Summarise(model, results.Execution),
            Development = new DevelopmentSummary(
                results.Development.Split,
                results.Development.N,
                string.Join(", ", results.Development.ClassCounts.Select(c => $"{c.Key} {ReportFormat.Count(c.Value)}")),
                threshold),
            Level = level,
            EventsLabel = binary ? "Events" : "Per class",
            Headline = headline.Select(m => new HeadlineColumn(m.Key, m.Label)).ToList(),
            DevelopmentRow = new SiteRow("Development", true, "reference", results.Development.N,
                Events(results.Development.ClassCounts, model.PositiveClass),
                ReportFormat.Percent(Prevalence(results.Development.ClassCounts, results.Development.N, model.PositiveClass)),
                headline.Select(m => Cell(m, results.Development.Metrics, null)).ToList()),
            Sites = results.Sites.Select(s => Row(s, headline, model.PositiveClass)).ToList(),
            SiteTableLegend =
                $"Each metric cell: the site's value with its {level} confidence interval; below it, the gap to development " +
                $"(gap = site − development) and the gap's {level} interval. {WorseMark} (bold): the gap's interval excludes 0 and the " +
                $"site is worse than development; {BetterMark}: it excludes 0 and the site is better. Under each name, the kind of hold-out: " +
                "temporal (a training institution, later), institutional (another institution), temporal+institutional, or, in amber " +
                "rows that are not external validation, internal (the training data or period) or unknown (undated).",
            SiteNotes = results.Sites.SelectMany(s => Notes(s, headline)).ToList(),
            Charts = results.Sites.Select(Chart).ToList(),
            ChartCaption =
                $"Each point is one non-empty bin of {ClassificationMetrics.EceBins} equal-width bins over [0, 1]: mean predicted value " +
                "against the observed frequency in that bin; larger markers hold more examples. Points on the dashed diagonal are " +
                "perfectly calibrated. The ECE in each title and in the table is the top-label ECE (Guo et al. 2017)." +
                (results.Sites.Any(s => s.Calibration.Flexible is { Count: > 1 })
                    ? " The solid orange line is the loess calibration curve (observed against predicted risk, smoothed over the examples; " +
                      "the curve behind ICI, E50, E90 and Emax)."
                    : ""),
            MetricTables = [DevelopmentTable(results, shown, threshold), .. results.Sites.Select(s => SiteTable(s, shown, threshold, model.PositiveClass))],
            Definitions = shown.Select(m => new MetricDefinitionLine(m.Key, m.Label, m.Group, m.Formula, m.DirectionText, MethodName(m.IntervalFor(binary))))
                .ToList(),
            IntervalsText = IntervalsText(results.Intervals, shown, binary),
            Terms = Terms(level),
            FooterText = $"Model SHA-256 {ReportFormat.ShortHash(model.Sha256)}",
        };
    }

    /// <summary>Writes the report as a PDF to <paramref name="pdf"/>; the caller owns (and closes) the stream.</summary>
    /// <returns>
    /// A warning (<see cref="WarningCodes.UndrawableCharacters"/>) when no installed font has some
    /// characters, which the report shows as U+FFFD and lists among its warnings; null otherwise.
    /// </returns>
    public static ValidationWarning? Write(ValidationResults results, Stream pdf, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var report = BuildModel(results, generatedUtc);
        return ReportDocument.Write(report, pdf, generatedUtc);
    }

    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Fail => "FAIL",
        _ => "INCONCLUSIVE",
    };

    private static CriteriaSummary Summarise(CriteriaOutcome criteria) => new(
        $"{criteria.File} (SHA-256 {ReportFormat.ShortHash(criteria.Sha256)})",
        criteria.Overall,
        VerdictText(criteria.Overall),
        criteria.Verdicts.Select(v => new CriterionLine(v.Rule, v.Site, v.Verdict, VerdictText(v.Verdict), v.Reason)).ToList());

    private static ModelSummary Summarise(ModelIdentity model, ExecutionInfo execution)
    {
        string classes = string.Join(", ", model.ClassNames);
        if (model.PositiveClass is not null) classes += $" (positive class: {model.PositiveClass})";
        return new ModelSummary(
            FileName: Path.GetFileName(model.Path),
            Sha256: model.Sha256,
            CreatedUtc: ReportFormat.Utc(model.CreatedUtc),
            TrainedWithHarness: model.HarnessVersion,
            Classes: classes,
            FeatureCount: model.FeatureNames.Count,
            TrainingSites: model.TrainingSites.Select(t => new TrainingSiteLine(t.Name, t.Rows, ReportFormat.ShortHash(t.ManifestSha256))).ToList(),
            Execution: new ExecutionLine(execution.Provider, execution.Requested, execution.Reason));
    }

    private static SiteRow Row(SiteResult site, IReadOnlyList<MetricDefinition> headline, string? positive) => new(
        site.Name,
        site.HeldOut,
        site.Holdout,
        site.N,
        Events(site.ClassCounts, positive),
        ReportFormat.Percent(site.Prevalence),
        headline.Select(m => Cell(m, site.Metrics, site.Gap)).ToList());

    private static SiteMetric Cell(MetricDefinition metric, MetricSet metrics, MetricSet? gaps)
    {
        var value = Get(metrics, metric.Key);
        var gap = gaps is null || value?.Value is null ? null : Get(gaps, metric.Key);
        return new SiteMetric(metric.Key, ReportFormat.WithInterval(metric, value),
            ReportFormat.GapWithInterval(metric, gap is null ? null : gap with { Ci = null }),
            ReportFormat.GapInterval(metric, gap),
            Mark(gap));
    }

    /// <summary>Worse or better when the gap's interval excludes 0; none otherwise (the console marks gaps by the same rule).</summary>
    public static GapMark Mark(MetricValue? gap) => gap switch
    {
        { Distinguishable: true, Worse: true } => GapMark.Worse,
        { Distinguishable: true, Worse: false } => GapMark.Better,
        _ => GapMark.None,
    };

    public static string Symbol(GapMark mark) => mark switch
    {
        GapMark.Worse => WorseMark,
        GapMark.Better => BetterMark,
        _ => "",
    };

    internal static string Marked(GapMark mark, string gap) => mark == GapMark.None ? gap : $"{Symbol(mark)} {gap}";

    private static IEnumerable<string> Notes(SiteResult site, IReadOnlyList<MetricDefinition> headline)
    {
        if (!site.HeldOut)
            yield return $"{site.Name}: {site.Holdout} ({site.HoldoutReason}), so its row is not external validation.";
        foreach (var metric in headline)
        {
            if (Get(site.Metrics, metric.Key) is { Value: null } value)
                yield return $"{site.Name}: {metric.Label} " + (value.Note is { Length: > 0 } note ? $"{note.TrimEnd('.')}." : "is undefined.");
        }
    }

    private static MetricTable DevelopmentTable(ValidationResults results, IReadOnlyList<MetricDefinition> shown, string? threshold)
    {
        var development = results.Development;
        string subtitle = $"{development.Split}; n = {ReportFormat.Count(development.N)}" +
            (development.ClassCounts.Count > 0 ? $" ({string.Join(", ", development.ClassCounts.Select(c => $"{c.Key} {ReportFormat.Count(c.Value)}"))})" : "");
        return new MetricTable("Development reference", subtitle, true, false, Groups(shown, development.Metrics, null, threshold));
    }

    private static MetricTable SiteTable(SiteResult site, IReadOnlyList<MetricDefinition> shown, string? threshold, string? positive)
    {
        string subtitle = $"n = {ReportFormat.Count(site.N)}; " +
            (positive is not null
                ? $"{ReportFormat.Count(site.ClassCounts.GetValueOrDefault(positive))} events ({ReportFormat.Percent(site.Prevalence)})"
                : string.Join(", ", site.ClassCounts.Select(c => $"{c.Key} {ReportFormat.Count(c.Value)}"))) +
            $"; {site.Holdout} hold-out ({site.HoldoutReason})" + (site.HeldOut ? "" : ": not external validation");
        return new MetricTable(site.Name, subtitle, site.HeldOut, true, Groups(shown, site.Metrics, site.Gap, threshold));
    }

    /// <summary>The catalog's metrics that this sample holds, grouped by the catalog's groups, in catalog order.</summary>
    private static List<MetricGroupRows> Groups(IReadOnlyList<MetricDefinition> shown, MetricSet metrics, MetricSet? gaps, string? threshold) =>
        shown.Where(m => metrics.TryGet(m.Key, out _))
            .GroupBy(m => m.Group)
            .Select(g => new MetricGroupRows(
                Capitalise(g.Key),
                g.Key == MetricCatalog.AtThreshold
                    ? threshold is null ? "The model records no operating threshold." : $"Operating threshold: positive when the risk is at least {threshold}."
                    : null,
                g.Select(m => MetricLine(m, metrics[m.Key], gaps is null ? null : Get(gaps, m.Key))).ToList()))
            .ToList();

    private static MetricRow MetricLine(MetricDefinition metric, MetricValue value, MetricValue? gap)
    {
        var notes = new List<string>();
        if (value.Note is { Length: > 0 } note) notes.Add(note.TrimEnd('.'));
        if (value.Value is not null && gap?.Note is { Length: > 0 } gapNote && gapNote != value.Note) notes.Add("gap: " + gapNote.TrimEnd('.'));
        var shownGap = value.Value is null ? null : gap;
        return new MetricRow(metric.Key, metric.Label, ReportFormat.WithInterval(metric, value),
            ReportFormat.GapWithInterval(metric, shownGap), Mark(shownGap), string.Join("; ", notes));
    }

    private static ReliabilityChart Chart(SiteResult site)
    {
        var curve = site.Calibration;
        bool risk = curve.Kind == "positive_class";
        string title = $"{site.Name} (n={ReportFormat.Count(site.N)}, ECE={ReportFormat.Metric(site.Metrics.ValueOf(MetricKeys.Ece))})";
        return new ReliabilityChart(
            site.Name,
            title,
            risk ? $"Predicted risk of {curve.Class ?? "the positive class"}" : "Confidence",
            risk ? "Observed frequency" : "Observed accuracy",
            curve.Bins
                .Where(b => b.Count > 0 && b.MeanPredicted is not null && b.ObservedFrequency is not null)
                .Select(b => new ReliabilityPoint(b.MeanPredicted!.Value, b.ObservedFrequency!.Value, b.Count))
                .ToList(),
            (curve.Flexible ?? [])
                .Where(p => double.IsFinite(p.Predicted) && double.IsFinite(p.Observed))
                .OrderBy(p => p.Predicted)
                .Select(p => new CurvePoint(p.Predicted, p.Observed))
                .ToList());
    }

    /// <summary>An interval method's name; <see cref="IntervalsText"/> says how each works.</summary>
    private static string MethodName(IntervalMethod method) => method switch
    {
        IntervalMethod.DeLong => "DeLong (Sun & Xu 2014)",
        IntervalMethod.Wald => "Wald",
        IntervalMethod.LogWald => "Wald on the log scale",
        IntervalMethod.RemlHksj => "REML + HKSJ",
        _ => "bootstrap percentile",
    };

    /// <summary>How an interval method works, in words (the catalog says which metric uses which).</summary>
    private static string MethodText(IntervalMethod method) => method switch
    {
        IntervalMethod.DeLong => "DeLong's variance (computed with Sun & Xu's 2014 algorithm), estimate ± z·SE",
        IntervalMethod.Wald => "Wald, estimate ± z·SE from the logistic calibration model",
        IntervalMethod.LogWald => "Wald on the log scale, exp(ln estimate ± z·SE)",
        IntervalMethod.RemlHksj => "random effects across sites, τ² by REML, pooled estimate ± t(k−1)·SE with the Hartung-Knapp-Sidik-Jonkman SE",
        _ => "percentile bootstrap, stratified by outcome and clustered by patient",
    };

    private static string IntervalsText(IntervalOptions options, IReadOnlyList<MetricDefinition> shown, bool binary)
    {
        string level = LevelText(options.Level);
        var analytic = shown.GroupBy(m => m.IntervalFor(binary))
            .Where(g => g.Key != IntervalMethod.BootstrapPercentile)
            .Select(g => $"{string.Join(" and ", g.Select(m => m.Label))}: {MethodText(g.Key)}");
        string bootstrap = options.Resamples > 0
            ? $"every other metric: the percentile interval of a stratified, patient-clustered bootstrap with {ReportFormat.Count(options.Resamples)} " +
              $"resamples (seed {options.Seed}); each resample draws patients with replacement within each outcome class, so a patient's rows stay together"
            : "every other metric: none, because bootstrap intervals were off (0 resamples)";
        return $"Every interval is a {level} confidence interval. " +
            string.Join("; ", analytic.Append(bootstrap)) + ". " +
            "A gap's interval combines the uncertainty of both samples, site and development: for bootstrap metrics it is the percentile " +
            "interval of the differences between independent resamples of each; for the others, gap ± z·√(SE site² + SE development²).";
    }

    private static IReadOnlyList<Footnote> Terms(string level) =>
    [
        new("Gap", "site value minus development value (gap = site − development), in the metric's own units. Whether a positive " +
            "gap is better or worse depends on the metric's direction (see each metric's definition below)."),
        new("Distinguishable", $"a gap whose {level} interval excludes 0: the difference from development is larger than sampling noise " +
            $"explains at that level. Marked {WorseMark} (bold) when the site is worse than development, {BetterMark} when better. A gap " +
            "that is not distinguishable is not evidence of no difference: its interval may be wide."),
        new("Development", "the model's internal validation on held-back rows of its own training sites, recorded in the model file: " +
            "the reference every gap is measured against."),
        new("Trained on", "a site whose manifest (by name or hash) the model was trained on. Its row is tinted amber: it is not external validation."),
    ];

    private static string Events(IReadOnlyDictionary<string, int> counts, string? positive) =>
        positive is not null
            ? ReportFormat.Count(counts.GetValueOrDefault(positive))
            : string.Join(" / ", counts.Values.Select(ReportFormat.Count));

    private static double? Prevalence(IReadOnlyDictionary<string, int> counts, int n, string? positive) =>
        positive is not null && n > 0 ? (double)counts.GetValueOrDefault(positive) / n : null;

    private static string LevelText(double level) => (level * 100).ToString("0.#", Invariant) + "%";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static MetricValue? Get(MetricSet set, string key) => set.TryGet(key, out var v) ? v : null;

}
