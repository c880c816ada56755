using Harness.Results;

namespace Harness.Reports;

// The report as plain data: every string the PDF shows is decided here, in testable code,
// so the drawing code only places text and charts and never formats a number itself.

/// <summary>Everything the audit report shows, section by section, already formatted.</summary>
public sealed record AuditReportModel
{
    public required ReportHeader Header { get; init; }

    /// <summary>The acceptance criteria's verdicts, when the run had criteria; null otherwise.</summary>
    public required CriteriaSummary? Criteria { get; init; }

    /// <summary>Every warning of the run, the run's own first, then site by site.</summary>
    public required IReadOnlyList<WarningLine> Warnings { get; init; }

    public required ModelSummary Model { get; init; }
    public required DevelopmentSummary Development { get; init; }

    /// <summary>The confidence level as printed in headers, e.g. "95%".</summary>
    public required string Level { get; init; }

    /// <summary>The per-site table's count column: "Events" (binary models) or "Per class" (multiclass).</summary>
    public required string EventsLabel { get; init; }

    /// <summary>The headline metrics of the per-site table, in column order (catalog labels).</summary>
    public required IReadOnlyList<HeadlineColumn> Headline { get; init; }

    /// <summary>The development reference as the per-site table's first row (no gaps).</summary>
    public required SiteRow DevelopmentRow { get; init; }

    public required IReadOnlyList<SiteRow> Sites { get; init; }

    /// <summary>What the per-site table's cells hold and what its markers mean.</summary>
    public required string SiteTableLegend { get; init; }

    /// <summary>Notes that qualify table cells (e.g. why an AUROC is undefined), one per line.</summary>
    public required IReadOnlyList<string> SiteNotes { get; init; }

    public required IReadOnlyList<ReliabilityChart> Charts { get; init; }
    public required string ChartCaption { get; init; }

    /// <summary>Every catalog metric the results hold: development's table first, then one per site.</summary>
    public required IReadOnlyList<MetricTable> MetricTables { get; init; }

    /// <summary>The catalog's definition of every metric shown, in catalog order.</summary>
    public required IReadOnlyList<MetricDefinitionLine> Definitions { get; init; }

    /// <summary>How the intervals were computed (level, resamples, seed, methods).</summary>
    public required string IntervalsText { get; init; }

    /// <summary>Other terms the report uses: gap, distinguishable, development, trained on.</summary>
    public required IReadOnlyList<Footnote> Terms { get; init; }

    /// <summary>The model's identity on every page, so a loose page still says which model it audits.</summary>
    public required string FooterText { get; init; }
}

/// <param name="GeneratedUtc">When the report was written, e.g. "2025-06-01 14:03:00 UTC".</param>
/// <param name="HarnessVersion">The Harness that validated the model and wrote this report.</param>
public sealed record ReportHeader(string Title, string GeneratedUtc, string HarnessVersion);

/// <summary>The criteria file, its overall verdict, and every rule's verdict at every site.</summary>
/// <param name="Source">"sites/heart/criteria.json (SHA-256 1a2b3c4d5e6f)".</param>
public sealed record CriteriaSummary(string Source, Verdict Overall, string OverallText, IReadOnlyList<CriterionLine> Verdicts);

/// <param name="VerdictText">"PASS", "FAIL" or "INCONCLUSIVE".</param>
public sealed record CriterionLine(string Rule, string Site, Verdict Verdict, string VerdictText, string Reason);

/// <summary>A warning in plain words.</summary>
/// <param name="Where">"Whole run" or the site's name.</param>
public sealed record WarningLine(string Where, string Message);

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
/// <param name="OperatingPoint">"0.467 (rule: youden)", or null for models without a threshold.</param>
public sealed record DevelopmentSummary(string Split, int N, string ClassCounts, string? OperatingPoint);

/// <summary>A headline column of the per-site table.</summary>
public sealed record HeadlineColumn(string Key, string Label);

