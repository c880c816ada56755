using System.Globalization;
using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Validator.Results;
using Spectre.Console;

namespace Harness.Cli.Rendering;

/// <summary>
/// What `harness validate` prints: the headline metrics with their intervals, the gaps to
/// development marked when they are distinguishable and worse, the metrics pooled over the
/// external sites (or why there are none), the warnings, and the verdicts.
/// results.json and the PDF carry every catalog metric. Names, paths and messages go through
/// <see cref="ConsoleText"/>: a site folder named "[red]x[/]" prints as it is named.
/// </summary>
internal static class ConsoleTables
{
    private const string WorseMark = AuditReport.WorseMark, BetterMark = AuditReport.BetterMark;

    public static void Write(IAnsiConsole console, ValidationResults results)
    {
        bool binary = results.Model.PositiveClass is not null;
        string level = $"{results.Intervals.Level * 100:0.#}% CI";
        var development = results.Development;
        foreach (var metric in (binary ? AuditReport.BinaryHeadline : AuditReport.MulticlassHeadline).Select(MetricCatalog.Get))
        {
            // One small table per metric: each site's value beside its gap to development, in 80 columns.
            var table = new Table().Border(TableBorder.Simple)
                .Title($"{metric.Label} ({level}; gap = site − development)")
                .AddColumn(new TableColumn("site")).AddColumn(new TableColumn("n").RightAligned())
                .AddColumn(new TableColumn("value").RightAligned()).AddColumn(new TableColumn("gap").RightAligned());
            table.AddRow("development", development.N.ToString(), Markup.Escape(ReportFormat.WithInterval(metric, Get(development.Metrics, metric.Key))), "");
            foreach (var site in results.Sites)
                table.AddRow(ConsoleText.Markup(SiteName(site)), site.N.ToString(),
                    Markup.Escape(ReportFormat.WithInterval(metric, Get(site.Metrics, metric.Key))),
                    Markup.Escape(GapCell(metric, Get(site.Gap, metric.Key))));
            console.Write(table);
        }
        console.MarkupLine($"{WorseMark} / {BetterMark}: the gap's interval excludes 0 and the site is worse / better than development.");
        foreach (var site in results.Sites)
            console.MarkupLine($"{ConsoleText.Markup(SiteName(site))}: {ConsoleText.Markup(site.Holdout)} hold-out ({ConsoleText.Markup(site.HoldoutReason)})" +
                (site.RowsSeenInTraining is { } seen ? $"; {seen:N0} of {site.N:N0} rows seen in training" : "") + (site.HeldOut ? "." : ": not an external estimate."));
        if (results.Pooled is { } pooled) WritePooled(console, pooled, results.Intervals.Level);
        if (results.Model.CrossValidation is { Scheme: "leave-one-site-out" } crossValidation) WriteExpectation(console, crossValidation, results, binary);
        if (results.Model.OperatingPoint is { } point)
            console.MarkupLineInterpolated($"Operating threshold {point.Threshold:0.###} ({ConsoleText.Plain(point.Rule)}); every metric, at it and otherwise, is in results.json and the report.");
        WriteShift(console, results.Sites);

        var warnings = results.Warnings.Select(w => ("run", w)).Concat(results.Sites.SelectMany(s => s.Warnings.Select(w => (s.Name, w)))).ToList();
        foreach (var (where, warning) in warnings)
            console.MarkupLineInterpolated($"[yellow]warning[/] ({ConsoleText.Plain(where)}, {warning.Code}): {ConsoleText.Plain(warning.Message)}");

        if (results.Criteria is { } criteria)
        {
            var table = new Table().Border(TableBorder.Simple)
                .Title($"Acceptance criteria ({ConsoleText.Markup(criteria.File)}): {Verdict(criteria.Overall)}")
                .AddColumns("rule", "site", "verdict");
            foreach (var v in criteria.Verdicts)
                table.AddRow(ConsoleText.Markup(v.Rule), ConsoleText.Markup(v.Site), Verdict(v.Verdict));
            console.Write(table);
            foreach (var v in criteria.Verdicts.Where(v => v.Verdict != Validator.Results.Verdict.Pass))
                console.MarkupLine($"{Verdict(v.Verdict)} {ConsoleText.Markup(v.Rule)} at {ConsoleText.Markup(v.Site)}: {ConsoleText.Markup(v.Reason)}");
        }
    }

