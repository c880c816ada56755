using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Validator.Results;

namespace Harness.Reports;

/// <summary>
/// The external-validation audit report: <see cref="BuildModel"/> turns validation results into
/// plain, formatted data (tested directly); <see cref="Write"/> draws that model as an A4 PDF.
/// </summary>
public static class AuditReport
{
    public const string Title = "Harness external validation report";
    public const string FileName = "report.pdf";

    /// <summary>Builds the report's content, section by section; no drawing happens here.</summary>
    public static AuditReportModel BuildModel(ValidationResults results, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(results);
        var model = results.Model;
        var development = results.Development.Metrics;
        return new AuditReportModel
        {
            Header = new ReportHeader(Title, ReportFormat.Utc(generatedUtc), results.Execution.HarnessVersion),
            Model = Summarise(model, results.Execution),
            Development = Summarise(results.Development),
            Sites = results.Sites.Select(s => Row(s, development)).ToList(),
            SiteNotes = results.Sites.SelectMany(Notes).ToList(),
            Charts = results.Sites.Select(Chart).ToList(),
            ChartCaption =
                $"Each point is one non-empty bin of {ClassificationMetrics.EceBins} equal-width bins over [0, 1]: mean predicted value " +
                "against the observed frequency in that bin; larger markers hold more examples. Points on the dashed diagonal are " +
                "perfectly calibrated. The ECE in each title and in the table is the top-label ECE (Guo et al. 2017).",
            Footnotes = Footnotes,
            FooterText = $"Model SHA-256 {ReportFormat.ShortHash(model.Sha256)}",
        };
    }

    /// <summary>Writes the report as a PDF to <paramref name="pdf"/>; the caller owns (and closes) the stream.</summary>
    public static void Write(ValidationResults results, Stream pdf, DateTimeOffset generatedUtc)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        var report = BuildModel(results, generatedUtc);
        ReportDocument.Write(report, pdf, generatedUtc);
    }

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

    private static readonly (string Name, string Label)[] DevelopmentMetrics =
    [
        (MetricKeys.Accuracy, "Accuracy"),
        (MetricKeys.Auroc, "AUROC"),
        (MetricKeys.Brier, "Brier"),
        (MetricKeys.Ece, "ECE"),
        (MetricKeys.LogLoss, "Log loss"),
    ];

    private static DevelopmentSummary Summarise(Core.ModelCards.DevelopmentEvaluation development) => new(
        development.Split,
        development.N,
        string.Join(", ", development.ClassCounts.Select(c => $"{c.Key} {ReportFormat.Count(c.Value)}")),
        DevelopmentMetrics.Select(m => new MetricCell(m.Label, ReportFormat.Metric(ValueOf(development.Metrics, m.Name)))).ToList());

    private static SiteRow Row(SiteResult site, MetricSet development)
    {
        SiteMetric Cell(string name)
        {
            double? value = ValueOf(site.Metrics, name);
            // Prefer the recorded gap; recompute only if an older results file lacks it.
            double? gap = site.Gap.TryGet(name, out var g) ? g.Value : value - ValueOf(development, name);
            return new SiteMetric(ReportFormat.Metric(value), value is null ? "" : ReportFormat.Gap(gap));
        }

        return new SiteRow(
            site.Name,
            site.HeldOut,
            site.HeldOut ? "yes" : "trained on",
            site.N,
            ReportFormat.Percent(site.Prevalence),
            Cell(MetricKeys.Accuracy),
            Cell(MetricKeys.Auroc),
            Cell(MetricKeys.Brier),
            Cell(MetricKeys.Ece));
    }

    private static IEnumerable<string> Notes(SiteResult site)
    {
        if (!site.HeldOut)
            yield return $"{site.Name}: the model was trained on this site's manifest, so its row is not external validation.";
        foreach (var (name, value) in site.Metrics)
        {
            if (value.Value is null)
                yield return $"{site.Name}: {LabelOf(name)} " + (value.Note is { Length: > 0 } note ? $"{note.TrimEnd('.')}." : "is undefined.");
        }
    }

    private static ReliabilityChart Chart(SiteResult site)
    {
        var curve = site.Calibration;
        bool risk = curve.Kind == "positive_class";
        string title = $"{site.Name} (n={ReportFormat.Count(site.N)}, ECE={ReportFormat.Metric(ValueOf(site.Metrics, MetricKeys.Ece))})";
        return new ReliabilityChart(
            site.Name,
            title,
            risk ? $"Predicted risk of {curve.Class ?? "the positive class"}" : "Confidence",
            risk ? "Observed frequency" : "Observed accuracy",
            curve.Bins
                .Where(b => b.Count > 0 && b.MeanPredicted is not null && b.ObservedFrequency is not null)
                .Select(b => new ReliabilityPoint(b.MeanPredicted!.Value, b.ObservedFrequency!.Value, b.Count))
                .ToList());
    }

    private static readonly IReadOnlyList<Footnote> Footnotes =
    [
        new("Accuracy", "share of examples whose most probable class (argmax) is the true class."),
        new("AUROC", "probability that a randomly chosen positive example scores above a randomly chosen negative one (ties count half); " +
            "for multiclass models, the unweighted mean of one-vs-rest AUROCs. Undefined (—) when only one class is present."),
        new("Brier", "mean squared difference between predicted probability and outcome (binary: risk of the positive class; " +
            "multiclass: the whole probability vector against the one-hot truth). Lower is better."),
        new("Log loss", "mean of −ln p(true class), with p clipped to [1e−15, 1]. Lower is better."),
        new("ECE", $"top-label expected calibration error: |accuracy − confidence| averaged over {ClassificationMetrics.EceBins} equal-width " +
            "confidence bins, weighted by bin size (Guo et al. 2017). Lower is better."),
        new("Gap", "site value minus development value, in brackets after each site value. A negative gap is worse for accuracy and " +
            "AUROC; a positive gap is worse for Brier and ECE."),
        new("Development", "the model's internal validation on held-back rows of its own training sites, recorded in the model file."),
    ];

    private static double? ValueOf(MetricSet set, string name) => set.TryGet(name, out var v) ? v.Value : null;

    private static string LabelOf(string metric) =>
        DevelopmentMetrics.FirstOrDefault(m => m.Name == metric).Label ?? metric;
}
