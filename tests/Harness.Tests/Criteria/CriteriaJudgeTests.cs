using Harness.Core.Metrics;
using Harness.Tests.Support;
using Harness.Validator.Criteria;
using Harness.Results;

namespace Harness.Tests.Criteria;

/// <summary>
/// Judging rules on intervals: every site here is built by hand with round values and intervals,
/// so each verdict can be checked by eye against the rule (PASS: the whole interval in the region;
/// FAIL: the whole interval outside; otherwise INCONCLUSIVE).
/// </summary>
public sealed class CriteriaJudgeTests : IDisposable
{
    private const string Sha = "5e1c0ffee5e1c0ffee5e1c0ffee5e1c0ffee5e1c0ffee5e1c0ffee5e1c0ffee0";

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The rules, written to a criteria file and loaded as a binary model's.</summary>
    private IReadOnlyList<Criterion> RulesFile(string json)
    {
        string path = _temp.Combine("criteria.json");
        File.WriteAllText(path, json.Replace('\'', '"'));
        return CriteriaFile.Load(path, binaryModel: true);
    }

    private IReadOnlyList<Criterion> Rules(params string[] rules) =>
        RulesFile("{ 'criteria': [" + string.Join(", ", rules.Select(r => $"'{r}'")) + "] }");

    private static MetricValue Estimate(double value, double lower, double upper, IntervalMethod method = IntervalMethod.BootstrapPercentile) =>
        new(value) { Ci = new ConfidenceInterval(lower, upper, 0.95, method) };

    private static MetricSet Set(params (string Key, MetricValue Value)[] metrics)
    {
        var set = new MetricSet();
        foreach (var (key, value) in metrics) set.Add(key, value);
        return set;
    }

    private static SiteResult Site(string name, MetricSet metrics, MetricSet? gap = null, bool heldOut = true, params ValidationWarning[] warnings) => new()
    {
        Name = name,
        ManifestPath = $"sites/{name}/manifest.csv",
        ManifestSha256 = new string('a', 64),
        N = 200,
        ClassCounts = new Dictionary<string, int> { ["no_disease"] = 80, ["disease"] = 120 },
        Prevalence = 0.6,
        HeldOut = heldOut,
        Holdout = heldOut ? "institutional" : "internal",
        HoldoutReason = heldOut ? "not a training institution" : "the same manifest as training site 'x'",
        MissingRates = new Dictionary<string, double>(),
        Metrics = metrics,
        Gap = gap ?? new MetricSet(),
        Calibration = new CalibrationCurve("positive_class", "disease", []),
        Warnings = warnings,
    };

    private static SiteResult Auroc(string name, double value, double lower, double upper, bool heldOut = true) =>
        Site(name, Set(("auroc", Estimate(value, lower, upper, IntervalMethod.DeLong))), heldOut: heldOut);

    private static CriteriaOutcome Judge(IReadOnlyList<Criterion> rules, params SiteResult[] sites) =>
        CriteriaJudge.Judge(rules, "criteria.json", Sha, sites);

    // ------------------------------------------------------------------ the three verdicts

    [Fact]
    public void One_passing_one_failing_one_inconclusive_rule_give_those_verdicts_and_overall_fail()
    {
        // Given a site whose AUROC interval [0.740, 0.860] is above 0.70, whose ECE interval [0.250, 0.350]
        // is above 0.20, and whose calibration slope interval [0.500, 1.300] straddles 0.6
        var site = Site("va-long-beach", Set(
            ("auroc", Estimate(0.80, 0.74, 0.86, IntervalMethod.DeLong)),
            ("ece", Estimate(0.30, 0.25, 0.35)),
            ("calibration_slope", Estimate(0.90, 0.50, 1.30, IntervalMethod.Wald))));
        var rules = RulesFile("""
            {
              'criteria': [
                'auroc >= 0.70',
                'ece <= 0.20',
                'calibration_slope between 0.6 and 1.6',
              ]
            }
            """);

        // When the rules are judged
        var outcome = Judge(rules, site);

        // Then PASS, FAIL, INCONCLUSIVE in the file's order, each with its numbers, and overall FAIL
        Assert.Equal([Verdict.Pass, Verdict.Fail, Verdict.Inconclusive], outcome.Verdicts.Select(v => v.Verdict));
        Assert.Equal(Verdict.Fail, outcome.Overall);
        Assert.Equal(("criteria.json", Sha), (outcome.File, outcome.Sha256));

        var pass = outcome.Verdicts[0];
        Assert.Equal(("auroc >= 0.70", "va-long-beach", "auroc", 0.80, 0.74, 0.86), (pass.Rule, pass.Site, pass.Metric, pass.Value!.Value, pass.Lower!.Value, pass.Upper!.Value));
        Assert.Equal("auroc 0.800 (95% CI 0.740 to 0.860): the whole interval is at or above 0.700.", pass.Reason);
        Assert.Equal("ece 0.300 (95% CI 0.250 to 0.350): the whole interval is above 0.200.", outcome.Verdicts[1].Reason);
        Assert.Equal("calibration_slope 0.900 (95% CI 0.500 to 1.300): the interval [0.500, 1.300] straddles the bound 0.600.", outcome.Verdicts[2].Reason);
    }