    /// <summary>The pooled metrics over the external sites, one row each, then a line per metric not pooled; or one line saying why none is.</summary>
    private static void WritePooled(IAnsiConsole console, PooledEstimates pooled, double level)
    {
        if (pooled.Reason is { } reason)
        {
            console.MarkupLine("Pooled: " + ConsoleText.Markup(reason) + ".");
            return;
        }
        string percent = $"{level * 100:0.#}%";
        var table = new Table().Border(TableBorder.Simple)
            .Title($"Pooled over {pooled.ExternalSites.Count} external sites (random effects, REML, HKSJ)")
            .AddColumn(new TableColumn("metric")).AddColumn(new TableColumn("k").RightAligned())
            .AddColumn(new TableColumn($"estimate ({percent} CI)").RightAligned())
            .AddColumn(new TableColumn($"{percent} prediction interval").RightAligned())
            .AddColumn(new TableColumn("I²").RightAligned());
        foreach (var (key, metric) in pooled.Metrics)
        {
            var definition = MetricCatalog.Get(key);
            string estimate = ReportFormat.WithInterval(definition, new MetricValue(metric.Estimate) { Ci = metric.Ci });
            string prediction = metric.PredictionInterval is { } pi ? ReportFormat.Range(definition, pi.Lower, pi.Upper) : ReportFormat.Missing;
            table.AddRow(Markup.Escape(definition.Label), metric.K.ToString(), Markup.Escape(estimate), Markup.Escape(prediction),
                ReportFormat.Percent(metric.I2));
        }
        console.Write(table);
        foreach (var (key, metric) in pooled.Metrics)
        {
            string label = MetricCatalog.Get(key).Label;
            if (metric.Reason is { } why) console.MarkupLine($"{Markup.Escape(label)}: {ConsoleText.Markup(why)}.");
            foreach (var (site, left) in metric.LeftOut ?? new Dictionary<string, string>())
                console.MarkupLine($"{Markup.Escape(label)}: {ConsoleText.Markup(site)} left out ({ConsoleText.Markup(left)}).");
        }
    }

    /// <summary>How many of a site's most shifted features the console lists (results.json holds every feature).</summary>
    public const int ShiftRows = 5;

    /// <summary>
    /// Per site, its most shifted features against the training rows (in <see cref="SiteShift.SortOrder"/>),
    /// then one line with the class shares and the largest single-feature membership AUROC; or, for a
    /// card without a training distribution, one line saying why there is none.
    /// </summary>
    private static void WriteShift(IAnsiConsole console, IReadOnlyList<SiteResult> sites)
    {
        var reasons = sites.Select(s => s.Shift?.Reason).OfType<string>().Distinct().ToList();
        foreach (string reason in reasons) console.MarkupLine($"Dataset shift: {ConsoleText.Markup(reason)}.");
        var shifted = sites.Where(s => s.Shift is { Reason: null }).ToList();
        foreach (var site in shifted)
        {
            var shift = site.Shift!;
            var table = new Table().Border(TableBorder.Simple)
                .Title($"Shift: {ConsoleText.Markup(SiteName(site))} ({shift.SiteRows:N0} rows) against training ({shift.TrainingRows:N0})")
                .AddColumn($"feature ({Math.Min(ShiftRows, shift.Features.Count)} of {shift.Features.Count})")
                .AddColumn(new TableColumn("missing\ntraining → site").RightAligned())
                .AddColumn(new TableColumn("SMD").RightAligned()).AddColumn(new TableColumn("PSI").RightAligned())
                .AddColumn(new TableColumn("KS").RightAligned()).AddColumn(new TableColumn("membership\nAUROC").RightAligned());
            foreach (var f in shift.Features.Take(ShiftRows))
                table.AddRow(ConsoleText.Markup(f.Feature) + (f.MissingEverywhere ? " [yellow]![/]" : ""),
                    Markup.Escape($"{ReportFormat.Percent(f.MissingTraining)} → {ReportFormat.Percent(f.MissingSite)}"),
                    Markup.Escape(f.Smd is { } smd ? ReportFormat.Gap(smd, "0.00") : ReportFormat.Missing),
                    Markup.Escape(f.Psi.ToString("0.00", CultureInfo.InvariantCulture)),
                    Markup.Escape(f.Ks is { } ks ? ks.ToString("0.00", CultureInfo.InvariantCulture) : ReportFormat.Missing),
                    Markup.Escape(f.MembershipAuroc.ToString("0.00", CultureInfo.InvariantCulture)));
            console.Write(table);
            string classes = string.Join(", ", shift.Classes.Select(c => $"{ConsoleText.Markup(c.Class)} {ReportFormat.Percent(c.Training)} → {ReportFormat.Percent(c.Site)}"));
            console.MarkupLine($"{ConsoleText.Markup(SiteName(site))}: classes {classes}" +
                (shift.PrevalenceShift is { } prevalence ? $" (prevalence {Markup.Escape(ReportFormat.Gap(prevalence * 100, "0.0"))} points)" : "") +
                (shift.MaxFeatureMembershipAuroc is { } auroc
                    ? $"; membership AUROC {auroc.ToString("0.00", CultureInfo.InvariantCulture)} (the most telling single feature, {ConsoleText.Markup(shift.MaxFeatureMembershipAurocFeature!)})."
                    : "."));
        }
        if (shifted.Count > 0)
            console.MarkupLine("Sorted: " + Markup.Escape(SiteShift.SortOrder) + "; [yellow]![/] missing in every site row (the model imputes the training median for all of them). " +
                "SMD and KS over observed values (KS at the training deciles: a lower bound); PSI and the membership AUROC (site rows against training rows, by this feature's bin alone) count missing as a bin.");
    }

