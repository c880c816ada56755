using System.Globalization;
using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;

namespace Harness.Reports.Sections;

/// <summary>One section of the report: what it shows (read from the results) and how (through the composer).</summary>
internal interface IReportSection
{
    /// <summary>The section's anchor: what the contents and the checklist link to.</summary>
    string Id { get; }

    /// <summary>The heading, as the contents list it.</summary>
    string Title { get; }

    /// <summary>Lays the section out, starting with <see cref="Composer.Section"/>; says so in one line when its data is absent.</summary>
    void Compose(Composer composer, ReportContext context);
}

/// <summary>What every section reads: the results, and the choices derived from them once.</summary>
internal sealed class ReportContext
{
    public ReportContext(ValidationResults results, DateTimeOffset generatedUtc)
    {
        Results = results;
        GeneratedUtc = generatedUtc;
        Binary = results.Model.PositiveClass is not null;
        Level = (results.Intervals.Level * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        Headline = MetricCatalog.Headline(Binary).Select(MetricCatalog.Get).ToList();
        Shown = MetricCatalog.For(Binary)
            .Where(m => results.Development.Metrics.TryGet(m.Key, out _) || results.Sites.Any(s => s.Metrics.TryGet(m.Key, out _)))
            .ToList();
    }

    public ValidationResults Results { get; }
    public DateTimeOffset GeneratedUtc { get; }
    public bool Binary { get; }

    /// <summary>The confidence level as printed, e.g. "95%".</summary>
    public string Level { get; }

    /// <summary>The headline metrics (catalog order): the verdict table's columns and the forest plots.</summary>
    public IReadOnlyList<MetricDefinition> Headline { get; }

    /// <summary>Every catalog metric some sample holds.</summary>
    public IReadOnlyList<MetricDefinition> Shown { get; }

    public IReadOnlyList<SiteResult> Sites => Results.Sites;

    public string ModelFile => Path.GetFileName(Results.Model.Path);

    /// <summary>The operating threshold in words, or null for a model without one.</summary>
    public string? Threshold => Results.Model.OperatingPoint is { } point
        ? $"{ReportFormat.Metric(point.Threshold)} (rule: {point.Rule})"
        : null;

    /// <summary>"Events" for a binary model (the positive class), "Per class" otherwise.</summary>
    public string EventsLabel => Binary ? "Events" : "Per class";

    public string Events(IReadOnlyDictionary<string, int> counts) =>
        Results.Model.PositiveClass is { } positive
            ? ReportFormat.Count(counts.GetValueOrDefault(positive))
            : string.Join(" / ", counts.Values.Select(ReportFormat.Count));

    public double? Prevalence(IReadOnlyDictionary<string, int> counts, int n) =>
        Results.Model.PositiveClass is { } positive && n > 0 ? (double)counts.GetValueOrDefault(positive) / n : null;

    public static MetricValue? Get(MetricSet set, string key) => set.TryGet(key, out var v) ? v : null;

    /// <summary>The site's hold-out in words: the type, and "not external validation" where it is not.</summary>
    public static string HoldoutText(SiteResult site) => site.HeldOut ? site.Holdout : $"{site.Holdout}: not external";

    public static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
