using Harness.Reports.Rendering;
using Harness.Results;

namespace Harness.Reports.Sections.Limitations;

/// <summary>What limits the conclusions, generated from the data: small samples, few events, missing features, internal sites, the device, and what the run left out.</summary>
internal sealed class LimitationsSection : IReportSection
{
    public string Id => "limitations";
    public string Title => "Limitations";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 40);
        var items = Of(context.Results).ToList();
        if (items.Count == 0) c.Absent("None found in the data beyond the intervals themselves.");
        foreach (string item in items) c.Paragraph([new("\u2022 ", Face.Bold), new(item)], Palette.BodySize, gap: 2);
    }

    /// <summary>The limitations, one sentence each, in the order a reader should weigh them.</summary>
    public static IEnumerable<string> Of(ValidationResults results)
    {
        var external = results.Sites.Where(s => s.HeldOut).ToList();
        if (external.Count == 0)
            yield return "No site is external validation (every site is internal or of unknown hold-out): nothing here shows how the model does at a new hospital or in a later period.";
        else if (external.Count < 3)
            yield return $"Only {external.Count} external site{(external.Count == 1 ? "" : "s")}: heterogeneity across hospitals cannot be estimated (random-effects pooling needs at least 3), so the spread a new site may show is unknown.";
        foreach (var site in results.Sites.Where(s => !s.HeldOut))
            yield return $"{site.Name} is an {site.Holdout} hold-out ({site.HoldoutReason}): its numbers are optimistic and are not external evidence.";

        var counts = results.Sites.Select(s => (s.Name, Events: MinClass(s.ClassCounts))).Where(x => x.Events < 100).ToList();
        if (counts.Count > 0)
            yield return "Fewer than 100 events or non-events (Riley et al. 2021 suggest at least 100 of each, better 200, for external validation) at " +
                string.Join(", ", counts.Select(x => $"{x.Name} ({x.Events})")) + ": their intervals are wide, and a gap there may go undetected.";
        foreach (var site in results.Sites)
        {
            var everywhere = site.MissingRates.Where(m => m.Value >= 1).Select(m => m.Key).ToList();
            if (everywhere.Count > 0)
                yield return $"{site.Name} lacks {string.Join(", ", everywhere)} in every row: the model imputes the training median there, so its predictions " +
                    "there are not the model as developed. Deploying there needs these inputs collected, or a model without them.";
        }
        if (results.Warnings.Any(w => w.Code == WarningCodes.NoDevelopmentPredictions))
            yield return "The model card carries no development predictions, so gaps to development have no intervals.";
        if (results.Intervals.Resamples == 0)
            yield return "Bootstrap intervals were off (--bootstrap 0): only metrics with analytic intervals have them.";
        if (results.Execution.Provider.StartsWith("CPU", StringComparison.Ordinal) && results.Execution.Requested != "cpu")
            yield return $"Inference ran on the CPU although {results.Execution.Requested} was requested ({results.Execution.Reason}); numbers do not depend on it, timings do.";
        if (!results.Sites.Any(s => s.Periods is not null))
            yield return "Performance over time was not examined (no --by): drift within a site's period would go unnoticed.";
        if (!results.Sites.Any(s => s.Subgroups is { Count: > 0 }))
            yield return "No subgroups were examined (no --subgroup): performance may differ by sex, age or other groups without this report showing it.";
        if (results.Model.CrossValidation is null)
            yield return "The model card records no cross-validation, so there is no internal estimate of how much performance varies between folds.";
        yield return "The outcome definition, eligibility, treatments and how inputs were measured at each site are not in the data; readers must check them for each site.";
    }

    private static int MinClass(IReadOnlyDictionary<string, int> counts) => counts.Count == 0 ? 0 : counts.Values.Min();
}