    /// <summary>
    /// Leave-one-site-out during training predicted each training site from the others: the model's
    /// own estimate of its performance at a new site, beside what the external sites show.
    /// </summary>
    private static void WriteExpectation(IAnsiConsole console, Harness.Core.ModelCards.CrossValidationRecord record, ValidationResults results, bool binary)
    {
        var external = results.Sites.Where(s => s.HeldOut).ToList();
        var table = new Table().Border(TableBorder.Simple)
            .Title($"Expected at a new site (leave-one-site-out over {record.Folds.Count} training sites) and observed at {external.Count} external site{(external.Count == 1 ? "" : "s")}")
            .AddColumn("metric").AddColumn(new TableColumn("expected: mean (fold range)").RightAligned()).AddColumn(new TableColumn("observed (range)").RightAligned());
        foreach (var metric in (binary ? AuditReport.BinaryHeadline : AuditReport.MulticlassHeadline).Select(MetricCatalog.Get))
        {
            if (!record.Spread.TryGetValue(metric.Key, out var spread)) continue;
            var observed = external.Select(s => s.Metrics.ValueOf(metric.Key)).OfType<double>().ToList();
            table.AddRow(Markup.Escape(metric.Label),
                Markup.Escape($"{ReportFormat.Value(metric, spread.Mean)} ({ReportFormat.Range(metric, spread.Min, spread.Max)})"),
                Markup.Escape(observed.Count == 0 ? ReportFormat.Missing
                    : observed.Count == 1 ? ReportFormat.Value(metric, observed[0]) : ReportFormat.Range(metric, observed.Min(), observed.Max())));
        }
        console.Write(table);
    }

    private static string GapCell(MetricDefinition metric, MetricValue? gap)
    {
        string text = ReportFormat.GapWithInterval(metric, gap);
        string mark = AuditReport.Symbol(AuditReport.Mark(gap));
        return mark.Length == 0 ? text : $"{text} {mark}";
    }

    private static string Verdict(Verdict verdict) => verdict switch
    {
        Validator.Results.Verdict.Pass => "[green]PASS[/]",
        Validator.Results.Verdict.Fail => "[red]FAIL[/]",
        _ => "[yellow]INCONCLUSIVE[/]",
    };

    private static string SiteName(SiteResult site) => site.HeldOut ? site.Name : site.Name + "*";

    private static MetricValue? Get(MetricSet set, string key) => set.TryGet(key, out var v) ? v : null;

    private static string Events(IReadOnlyDictionary<string, int> counts, string? positive) =>
        positive is not null ? counts.GetValueOrDefault(positive).ToString() : string.Join("/", counts.Values);
}
