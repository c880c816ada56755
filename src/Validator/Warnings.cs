using System.Globalization;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Validator.Inference;
using Harness.Results;
using Harness.Validator.Scoring;

namespace Harness.Validator;

/// <summary>
/// Warnings computed from the data: where a site or the development reference is too small, too
/// one-sided or too incomplete for its numbers to carry the weight a table gives them.
/// </summary>
internal static class Warnings
{
    /// <summary>Riley et al. 2021 (Stat Med 40:4230) ask for at least 100 events and 100 non-events in an external validation.</summary>
    public const int MinEvents = 100;

    public const int MinRows = 10;

    /// <summary>Below this many events or non-events the development reference's own uncertainty swamps any gap.</summary>
    public const int MinDevelopmentEvents = 10;

    /// <summary>A feature missing this much more often (absolute share) than in training is flagged.</summary>
    public const double MissingIncrease = 0.20;

    /// <summary>
    /// A feature whose PSI is above this has shifted much: the rule of thumb of credit scoring (below
    /// 0.1 little change, 0.1 to 0.25 some, above 0.25 a major shift; as Yurdakul 2018 reviews it),
    /// not a test: with few site rows, noise alone can pass it.
    /// </summary>
    public const double LargePsi = 0.25;

    /// <summary>How many features the large_shift warning names at most (results.json's numbers hold them all).</summary>
    public const int LargeShiftNamed = 5;

