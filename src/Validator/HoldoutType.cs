using Harness.Core.ModelCards;

namespace Harness.Validator;

/// <summary>
/// What kind of hold-out a site is, from the model card's training sites (names, manifest and
/// content hashes, date ranges) and its training-row fingerprint:
/// <list type="bullet">
/// <item><c>internal</c>: the training data itself (the same manifest or content, at least half of
/// its rows seen in training), or a training institution's rows from within its training period;</item>
/// <item><c>temporal</c>: a training institution, every row dated after its training period ended;</item>
/// <item><c>institutional</c>: an institution the model was not trained on;</item>
/// <item><c>temporal+institutional</c>: such an institution, every row dated after the training period ended;</item>
/// <item><c>unknown</c>: a training institution whose rows, or whose training period, have no dates, so
/// time cannot tell internal from temporal.</item>
/// </list>
/// Only temporal and (temporal+)institutional sites are held out: internal and unknown ones never
/// count as external evidence (pooled estimates, external criteria).
/// </summary>
public static class HoldoutType
{
    public const string Internal = "internal", Temporal = "temporal", Institutional = "institutional",
        TemporalInstitutional = "temporal+institutional", Unknown = "unknown";

    /// <summary>A site whose share of rows seen in training is at least this is the training data again.</summary>
    public const double SeenShareForInternal = 0.5;

    public static bool IsHeldOut(string type) => type is Temporal or Institutional or TemporalInstitutional;

    /// <param name="seen">Rows found in the training fingerprint (null: the card has none).</param>
    /// <param name="first">The site's first date; <paramref name="last"/> its last; <paramref name="undated"/> its rows without a date.</param>
    /// <returns>The type and why, in words.</returns>
    public static (string Type, string Reason) Classify(ModelCard card, string name, string manifestSha256, string contentSha256,
        long rows, long? seen, DateOnly? first, DateOnly? last, long undated)
    {
        var sameData = card.TrainingSites.FirstOrDefault(t => t.ManifestSha256 == manifestSha256 || t.ContentSha256 == contentSha256);
        if (sameData is not null)
            return (Internal, $"the same manifest{(sameData.ManifestSha256 == manifestSha256 ? "" : " content")} as training site '{sameData.Name}'");
        if (seen is { } s && s >= SeenShareForInternal * rows)
            return (Internal, $"{s:N0} of its {rows:N0} rows were in the training data");

        bool allDated = undated == 0 && first is not null;
        var institution = card.TrainingSites.FirstOrDefault(t => t.Name == name);
        if (institution is not null)
        {
            if (institution.LastDate is not { } trainedUntil || !allDated)
                return (Unknown, $"training site '{name}', and {(institution.LastDate is null ? "its training rows have no dates" : $"{undated:N0} of its rows have no date")}, so time cannot tell new rows from training ones");
            return first > trainedUntil
                ? (Temporal, $"training site '{name}', every row dated after its training period ended ({trainedUntil:yyyy-MM-dd})")
                : (Internal, $"training site '{name}', with rows dated within its training period (which ended {trainedUntil:yyyy-MM-dd})");
        }
        var trainingEnd = card.TrainingSites.Select(t => t.LastDate).Max();
        return allDated && trainingEnd is { } end && first > end
            ? (TemporalInstitutional, $"not a training institution, and every row dated after the training period ended ({end:yyyy-MM-dd})")
            : (Institutional, "not a training institution");
    }

    /// <summary>
    /// A period of a site (every row in it dated from <paramref name="first"/> to <paramref name="last"/>):
    /// internal when the site is the training data again (at least half its rows seen in training),
    /// else as a site of those dates.
    /// </summary>
    public static string OfPeriod(ModelCard card, Results.SiteResult site, DateOnly first, DateOnly last) =>
        site.RowsSeenInTraining is { } seen && seen >= SeenShareForInternal * site.N
            ? Internal
            : Classify(card, site.Name, site.ManifestSha256, "", site.N, null, first, last, 0).Type;
}
