using System.Globalization;
using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Results;
using Spectre.Console;

namespace Harness.Cli.Rendering;

/// <summary>
/// What `harness validate` prints: the headline metrics with their intervals, the gaps to
/// development marked when they are distinguishable and worse, the metrics pooled over the
/// external sites (or why there are none), each site's date window and periods with their trend
/// (--from/--to, --by), the warnings, and the verdicts.
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
        foreach (var metric in MetricCatalog.Headline(binary).Select(MetricCatalog.Get))
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
        foreach (var site in results.Sites) WriteDates(console, site, results.Model.PositiveClass, results.Intervals.Level);
        WriteSubgroups(console, results);
        if (binary) WriteNetBenefit(console, results);
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
            foreach (var v in criteria.Verdicts.Where(v => v.Verdict != Results.Verdict.Pass))
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

    /// <summary>The metrics of the period table: AUROC, the calibration slope and O/E for binary models; AUROC and accuracy otherwise.</summary>
    internal static readonly string[] PeriodColumns = [MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio];

    private static readonly string[] MulticlassPeriodColumns = [MetricKeys.Auroc, MetricKeys.Accuracy];

    /// <summary>
    /// --from/--to: the rows the window left out. --by: a table of the periods (n, events, the
    /// headline metrics with their intervals), then one line per metric for its trend.
    /// </summary>
    private static void WriteDates(IAnsiConsole console, SiteResult site, string? positive, double level)
    {
        bool binary = positive is not null;
        string name = ConsoleText.Markup(site.Name);
        if (site.Window is { } window)
            console.MarkupLine($"{name}: {ReportFormat.Count(site.N)} rows within --from/--to ({Markup.Escape(new Validator.DateWindow(window.From, window.To).ToString())}); " +
                $"{Rows(window.DatedOutside)} dated outside the window, {Rows(window.UndatedLeftOut)} undated left out.");
        if (site.Periods is not { } periods) return;

        string percent = $"{level * 100:0.#}%";
        var metrics = (binary ? PeriodColumns : MulticlassPeriodColumns).Select(MetricCatalog.Get).ToList();
        // No padding, only the border's one space between columns: a month, its size and events, and three values with intervals fit in 80 columns.
        var narrow = new Padding(0, 0, 0, 0);
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{name} by {periods.By} ({percent} CI)")
            .AddColumn(new TableColumn("period").Padding(narrow)).AddColumn(new TableColumn("n").RightAligned().Padding(narrow));
        if (binary) table.AddColumn(new TableColumn("events").RightAligned().Padding(narrow));
        foreach (var metric in metrics) table.AddColumn(new TableColumn(Markup.Escape(metric.Label)).RightAligned().Padding(narrow));
        foreach (var period in periods.List)
        {
            var cells = new List<string> { Markup.Escape(period.Label + (Harness.Validator.HoldoutType.IsHeldOut(period.Holdout) ? "" : "*")), ReportFormat.Count(period.N) };
            if (positive is not null) cells.Add(ReportFormat.Count(period.ClassCounts.GetValueOrDefault(positive)));
            cells.AddRange(metrics.Select(m => Markup.Escape(ReportFormat.WithInterval(m, Get(period.Metrics, m.Key)))));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        if (site.UndatedRows is > 0 and long undated)
            console.MarkupLine($"{name}: {Rows(undated)} without a date in no period (in the site's metrics).");

        if (site.Trend is not { } trend) return;
        if (trend.Reason is { } reason)
        {
            console.MarkupLine($"{name} trend: {ConsoleText.Markup(reason)}.");
            return;
        }
        console.MarkupLine($"{name} trend per year ({Markup.Escape(TrendMethod)}):");
        foreach (var (key, metric) in trend.Metrics)
        {
            var definition = MetricCatalog.Get(key);
            string on = metric.Scale switch
            {
                PoolingScale.Logit => $"logit({definition.Label})",
                PoolingScale.Log => $"ln({definition.Label})",
                _ => $"the {definition.Label.ToLowerInvariant()}",
            };
            string line = metric.SlopePerYear is { } slope && metric.Ci is { } ci
                ? $"{ReportFormat.Gap(slope)} per year in {on} ({percent} CI {ReportFormat.Gap(ci.Lower)} to {ReportFormat.Gap(ci.Upper)}), {PValue(metric.P)}, {metric.Periods} periods"
                : metric.Reason ?? "no trend";
            string leftOut = metric.LeftOut is { Count: > 0 } left ? $" ({string.Join("; ", left.Select(l => $"{l.Key} left out: {l.Value}"))})" : "";
            console.MarkupLine($"  {Markup.Escape(definition.Label)}: {ConsoleText.Markup(line + leftOut)}.");
        }
    }

    /// <summary>How the console names the trend's method, briefly (results.json's trend "method" says it in full).</summary>
    public const string TrendMethod = "inverse-variance weighted regression on the period midpoints";

    /// <summary>"p = 0.042", or "p < 0.001".</summary>
    internal static string PValue(double? p) =>
        p is not { } v || !double.IsFinite(v) ? "p " + ReportFormat.Missing
        : v < 0.001 ? "p < 0.001" : "p = " + v.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    private static string Rows(long n) => n == 1 ? "1 row" : $"{n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)} rows";

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
        foreach (var metric in MetricCatalog.Headline(binary).Select(MetricCatalog.Get))
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

    /// <summary>Per subgroup, each site's levels with the first two headline metrics, and the largest difference in the first.</summary>
    private static void WriteSubgroups(IAnsiConsole console, ValidationResults results)
    {
        var names = results.Sites.SelectMany(s => s.Subgroups ?? []).Select(g => g.Name).Distinct().ToList();
        if (names.Count == 0) return;
        var shown = MetricCatalog.Headline(results.Model.PositiveClass is not null).Take(2).Select(MetricCatalog.Get).ToList();
        string percent = $"{results.Intervals.Level * 100:0.#}% CI";
        foreach (string name in names)
        {
            var table = new Table().Border(TableBorder.Simple).Title($"Subgroup {ConsoleText.Markup(name)} ({percent})")
                .AddColumn("site").AddColumn(ConsoleText.Markup(name)).AddColumn(new TableColumn("n").RightAligned());
            foreach (var metric in shown) table.AddColumn(new TableColumn(Markup.Escape(metric.Label)).RightAligned().NoWrap());
            var differences = new List<string>();
            foreach (var site in results.Sites)
            {
                if (site.Subgroups?.FirstOrDefault(g => g.Name == name) is not { } subgroup) continue;
                foreach (var level in subgroup.Levels)
                    table.AddRow([ConsoleText.Markup(SiteName(site)), ConsoleText.Markup(level.Level), level.N.ToString(),
                        .. shown.Select(m => Markup.Escape(ReportFormat.WithInterval(m, Get(level.Metrics, m.Key))))]);
                if (subgroup.LargestDifference.TryGetValue(shown[0].Key, out var largest))
                    differences.Add($"{ConsoleText.Markup(SiteName(site))}: {ConsoleText.Markup(largest.Highest)} − {ConsoleText.Markup(largest.Lowest)} = " +
                        Markup.Escape(GapCell(shown[0], largest.Difference)));
            }
            console.Write(table);
            if (differences.Count > 0)
                console.MarkupLine($"Largest {Markup.Escape(shown[0].Label)} difference between levels: {string.Join("; ", differences)}.");
        }
    }

    /// <summary>Thresholds the console shows; results.json and the report have the whole curve.</summary>
    private static readonly double[] ShownThresholds = [0.10, 0.20, 0.30];

    /// <summary>Net benefit at a few thresholds per site, beside treating everyone; ▲ where the model beats both defaults beyond its interval.</summary>
    private static void WriteNetBenefit(IAnsiConsole console, ValidationResults results)
    {
        var scale = MetricCatalog.Get(MetricKeys.CalibrationIntercept); // two decimals, a true minus sign
        var table = new Table().Border(TableBorder.Simple)
            .Title($"Net benefit at threshold risks ({results.Intervals.Level * 100:0.#}% CI)")
            .AddColumn("site").AddColumn(new TableColumn("risk").RightAligned()).AddColumn(new TableColumn("model").RightAligned().NoWrap())
            .AddColumn(new TableColumn("treat all").RightAligned()).AddColumn(new TableColumn("gain over defaults").RightAligned().NoWrap());
        foreach (var site in results.Sites.Where(s => s.DecisionCurve is not null))
            foreach (var k in site.DecisionCurve!.Key.Where(k => ShownThresholds.Any(t => Math.Abs(k.Threshold - t) < 1e-9)))
                table.AddRow(ConsoleText.Markup(SiteName(site)), $"{k.Threshold:0.00}",
                    Markup.Escape($"{ReportFormat.Value(scale, k.NetBenefit)} ({ReportFormat.Range(scale, k.Ci.Lower, k.Ci.Upper)})"),
                    Markup.Escape(ReportFormat.Value(scale, k.TreatAll)),
                    Markup.Escape($"{ReportFormat.Gap(k.Advantage, "0.00")} ({ReportFormat.Range(scale, k.AdvantageCi.Lower, k.AdvantageCi.Upper)})") + (k.AdvantageCi.Lower > 0 ? " " + BetterMark : ""));
        console.Write(table);
        console.MarkupLine($"Gain: the model's net benefit minus the better of treating all and treating none; {BetterMark}: its interval is above 0. Whole decision curves: results.json.");
    }

    private static string GapCell(MetricDefinition metric, MetricValue? gap)
    {
        string text = ReportFormat.GapWithInterval(metric, gap);
        string mark = AuditReport.Symbol(AuditReport.Mark(gap));
        return mark.Length == 0 ? text : $"{text} {mark}";
    }

    private static string Verdict(Verdict verdict) => verdict switch
    {
        Results.Verdict.Pass => "[green]PASS[/]",
        Results.Verdict.Fail => "[red]FAIL[/]",
        _ => "[yellow]INCONCLUSIVE[/]",
    };

    private static string SiteName(SiteResult site) => site.HeldOut ? site.Name : site.Name + "*";

    private static MetricValue? Get(MetricSet set, string key) => set.TryGet(key, out var v) ? v : null;

    private static string Events(IReadOnlyDictionary<string, int> counts, string? positive) =>
        positive is not null ? counts.GetValueOrDefault(positive).ToString() : string.Join("/", counts.Values);
}