    /// <param name="site">The site's name, for the sentences that name it.</param>
    /// <param name="unseenLevels">Per categorical feature with any, the rows holding a level training never saw.</param>
    /// <param name="holdout">The site's hold-out type; <paramref name="seen"/> its rows found in training (null: unknown).</param>
    /// <param name="shift">The site's shift against the training rows (null: not computed).</param>
    public static List<ValidationWarning> ForSite(string site, ScoredExamples s, IReadOnlyDictionary<string, double> missingRates,
        IReadOnlyDictionary<string, double>? trainingMissingRates, IReadOnlyList<UnseenLevels> unseenLevels, string holdout, long? seen,
        SiteShift? shift = null)
    {
        var warnings = new List<ValidationWarning>();
        var counts = s.ClassCounts();
        int present = counts.Count(c => c > 0);
        if (s.Count < MinRows)
            warnings.Add(new(WarningCodes.TinySite, $"Only {s.Count} rows: too few for any estimate to be informative.",
                new Dictionary<string, double> { ["n"] = s.Count }));
        if (present < 2)
            warnings.Add(new(WarningCodes.SingleClass,
                $"Every row has class '{s.ClassNames[Array.FindIndex(counts, c => c > 0)]}': AUROC, AUPRC and the calibration slope are undefined.",
                new Dictionary<string, double> { ["classes_present"] = present }));
        else warnings.AddRange(FewEvents(s, counts, "this site"));

        var everywhere = missingRates.Where(m => m.Value >= 1).Select(m => m.Key).ToList();
        if (everywhere.Count > 0)
            warnings.Add(new(WarningCodes.FeatureMissingEverywhere,
                $"{Count(everywhere.Count, "feature")} missing in every row ({string.Join(", ", everywhere)}): the model imputes the training median for all of them, which changes its behaviour.",
                everywhere.ToDictionary(f => f, _ => 1.0)));
        if (trainingMissingRates is not null)
        {
            var increased = missingRates
                .Where(m => m.Value < 1 && trainingMissingRates.TryGetValue(m.Key, out double t) && m.Value - t >= MissingIncrease)
                .ToList();
            if (increased.Count > 0)
                warnings.Add(new(WarningCodes.MoreMissingThanTraining,
                    $"{Count(increased.Count, "feature")} missing far more often than in training: " +
                    string.Join(", ", increased.Select(m => $"{m.Key} {Percent(m.Value)} (training {Percent(trainingMissingRates[m.Key])})")) + ".",
                    increased.ToDictionary(m => m.Key, m => m.Value)));
        }
        if (unseenLevels.Count > 0)
            warnings.Add(new(WarningCodes.UnseenCategoricalLevel,
                string.Join(", and ", unseenLevels.Select((u, i) =>
                    $"{(u.Rows == 1 ? "1 row" : $"{u.Rows} rows")}{(i == 0 ? $" at site {site}" : "")} {(u.Rows == 1 ? "has a level" : "have levels")} of {u.Feature} unseen in training ({Values(u)})"))
                + ": the model treats them as all-zero (missing).",
                unseenLevels.ToDictionary(u => u.Feature, u => (double)u.Rows)));
        var large = shift?.Features.Where(f => f.Psi > LargePsi).OrderByDescending(f => f.Psi).ToList() ?? [];
        if (large.Count > 0)
            warnings.Add(new(WarningCodes.LargeShift,
                $"{Count(large.Count, "feature")} distributed very differently from training (PSI above {LargePsi.ToString(CultureInfo.InvariantCulture)}, a rule of thumb for a major shift; the missing share counts as a bin): " +
                string.Join(", ", large.Take(LargeShiftNamed).Select(f => $"{f.Feature} {f.Psi.ToString("0.##", CultureInfo.InvariantCulture)}")) +
                (large.Count > LargeShiftNamed ? $" and {large.Count - LargeShiftNamed} more" : "") + ".",
                large.ToDictionary(f => f.Feature, f => f.Psi)));
        if (seen is > 0 && holdout != HoldoutType.Internal)
            warnings.Add(new(WarningCodes.RowsSeenInTraining,
                $"{(seen == 1 ? "1 row" : $"{seen:N0} rows")} of this {(holdout == HoldoutType.Unknown ? "site" : holdout + " hold-out")} ({Percent((double)seen.Value / s.Count)}) {(seen == 1 ? "was" : "were")} in the training data: its numbers are partly internal.",
                new Dictionary<string, double> { ["rows_seen_in_training"] = seen.Value, ["n"] = s.Count }));
        return warnings;
    }

    /// <summary>Subgroup levels with few events or non-events (binary) or few examples of a class: one warning per subgroup naming them.</summary>
    public static IEnumerable<ValidationWarning> ForSubgroups(IReadOnlyList<SubgroupResult> subgroups, ModelCard card)
    {
        foreach (var subgroup in subgroups)
        {
            var small = subgroup.Levels.Where(l => l.ClassCounts.Values.Any(c => c < MinEvents)).ToList();
            if (small.Count == 0) continue;
            yield return new(WarningCodes.SmallSubgroup,
                $"In subgroup {subgroup.Name}, {string.Join("; ", small.Select(l => $"{l.Level} has {string.Join(" and ", l.ClassCounts.Select(c => $"{c.Value} {c.Key}"))}"))}: " +
                $"fewer than {MinEvents} of a class (Riley et al. 2021), so its intervals are wide and its differences hard to tell from chance.",
                small.ToDictionary(l => $"{subgroup.Name}={l.Level}", l => (double)l.N));
        }
    }

    /// <summary>How many small periods <see cref="ForDates"/> names before "and N more".</summary>
    public const int PeriodsNamed = 6;

    /// <summary>
    /// --from/--to and --by: rows without a date (left out of the window, or in the site's metrics but
    /// in no period), and periods with fewer than <see cref="MinEvents"/> events or non-events (any
    /// class, for multiclass models), named in one warning.
    /// </summary>
    /// <param name="positiveClass">The binary model's positive class; null for multiclass.</param>
    public static List<ValidationWarning> ForDates(SiteResult site, string? positiveClass)
    {
        var warnings = new List<ValidationWarning>();
        if (site.Window is { UndatedLeftOut: > 0 } window)
            warnings.Add(new(WarningCodes.UndatedRows,
                $"{Rows(window.UndatedLeftOut)} without a date {(window.UndatedLeftOut == 1 ? "was" : "were")} left out by --from/--to: no one can say {(window.UndatedLeftOut == 1 ? "it falls" : "they fall")} in the window, so no metric counts {(window.UndatedLeftOut == 1 ? "it" : "them")}.",
                new Dictionary<string, double> { ["undated_rows"] = window.UndatedLeftOut }));
        if (site.Periods is not null && site.UndatedRows is > 0 and var undated)
            warnings.Add(new(WarningCodes.UndatedRows,
                $"{Thousands(undated)} of {Thousands(site.N)} rows have no date: they count in the site's metrics but in no period.",
                new Dictionary<string, double> { ["undated_rows"] = undated, ["n"] = site.N }));
        if (site.Periods is not { } periods) return warnings;

        var small = new List<(string Label, string Counts, double Fewest)>();
        foreach (var period in periods.List)
        {
            if (positiveClass is not null)
            {
                int events = period.ClassCounts.GetValueOrDefault(positiveClass), nonEvents = period.N - events;
                if (events < MinEvents || nonEvents < MinEvents)
                    small.Add((period.Label, $"{events} events, {nonEvents} non-events", Math.Min(events, nonEvents)));
            }
            else if (period.ClassCounts.Where(c => c.Value < MinEvents).ToList() is { Count: > 0 } few)
                small.Add((period.Label, string.Join(", ", few.Select(c => $"{c.Value} '{c.Key}'")), few.Min(c => c.Value)));
        }
        if (small.Count > 0)
        {
            string named = string.Join("; ", small.Take(PeriodsNamed).Select(p => $"{p.Label} ({p.Counts})"))
                + (small.Count > PeriodsNamed ? $"; and {small.Count - PeriodsNamed} more" : "");
            string what = positiveClass is not null ? "events or non-events" : "examples of some class";
            warnings.Add(new(WarningCodes.FewEventsInPeriods,
                $"{small.Count} of {periods.List.Count} {periods.By} periods {(small.Count == 1 ? "has" : "have")} fewer than {MinEvents} {what} (Riley et al. 2021), so {(small.Count == 1 ? "its" : "their")} intervals are wide and {(small.Count == 1 ? "it weighs" : "they weigh")} little in the trend: {named}.",
                small.ToDictionary(p => p.Label, p => p.Fewest)));
        }
        return warnings;
    }

    private static string Rows(long n) => n == 1 ? "1 row" : $"{Thousands(n)} rows";

    private static string Thousands(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>"5, 9", or "0, 5, 8, 9, 11, ..." when there were more.</summary>
    private static string Values(UnseenLevels unseen) =>
        string.Join(", ", unseen.Values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + (unseen.MoreValues ? ", ..." : "");

    public static List<ValidationWarning> ForRun(ModelCard card, ScoredExamples? development, DeviceChoice execution)
    {
        var warnings = new List<ValidationWarning>();
        if (development is null)
            warnings.Add(new(WarningCodes.NoDevelopmentPredictions,
                $"The model card (format {card.Format}) carries no development predictions: development metrics have no intervals, and gaps have none either. Retrain with this Harness to get them.",
                new Dictionary<string, double>()));
        else
        {
            var counts = development.ClassCounts();
            var small = counts.Select((n, c) => (n, c)).Where(x => x.n < MinDevelopmentEvents).ToList();
            if (small.Count > 0)
                warnings.Add(new(WarningCodes.SmallDevelopmentReference,
                    $"The development reference is too small to compare against: {string.Join(", ", small.Select(x => $"{x.n} '{card.ClassNames[x.c]}'"))} (fewer than {MinDevelopmentEvents}); gap intervals will be very wide.",
                    small.ToDictionary(x => card.ClassNames[x.c], x => (double)x.n)));
        }
        if (card.Digest is null)
            warnings.Add(new(WarningCodes.UnsealedModel,
                $"The model file carries no digest (card format {card.Format}, written before Harness sealed its models), so edits made after export cannot be detected. Retrain with this Harness to seal it.",
                new Dictionary<string, double>()));
        if (execution.Requested == "auto" && execution.Used != ExecutionProviders.Cuda)
            warnings.Add(new(WarningCodes.CpuFallback, $"Inference ran on the CPU: {execution.Reason}.", new Dictionary<string, double>()));
        return warnings;
    }

    /// <summary>Binary: events and non-events below 100; multiclass: any class below 100.</summary>
    private static IEnumerable<ValidationWarning> FewEvents(ScoredExamples s, int[] counts, string where)
    {
        if (s.PositiveClass is int positive)
        {
            int events = counts[positive], nonEvents = s.Count - events;
            if (events < MinEvents || nonEvents < MinEvents)
                yield return new(WarningCodes.FewEvents,
                    $"{Capitalise(where)} has {events} events and {nonEvents} non-events; at least {MinEvents} of each are recommended for external validation (Riley et al. 2021), so its intervals are wide.",
                    new Dictionary<string, double> { ["events"] = events, ["non_events"] = nonEvents });
            yield break;
        }
        var few = counts.Select((n, c) => (n, c)).Where(x => x.n < MinEvents).ToList();
        if (few.Count > 0)
            yield return new(WarningCodes.FewEvents,
                $"{Capitalise(where)} has fewer than {MinEvents} examples of {string.Join(", ", few.Select(x => $"'{s.ClassNames[x.c]}' ({x.n})"))} (Riley et al. 2021): its intervals are wide.",
                few.ToDictionary(x => s.ClassNames[x.c], x => (double)x.n));
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun} is" : $"{n} {noun}s are";
    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
