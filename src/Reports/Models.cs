namespace Harness.Reports;

// The report as plain data: every string the PDF shows is decided here, in testable code,
// so the drawing code only places text and charts and never formats a number itself.

/// <summary>Everything the audit report shows, section by section, already formatted.</summary>
public sealed record AuditReportModel
{
    public required ReportHeader Header { get; init; }
    public required ModelSummary Model { get; init; }
    public required DevelopmentSummary Development { get; init; }
    public required IReadOnlyList<SiteRow> Sites { get; init; }

    /// <summary>Notes that qualify table cells (e.g. why an AUROC is undefined), one per line.</summary>
    public required IReadOnlyList<string> SiteNotes { get; init; }

    public required IReadOnlyList<ReliabilityChart> Charts { get; init; }
    public required string ChartCaption { get; init; }
    public required IReadOnlyList<Footnote> Footnotes { get; init; }

    /// <summary>The model's identity on every page, so a loose page still says which model it audits.</summary>
    public required string FooterText { get; init; }
}

/// <param name="GeneratedUtc">When the report was written, e.g. "2025-06-01 14:03:00 UTC".</param>
/// <param name="HarnessVersion">The Harness that validated the model and wrote this report.</param>
public sealed record ReportHeader(string Title, string GeneratedUtc, string HarnessVersion);

/// <summary>Which model was audited and where its inference ran.</summary>
/// <param name="Classes">Class names in model order, with the positive class named for binary models.</param>
public sealed record ModelSummary(
    string FileName,
    string Sha256,
    string CreatedUtc,
    string TrainedWithHarness,
    string Classes,
    int FeatureCount,
    IReadOnlyList<TrainingSiteLine> TrainingSites,
    ExecutionLine Execution);

/// <param name="ManifestSha256Prefix">The first 12 hex characters: enough to tell manifests apart by eye.</param>
public sealed record TrainingSiteLine(string Name, int Rows, string ManifestSha256Prefix);

/// <summary>Where inference ran and why, shown in full: a silent GPU-to-CPU fallback must not hide here.</summary>
public sealed record ExecutionLine(string Provider, string Requested, string Reason);

/// <param name="ClassCounts">e.g. "benign 300, malignant 200".</param>
public sealed record DevelopmentSummary(string Split, int N, string ClassCounts, IReadOnlyList<MetricCell> Metrics);

public sealed record MetricCell(string Label, string Value);

/// <summary>One row of the per-site table.</summary>
/// <param name="HeldOut">False when the model was trained on this site: its numbers are not external validation.</param>
/// <param name="HeldOutText">"yes", or "trained on" (drawn as a flag) when the model was trained on it.</param>
/// <param name="Prevalence">Share of the positive class as a percentage (binary models), else "—".</param>
public sealed record SiteRow(
    string Name,
    bool HeldOut,
    string HeldOutText,
    int N,
    string Prevalence,
    SiteMetric Accuracy,
    SiteMetric Auroc,
    SiteMetric Brier,
    SiteMetric Ece);

/// <summary>A site's value and its signed gap to development (site − development), both formatted.</summary>
/// <param name="Gap">Empty when there is nothing to compare (the value or the reference is undefined).</param>
public sealed record SiteMetric(string Value, string Gap)
{
    /// <summary>What the table cell shows, e.g. "0.712 (−0.105)".</summary>
    public string Text => Gap.Length == 0 ? Value : $"{Value} ({Gap})";
}

/// <summary>One site's reliability diagram.</summary>
public sealed record ReliabilityChart(string SiteName, string Title, string XLabel, string YLabel, IReadOnlyList<ReliabilityPoint> Points);

/// <summary>One non-empty bin: where it sits and how many examples it holds (which sets the marker size).</summary>
public sealed record ReliabilityPoint(double MeanPredicted, double ObservedFrequency, int Count);

public sealed record Footnote(string Term, string Definition);