    [Fact]
    public void Overall_is_inconclusive_without_a_failure_and_pass_when_every_rule_passes()
    {
        // Given an AUROC interval [0.650, 0.750]
        var site = Auroc("switzerland", 0.70, 0.65, 0.75);

        // When it is judged against a bound below it, and against that and a bound inside it
        var passing = Judge(Rules("auroc >= 0.6"), site);
        var mixed = Judge(Rules("auroc >= 0.6", "auroc >= 0.7"), site);

        // Then the first passes, the second is inconclusive overall
        Assert.Equal(Verdict.Pass, passing.Overall);
        Assert.Equal(Verdict.Inconclusive, mixed.Overall);
    }

    [Theory]
    // interval [0.700, 0.800], its lower end on the bound
    [InlineData("auroc >= 0.70", 0.70, 0.80, Verdict.Pass)]
    [InlineData("auroc > 0.70", 0.70, 0.80, Verdict.Inconclusive)]
    [InlineData("auroc <= 0.70", 0.70, 0.80, Verdict.Inconclusive)]
    [InlineData("auroc < 0.70", 0.70, 0.80, Verdict.Fail)]
    // interval [0.600, 0.700], its upper end on the bound
    [InlineData("auroc <= 0.70", 0.60, 0.70, Verdict.Pass)]
    [InlineData("auroc < 0.70", 0.60, 0.70, Verdict.Inconclusive)]
    [InlineData("auroc >= 0.70", 0.60, 0.70, Verdict.Inconclusive)]
    [InlineData("auroc > 0.70", 0.60, 0.70, Verdict.Fail)]
    // between is inclusive at both ends; a straddle of either bound is inconclusive
    [InlineData("auroc between 0.60 and 0.70", 0.60, 0.70, Verdict.Pass)]
    [InlineData("auroc between 0.65 and 0.90", 0.60, 0.70, Verdict.Inconclusive)]
    [InlineData("auroc between 0.50 and 0.65", 0.60, 0.70, Verdict.Inconclusive)]
    [InlineData("auroc between 0.62 and 0.68", 0.60, 0.70, Verdict.Inconclusive)]
    [InlineData("auroc between 0.71 and 0.90", 0.60, 0.70, Verdict.Fail)]
    [InlineData("auroc between 0.40 and 0.59", 0.60, 0.70, Verdict.Fail)]
    public void Bounds_are_strict_or_inclusive_as_written(string rule, double lower, double upper, Verdict expected)
    {
        // Given an AUROC interval whose end lies on the bound
        var site = Auroc("va-long-beach", (lower + upper) / 2, lower, upper);

        // When the rule is judged
        var verdict = Judge(Rules(rule), site).Verdicts.Single();

        // Then > and < exclude the bound itself, >=, <= and between include it
        Assert.Equal(expected, verdict.Verdict);
    }

    [Fact]
    public void Interval_touching_an_excluded_bound_says_so()
    {
        // Given an AUROC interval [0.700, 0.800]
        var site = Auroc("va-long-beach", 0.75, 0.70, 0.80);

        // When "> 0.70" is judged
        var verdict = Judge(Rules("auroc > 0.70"), site).Verdicts.Single();

        // Then the reason says the interval reaches the excluded bound
        Assert.Equal("auroc 0.750 (95% CI 0.700 to 0.800): the interval [0.700, 0.800] reaches the bound 0.700, which the rule excludes.", verdict.Reason);
    }

    [Fact]
    public void Failing_above_an_upper_bound_and_passing_between_say_where_the_interval_lies()
    {
        // Given an ECE interval [0.100, 0.200]
        var site = Site("switzerland", Set(("ece", Estimate(0.15, 0.10, 0.20))));

        // When it is judged against a strict upper bound at its lower end, and a range holding it
        var outcome = Judge(Rules("ece < 0.1", "ece between 0 and 0.25"), site);

        // Then the first fails and the second passes, each saying why
        Assert.Equal("ece 0.150 (95% CI 0.100 to 0.200): the whole interval is at or above 0.100.", outcome.Verdicts[0].Reason);
        Assert.Equal(Verdict.Fail, outcome.Verdicts[0].Verdict);
        Assert.Equal("ece 0.150 (95% CI 0.100 to 0.200): the whole interval lies within [0.000, 0.250].", outcome.Verdicts[1].Reason);
        Assert.Equal(Verdict.Pass, outcome.Verdicts[1].Verdict);
    }

