using Harness.Core;
using Harness.Core.Metrics;

namespace Harness.Results;

/// <summary>
/// Merges the results of separate validation runs of one model (one per hospital, say, each run
/// where its data lives) into one: every site, the run-level warnings, the acceptance verdicts,
/// and the cross-site parts recomputed over all sites (the pooled estimates). Refuses runs of
/// different models, with different interval settings or criteria, or that share a site name.
/// </summary>
public static class ResultsMerge
{
    public static ValidationResults Merge(IReadOnlyList<ResultsFile> runs)
    {
        if (runs.Count == 0) throw new ArgumentException("Nothing to merge.", nameof(runs));
        var (firstPath, _, first) = runs[0];
        const string fix = "Merge only results of one model validated with the same --confidence, --bootstrap, --seed and --criteria.";
        foreach (var (path, _, results) in runs.Skip(1))
        {
            string shown = PathDisplay.Of(path);
            if (results.Model.Sha256 != first.Model.Sha256)
                throw new InputException($"validated model SHA-256 {results.Model.Sha256[..12]}, not {first.Model.Sha256[..12]} as {PathDisplay.Of(firstPath)}: " +
                    "results of different models cannot be merged.", fix, shown);
            if (results.Intervals != first.Intervals)
                throw new InputException($"intervals at level {results.Intervals.Level} with {results.Intervals.Resamples} resamples (seed {results.Intervals.Seed}), " +
                    $"not level {first.Intervals.Level} with {first.Intervals.Resamples} (seed {first.Intervals.Seed}) as {PathDisplay.Of(firstPath)}.", fix, shown);
            if (results.Criteria?.Sha256 != first.Criteria?.Sha256)
                throw new InputException($"judged against {(results.Criteria is null ? "no criteria" : results.Criteria.File)}, not " +
                    $"{(first.Criteria is null ? "no criteria" : first.Criteria.File)} as {PathDisplay.Of(firstPath)}.", fix, shown);
        }
        var duplicate = runs.SelectMany(r => r.Results.Sites.Select(s => (r.Path, s.Name))).GroupBy(x => x.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"site '{duplicate.Key}' is in {string.Join(" and ", duplicate.Select(d => PathDisplay.Of(d.Path)))}: " +
                "a site can be merged once.", "Give each site's results once (rename a site folder to tell two apart).", PathDisplay.Of(duplicate.Last().Path));

        var sites = runs.SelectMany(r => r.Results.Sites).ToList();
        bool binary = first.Model.PositiveClass is not null;
        return first with
        {
            Sites = sites,
            Pooled = SitePooling.Pool(sites.Select(s => (s.Name, s.HeldOut, s.Metrics)).ToList(), binary, first.Intervals.Level),
            Warnings = runs.SelectMany(r => r.Results.Warnings).DistinctBy(w => (w.Code, w.Message)).ToList(),
            Criteria = first.Criteria is null ? null : first.Criteria with { Verdicts = MergeVerdicts(runs, sites) },
            MergedFrom = runs.Select(r => new MergedRun(PathDisplay.Of(r.Path), r.Sha256, r.Results.Execution, r.Results.Sites.Select(s => s.Name).ToList()))
                .ToList(),
        };
    }

    /// <summary>
    /// Each run's verdicts on its own sites; a rule naming a site that no run validated keeps one
    /// "site not validated" verdict (every run that lacks the site judged it so).
    /// </summary>
    private static List<CriterionVerdict> MergeVerdicts(IReadOnlyList<ResultsFile> runs, IReadOnlyList<SiteResult> sites)
    {
        var validated = sites.Select(s => s.Name).ToHashSet();
        var own = runs.SelectMany(r => r.Results.Criteria!.Verdicts.Where(v => r.Results.Sites.Any(s => s.Name == v.Site)));
        var missing = runs.SelectMany(r => r.Results.Criteria!.Verdicts.Where(v => !validated.Contains(v.Site))).DistinctBy(v => (v.Rule, v.Site));
        return [.. own, .. missing];
    }

}