/// <summary>One row of the per-site table.</summary>
/// <param name="HeldOut">False for an internal or unknown hold-out: its numbers are not external validation.</param>
/// <param name="HeldOutText">The hold-out type (internal, temporal, institutional, temporal+institutional, unknown), drawn under the name.</param>
/// <param name="Events">Binary models: the count of the positive class; multiclass: the count of each class, "a / b / c".</param>
/// <param name="Prevalence">Share of the positive class as a percentage (binary models), else "—".</param>
/// <param name="Metrics">One cell per <see cref="AuditReportModel.Headline"/> column, in that order.</param>
public sealed record SiteRow(
    string Name,
    bool HeldOut,
    string HeldOutText,
    int N,
    string Events,
    string Prevalence,
    IReadOnlyList<SiteMetric> Metrics)
{
    /// <summary>The cell of the headline metric <paramref name="key"/>.</summary>
    public SiteMetric this[string key] => Metrics.Single(m => m.Key == key);
}

/// <summary>How a gap is marked: only a gap whose interval excludes 0 gets a marker.</summary>
public enum GapMark
{
    None,

    /// <summary>Distinguishable from 0, and the site is worse than development: bold, with <see cref="AuditReport.WorseMark"/>.</summary>
    Worse,

    /// <summary>Distinguishable from 0, and the site is better than development: <see cref="AuditReport.BetterMark"/>.</summary>
    Better,
}

/// <summary>A site's value with its interval, and its signed gap to development (site − development) with the gap's interval.</summary>
/// <param name="Value">"0.723 (0.533–0.913)", or "—" when undefined (<see cref="ReportFormat.WithInterval"/>).</param>
/// <param name="Gap">"−0.171"; empty when there is nothing to compare (the value or the reference is undefined).</param>
/// <param name="GapInterval">"(−0.370 to 0.028)"; empty when the gap has no interval.</param>
public sealed record SiteMetric(string Key, string Value, string Gap, string GapInterval, GapMark Mark)
{
    /// <summary>The gap and its interval as one string, e.g. "−0.171 (−0.370 to 0.028)" (<see cref="ReportFormat.GapWithInterval"/>).</summary>
    public string GapText => GapInterval.Length == 0 ? Gap : $"{Gap} {GapInterval}";

    /// <summary>The gap as drawn: its marker (if any) first, e.g. "▼ −0.171".</summary>
    public string MarkedGap => AuditReport.Marked(Mark, Gap);
}

/// <summary>Every catalog metric of one sample (a site or development), grouped as the catalog groups them.</summary>
/// <param name="Title">"Development reference" or the site's name.</param>
/// <param name="Subtitle">n, events, and a flag for sites the model was trained on.</param>
/// <param name="HasGaps">False for development, which is the reference itself.</param>
public sealed record MetricTable(string Title, string Subtitle, bool HeldOut, bool HasGaps, IReadOnlyList<MetricGroupRows> Groups);

/// <summary>The rows of one catalog group.</summary>
/// <param name="Title">The catalog's group, capitalised ("At the operating threshold").</param>
/// <param name="Preamble">What the group's rows depend on, e.g. the operating threshold and its rule; null when nothing.</param>
public sealed record MetricGroupRows(string Title, string? Preamble, IReadOnlyList<MetricRow> Rows);

/// <param name="Value">Value with interval, <see cref="ReportFormat.WithInterval"/>.</param>
/// <param name="Gap">The gap with its interval, <see cref="ReportFormat.GapWithInterval"/>; empty for development.</param>
/// <param name="Note">Why a value, interval or gap is absent (the results' notes); empty when nothing is.</param>
public sealed record MetricRow(string Key, string Label, string Value, string Gap, GapMark Mark, string Note)
{
    public string MarkedGap => AuditReport.Marked(Mark, Gap);
}

/// <summary>One metric's definition, as the catalog gives it.</summary>
/// <param name="Direction">"higher is better", "lower is better" or "1 is ideal".</param>
/// <param name="Interval">How its interval is computed, in words.</param>
public sealed record MetricDefinitionLine(string Key, string Label, string Group, string Formula, string Direction, string Interval);

/// <summary>One site's reliability diagram.</summary>
/// <param name="Curve">The loess calibration curve, in increasing predicted risk; empty when the results hold none.</param>
public sealed record ReliabilityChart(
    string SiteName, string Title, string XLabel, string YLabel, IReadOnlyList<ReliabilityPoint> Points, IReadOnlyList<CurvePoint> Curve);

/// <summary>One non-empty bin: where it sits and how many examples it holds (which sets the marker size).</summary>
public sealed record ReliabilityPoint(double MeanPredicted, double ObservedFrequency, int Count);

/// <summary>A point of the loess calibration curve.</summary>
public sealed record CurvePoint(double Predicted, double Observed);

public sealed record Footnote(string Term, string Definition);