    // ------------------------------------------------------------------ what cannot be judged

    [Theory]
    [InlineData(WarningCodes.TinySite, "Only 6 rows: too few for any estimate to be informative.")]
    [InlineData(WarningCodes.SingleClass, "Every row has class 'disease': AUROC, AUPRC and the calibration slope are undefined.")]
    public void Site_too_small_to_judge_is_inconclusive_even_when_its_interval_clears_the_bound(string code, string message)
    {
        // Given a site whose interval [0.900, 0.990] clears 0.70, but with a warning that makes it too small to judge
        var site = Site("tiny", Set(("auroc", Estimate(0.95, 0.90, 0.99))),
            warnings: new ValidationWarning(code, message, new Dictionary<string, double>()));

        // When "auroc >= 0.70" is judged
        var verdict = Judge(Rules("auroc >= 0.70"), site).Verdicts.Single();

        // Then it is inconclusive, naming the warning, and still reports the numbers
        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
        Assert.Equal($"the site is too small to judge ({code}: {message.TrimEnd('.')}).", verdict.Reason);
        Assert.Equal((0.95, 0.90, 0.99), (verdict.Value!.Value, verdict.Lower!.Value, verdict.Upper!.Value));
    }

    [Fact]
    public void Few_events_alone_does_not_stop_judging()
    {
        // Given a site with fewer than 100 non-events (as Switzerland with 8) and an interval clearing 0.55
        var site = Site("switzerland", Set(("auroc", Estimate(0.72, 0.58, 0.86))),
            warnings: new ValidationWarning(WarningCodes.FewEvents, "Only 8 non-events.", new Dictionary<string, double>()));

        // When "auroc >= 0.55" is judged, Then it passes: the interval's width already carries the uncertainty
        Assert.Equal(Verdict.Pass, Judge(Rules("auroc >= 0.55"), site).Overall);
    }

    [Fact]
    public void Undefined_value_is_inconclusive_with_the_metrics_note()
    {
        // Given a site where AUROC is undefined
        var site = Site("lakeside", Set(("auroc", new MetricValue(null) { Note = "undefined: every example has the same class" })));

        // When "auroc >= 0.70" is judged
        var verdict = Judge(Rules("auroc >= 0.70"), site).Verdicts.Single();

        // Then it is inconclusive and the reason is the note
        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
        Assert.Equal("undefined: every example has the same class", verdict.Reason);
        Assert.Equal((null, null, null), (verdict.Value, verdict.Lower, verdict.Upper));
    }

    [Theory]
    [InlineData("no interval: bootstrap intervals are off (0 resamples)", "no interval: bootstrap intervals are off (0 resamples)")]
    [InlineData("the model card carries no development predictions", "no interval: the model card carries no development predictions")]
    public void Value_without_an_interval_is_inconclusive_however_clear_the_point(string note, string reason)
    {
        // Given an ECE of 0.010 with no interval
        var site = Site("va-long-beach", Set(("ece", new MetricValue(0.01) { Note = note })));

        // When "ece <= 0.20" is judged
        var verdict = Judge(Rules("ece <= 0.20"), site).Verdicts.Single();

        // Then it is inconclusive: the rule is judged on intervals, never on points
        Assert.Equal(Verdict.Inconclusive, verdict.Verdict);
        Assert.Equal(reason, verdict.Reason);
        Assert.Equal(0.01, verdict.Value);
        Assert.Null(verdict.Lower);
    }

    // ------------------------------------------------------------------ which sites

    [Fact]
    public void Rule_with_sites_is_judged_only_there_and_a_site_not_validated_is_inconclusive()
    {
        // Given two validated sites, and a rule for one of them and for a site that was not validated
        var sites = new[] { Auroc("switzerland", 0.72, 0.58, 0.86), Auroc("va-long-beach", 0.76, 0.69, 0.83) };
        var rules = RulesFile("{ 'criteria': [ { 'rule': 'auroc >= 0.65', 'sites': ['va-long-beach', 'hungary'] } ] }");

        // When it is judged
        var verdicts = Judge(rules, sites).Verdicts;

        // Then it is judged at va-long-beach (its interval [0.690, 0.830] clears 0.65) and inconclusive for hungary
        Assert.Equal([("va-long-beach", Verdict.Pass), ("hungary", Verdict.Inconclusive)], verdicts.Select(v => (v.Site, v.Verdict)));
        Assert.Equal(CriteriaJudge.SiteNotValidated, verdicts[1].Reason);
        Assert.Equal("site not validated", verdicts[1].Reason);
    }

