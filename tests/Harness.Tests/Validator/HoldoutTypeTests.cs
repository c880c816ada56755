using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Validator;

namespace Harness.Tests.Validator;

/// <summary>Each kind of hold-out, from the card's training sites (names, hashes, date ranges) and the rows seen in training.</summary>
public sealed class HoldoutTypeTests
{
    private static readonly DateOnly TrainedFrom = new(2015, 1, 1), TrainedUntil = new(2018, 12, 31);

    private static readonly ModelCard Card = new()
    {
        HarnessVersion = "test",
        CreatedUtc = DateTimeOffset.UnixEpoch,
        FeatureNames = ["x"],
        ClassNames = ["no", "yes"],
        PositiveClass = "yes",
        TrainingSites =
        [
            new TrainingSite("north", 100, "manifest-north", "content-north", TrainedFrom, TrainedUntil),
            new TrainingSite("south", 100, "manifest-south", "content-south"), // undated
        ],
        Development = new DevelopmentEvaluation("test", 10, new Dictionary<string, int>(), new MetricSet()),
        TrainingConfig = [],
    };

    private static string Type(string name, string manifest = "other", string content = "other", long rows = 100, long? seen = 0,
        DateOnly? first = null, DateOnly? last = null, long undated = 0) =>
        HoldoutType.Classify(Card, name, manifest, content, rows, seen, first, last, undated).Type;

    private static DateOnly D(int year, int month = 1) => new(year, month, 1);

    [Fact]
    public void The_training_data_again_is_internal_by_manifest_content_or_rows() => Assert.Equal(
        ["internal", "internal", "internal", "institutional"],
        [
            Type("anywhere", manifest: "manifest-north"),
            Type("anywhere", content: "content-south"),
            Type("anywhere", rows: 100, seen: 50), // half the rows were trained on
            Type("anywhere", rows: 100, seen: 49, first: D(2016), last: D(2017)),
        ]);

    [Fact]
    public void A_training_institution_is_temporal_only_when_every_row_is_dated_after_its_training_period() => Assert.Equal(
        ["temporal", "internal", "unknown", "unknown"],
        [
            Type("north", first: D(2019), last: D(2020)),
            Type("north", first: D(2018, 6), last: D(2020)), // overlaps the training period
            Type("north", first: D(2019), last: D(2020), undated: 1), // one row cannot be placed in time
            Type("south", first: D(2019), last: D(2020)), // its training rows had no dates
        ]);

    [Fact]
    public void Another_institution_is_institutional_and_also_temporal_when_dated_after_all_training() => Assert.Equal(
        ["temporal+institutional", "institutional", "institutional"],
        [
            Type("east", first: D(2019), last: D(2021)),
            Type("east", first: D(2017), last: D(2021)),
            Type("east"), // no dates: at least institutional
        ]);

    [Fact]
    public void Only_temporal_and_institutional_hold_outs_count_as_external() => Assert.Equal(
        [false, true, true, true, false],
        new[] { "internal", "temporal", "institutional", "temporal+institutional", "unknown" }.Select(HoldoutType.IsHeldOut));

    [Fact]
    public void A_training_institutions_periods_after_its_training_period_are_temporal_and_the_training_data_stays_internal()
    {
        Harness.Results.SiteResult Site(string name, long? seen) => new()
        {
            Name = name, ManifestPath = "m", ManifestSha256 = "other", N = 100, ClassCounts = new Dictionary<string, int>(),
            Holdout = "unknown", HoldoutReason = "", HeldOut = false, RowsSeenInTraining = seen, MissingRates = new Dictionary<string, double>(),
            Metrics = new MetricSet(), Gap = new MetricSet(), Calibration = new Harness.Results.CalibrationCurve("positive_class", "yes", []), Warnings = [],
        };

        Assert.Equal(["internal", "temporal", "temporal+institutional", "internal"],
        [
            HoldoutType.OfPeriod(Card, Site("north", 0), D(2018), new DateOnly(2018, 12, 31)),
            HoldoutType.OfPeriod(Card, Site("north", 0), D(2019), new DateOnly(2019, 12, 31)),
            HoldoutType.OfPeriod(Card, Site("east", 0), D(2019), new DateOnly(2019, 12, 31)),
            HoldoutType.OfPeriod(Card, Site("east", 60), D(2019), new DateOnly(2019, 12, 31)), // most rows were trained on
        ]);
    }
}
