namespace Harness.Results;

/// <summary>The codes of <see cref="ValidationWarning"/>s (results.json "code"); README.md lists what each means.</summary>
public static class WarningCodes
{
    /// <summary>Fewer than 100 events or 100 non-events (Riley et al. 2021): intervals will be wide.</summary>
    public const string FewEvents = "few_events";

    /// <summary>Every example has the same class: discrimination and most calibration measures are undefined.</summary>
    public const string SingleClass = "single_class";

    /// <summary>Fewer than 10 rows.</summary>
    public const string TinySite = "tiny_site";

    /// <summary>A feature is missing in every row: the model imputes its training median everywhere.</summary>
    public const string FeatureMissingEverywhere = "feature_missing_everywhere";

    /// <summary>A feature is missing much more often than in training.</summary>
    public const string MoreMissingThanTraining = "more_missing_than_training";

    /// <summary>A categorical feature holds levels training never saw: the model reads them as missing (all zeros).</summary>
    public const string UnseenCategoricalLevel = "unseen_categorical_level";

    /// <summary>Rows without a date: with --by they are in the site's metrics but in no period; with --from/--to they are left out.</summary>
    public const string UndatedRows = "undated_rows";

    /// <summary>With --by: periods with fewer than 100 events or non-events (any class, multiclass), named in one warning.</summary>
    public const string FewEventsInPeriods = "few_events_in_periods";

    /// <summary>The development reference has fewer than 10 events or non-events.</summary>
    public const string SmallDevelopmentReference = "small_development_reference";

    /// <summary>The model card (format 1) carries no development predictions: gaps have no intervals.</summary>
    public const string NoDevelopmentPredictions = "no_development_predictions";

    /// <summary>The model file carries no digest (a card before format 3): edits after export cannot be detected.</summary>
    public const string UnsealedModel = "unsealed_model";

    /// <summary>Some rows (under half) of a site that is not internal were in the training data.</summary>
    public const string RowsSeenInTraining = "rows_seen_in_training";

    /// <summary>A subgroup level has fewer than 100 of a class.</summary>
    public const string SmallSubgroup = "small_subgroup";

    /// <summary>Some feature's PSI against training is above 0.25, a rule of thumb for a major shift.</summary>
    public const string LargeShift = "large_shift";

    /// <summary>--device auto fell back to the CPU.</summary>
    public const string CpuFallback = "cpu_fallback";

    /// <summary>No installed font has some characters of the report's text (a CJK site name, say): the PDF shows them as U+FFFD.</summary>
    public const string UndrawableCharacters = "undrawable_characters";

    /// <summary>Warnings that make a site too small to judge: acceptance rules are inconclusive there.</summary>
    public static readonly IReadOnlySet<string> TooSmallToJudge = new HashSet<string> { SingleClass, TinySite };
}