    [Theory]
    [InlineData("external", new[] { "switzerland", "va-long-beach" })]
    [InlineData("internal", new[] { "cleveland" })]
    public void Holdout_filter_picks_held_out_or_training_sites(string holdOut, string[] expected)
    {
        // Given a training site and two held-out sites
        var sites = new[]
        {
            Auroc("cleveland", 0.90, 0.85, 0.95, heldOut: false),
            Auroc("switzerland", 0.72, 0.58, 0.86),
            Auroc("va-long-beach", 0.76, 0.69, 0.83),
        };
        var rules = RulesFile($"{{ 'criteria': [ {{ 'rule': 'auroc >= 0.5', 'holdout': '{holdOut}' }} ] }}");

        // When the rule is judged
        var verdicts = Judge(rules, sites).Verdicts;

        // Then only the sites of that kind are judged
        Assert.Equal(expected, verdicts.Select(v => v.Site));
    }

    [Fact]
    public void Rule_without_filters_is_judged_at_every_site_in_order()
    {
        // Given a training site and a held-out site
        var sites = new[] { Auroc("cleveland", 0.90, 0.85, 0.95, heldOut: false), Auroc("switzerland", 0.72, 0.58, 0.86) };

        // When one unfiltered rule is judged
        var verdicts = Judge(Rules("auroc >= 0.60"), sites).Verdicts;

        // Then there is one verdict per site: cleveland passes, switzerland's [0.580, 0.860] straddles 0.60
        Assert.Equal([("cleveland", Verdict.Pass), ("switzerland", Verdict.Inconclusive)], verdicts.Select(v => (v.Site, v.Verdict)));
    }

    // ------------------------------------------------------------------ gaps

    [Fact]
    public void Gap_rules_read_the_gap_not_the_value()
    {
        // Given a site with AUROC 0.750 and an AUROC gap of -0.100 [-0.180, -0.020] against development
        var site = Site("va-long-beach",
            Set(("auroc", Estimate(0.75, 0.68, 0.82, IntervalMethod.DeLong))),
            Set(("auroc", Estimate(-0.10, -0.18, -0.02, IntervalMethod.DeLong) with { Distinguishable = true, Worse = true })));

        // When a lenient and a strict gap rule are judged
        var outcome = Judge(Rules("gap.auroc >= -0.25", "gap.auroc >= 0", "gap.auroc > -0.15"), site);

        // Then the gap's interval is judged: it clears -0.25, lies wholly below 0, and straddles -0.15
        Assert.Equal([Verdict.Pass, Verdict.Fail, Verdict.Inconclusive], outcome.Verdicts.Select(v => v.Verdict));
        var pass = outcome.Verdicts[0];
        Assert.Equal(("gap.auroc", -0.10, -0.18, -0.02), (pass.Metric, pass.Value!.Value, pass.Lower!.Value, pass.Upper!.Value));
        Assert.Equal("gap.auroc -0.100 (95% CI -0.180 to -0.020): the whole interval is at or above -0.250.", pass.Reason);
        Assert.Equal("gap.auroc -0.100 (95% CI -0.180 to -0.020): the whole interval is below 0.000.", outcome.Verdicts[1].Reason);
        Assert.Equal("gap.auroc -0.100 (95% CI -0.180 to -0.020): the interval [-0.180, -0.020] straddles the bound -0.150.", outcome.Verdicts[2].Reason);
    }

    [Fact]
    public void Undefined_gap_is_inconclusive_with_its_note()
    {
        // Given a site whose AUROC gap is undefined because its own AUROC is
        var site = Site("lakeside", Set(("auroc", new MetricValue(null) { Note = "undefined: every example has the same class" })),
            Set(("auroc", new MetricValue(null) { Note = "undefined: the site's value is undefined" })));

        // When a gap rule is judged
        var verdict = Judge(Rules("gap.auroc >= -0.25"), site).Verdicts.Single();

        // Then it is inconclusive with the gap's note
        Assert.Equal((Verdict.Inconclusive, "undefined: the site's value is undefined"), (verdict.Verdict, verdict.Reason));
    }

    [Fact]
    public void No_rule_applying_anywhere_passes_overall()
    {
        // Given only a held-out site and a rule for training sites
        var rules = RulesFile("{ 'criteria': [ { 'rule': 'auroc >= 0.5', 'holdout': 'internal' } ] }");

        // When it is judged
        var outcome = Judge(rules, Auroc("switzerland", 0.72, 0.58, 0.86));

        // Then there are no verdicts, and overall PASS (as CriteriaOutcome documents)
        Assert.Empty(outcome.Verdicts);
        Assert.Equal(Verdict.Pass, outcome.Overall);
    }
}
