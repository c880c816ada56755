using System.Text.Json.Serialization;

namespace Harness.Results;

/// <summary>
/// How a site's rows differ from the training rows ("why does this site differ?"), from the card's
/// training distribution and the site's rows as scored: per feature the standardised mean difference,
/// PSI, binned KS, missing shares and membership AUROC, sorted by <see cref="SortedBy"/>; the class
/// shares; and the largest single-feature membership AUROC. <see cref="Reason"/> instead, when the card
/// carries no training distribution.
/// </summary>
public sealed record SiteShift
{
    /// <summary>The sort order of <see cref="Features"/>, in words.</summary>
    public const string SortOrder = "features missing in every site row first, then PSI descending (the model's feature order on ties)";

    /// <summary>Why there are no shift statistics (null when there are).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    /// <summary><see cref="SortOrder"/>; null with <see cref="Reason"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SortedBy { get; init; } = SortOrder;

    public long TrainingRows { get; init; }
    public long SiteRows { get; init; }

    /// <summary>Per feature, most shifted first (<see cref="SortedBy"/>).</summary>
    public IReadOnlyList<FeatureShift> Features { get; init; } = [];

    /// <summary>Per class, its share of the training rows and of the site's rows.</summary>
    public IReadOnlyList<ClassShift> Classes { get; init; } = [];

    /// <summary>Binary models: the positive class's share at the site minus its share in training.</summary>
    public double? PrevalenceShift { get; init; }

    /// <summary>
    /// The largest <see cref="FeatureShift.MembershipAuroc"/> over the features: how well the single most
    /// telling feature tells site rows from training rows. Debray et al. (2015, J Clin Epidemiol 68:279)
    /// fit a "membership model" (logistic regression of site vs development on the rows of both) and
    /// report its c-statistic; without training rows this is its single-feature version from the
    /// stored histograms. A classifier of whole rows would do at least as well in the population, so
    /// this bounds that from below (up to the sampling noise of the site's histogram).
    /// </summary>
    public double? MaxFeatureMembershipAuroc { get; init; }

    /// <summary>The feature behind <see cref="MaxFeatureMembershipAuroc"/>.</summary>
    public string? MaxFeatureMembershipAurocFeature { get; init; }

    /// <summary>The card has no training distribution (written before it existed): one line why, nothing else.</summary>
    public static SiteShift Unavailable(string reason) => new() { Reason = reason, SortedBy = null };
}

/// <summary>
/// One feature's shift. Shares of rows: <see cref="MissingTraining"/>, <see cref="MissingSite"/>. Over
/// observed values only: means, SDs, <see cref="Smd"/> and <see cref="Ks"/>. Over the histogram with
/// the missing rows as one more bin (what the model is fed, as it imputes a missing value with the
/// training median): <see cref="Psi"/> and <see cref="MembershipAuroc"/>.
/// </summary>
/// <param name="Kind">numeric or categorical.</param>
/// <param name="MissingEverywhere">Missing in every site row: the model imputes the training median for all of them, which changes its behaviour.</param>
/// <param name="Smd">Standardised mean difference (site − training) / pooled SD (Austin 2009); null for categorical features (codes have no mean), with fewer than 2 observed values on a side, or with both SDs 0.</param>
/// <param name="Psi">Population stability index over the bins and the missing bin, each share floored at 0.0001.</param>
/// <param name="Ks">Numeric: the largest gap between the cumulative shares at the bin edges (a lower bound of the exact KS statistic). Categorical: the total variation distance over the levels (and other levels). Null when the site observed no value.</param>
/// <param name="MembershipAuroc">How well this feature's bin alone (missing a bin too) tells site rows from training rows: 0.5 not at all, 1 perfectly.</param>
/// <param name="Edges">Numeric: the training bins' edges (bins right-closed, outer bins open). Null for categorical features.</param>
/// <param name="Levels">Categorical: the training levels, one bin each. Null for numeric features.</param>
/// <param name="TrainingCounts">Rows per bin in training: the bins, then (categorical) levels training never saw, then missing.</param>
/// <param name="SiteCounts">Rows per bin at the site, as <paramref name="TrainingCounts"/>.</param>
public sealed record FeatureShift(string Feature, string Kind, bool MissingEverywhere, double MissingTraining, double MissingSite,
    double? MeanTraining, double? MeanSite, double? SdTraining, double? SdSite, double? Smd, double Psi, double? Ks, double MembershipAuroc,
    IReadOnlyList<double>? Edges, IReadOnlyList<double>? Levels, IReadOnlyList<long> TrainingCounts, IReadOnlyList<long> SiteCounts);

/// <summary>A class's share of the training rows and of the site's rows.</summary>
public sealed record ClassShift(string Class, double Training, double Site);
