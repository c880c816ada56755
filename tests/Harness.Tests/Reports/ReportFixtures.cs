using System.Text.Json.Nodes;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Results;

namespace Harness.Tests.Reports;

/// <summary>
/// Validation results made from hand-built scores: metrics, gaps and reliability bins come from
/// the real metric code, so the report is checked against numbers computed independently of it.
/// </summary>
internal static class ReportFixtures
{
    public static readonly string[] BinaryClasses = ["benign", "malignant"];
    public const int Positive = 1;

    public const string ModelSha256 = "3f2c1ab09e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29180f1e2d3c4b5a697887";

    /// <summary>A few examples written out by hand: labels and the model's risk of "malignant".</summary>
    public static ScoredExamples HandMade() => Binary(
        [1, 0, 1, 1, 0, 0, 1, 0, 0, 1],
        [0.91, 0.12, 0.67, 0.45, 0.30, 0.08, 0.83, 0.55, 0.21, 0.72]);

    /// <summary>Only negatives: AUROC is undefined (null, with a note).</summary>
    public static ScoredExamples AllNegative() => Binary(
        [0, 0, 0, 0, 0, 0],
        [0.05, 0.22, 0.14, 0.61, 0.09, 0.33]);

    /// <summary>
    /// More examples from a fixed seed, for realistic diagrams; <paramref name="shift"/> moves
    /// every logit, i.e. makes the model over- (positive) or under- (negative) confident of disease.
    /// </summary>
    public static ScoredExamples Simulated(int seed, int n, double shift, double prevalence = 0.35)
    {
        var rng = new Random(seed);
        var labels = new int[n];
        var risks = new double[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.NextDouble() < prevalence ? 1 : 0;
            double noise = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            double logit = (labels[i] == 1 ? 1.4 : -1.4) + 1.2 * noise + shift;
            risks[i] = 1 / (1 + Math.Exp(-logit));
        }
        return Binary(labels, risks);
    }

    public static ScoredExamples Binary(int[] labels, double[] risks)
    {
        var probabilities = new float[labels.Length * 2];
        for (int i = 0; i < labels.Length; i++)
        {
            probabilities[2 * i] = (float)(1 - risks[i]);
            probabilities[2 * i + 1] = (float)risks[i];
        }
        return new ScoredExamples(BinaryClasses, Positive, labels, probabilities);
    }

    /// <summary>Few resamples: the fixtures need intervals, not precise ones.</summary>
    public static readonly IntervalOptions Intervals = new() { Resamples = 200 };

    /// <summary>The binary fixtures' operating threshold: the model records it, and every estimate uses it.</summary>
    public static readonly OperatingPoint Threshold = new(0.5, "fixed");

    public static DevelopmentEvaluation Development(ScoredExamples scores) => new(
        "20% of rows from each training site, stratified by class (seed 42)",
        scores.Count,
        Counts(scores),
        Estimate(scores, "development").Metrics) { Intervals = Intervals };

    public static SampleEstimate Estimate(ScoredExamples scores, string key) =>
        MetricEstimator.Estimate(scores, scores.IsBinary ? Threshold.Threshold : null, Intervals, key);

    public static SiteResult Site(string name, ScoredExamples scores, ScoredExamples developmentScores, bool heldOut = true,
        IReadOnlyList<ValidationWarning>? warnings = null)
    {
        var estimate = Estimate(scores, name);
        var metrics = estimate.Metrics;
        bool binary = scores.IsBinary;
        return new SiteResult
        {
            Name = name,
            ManifestPath = $"sites/{name}/manifest.csv",
            ManifestSha256 = Hash(name),
            N = scores.Count,
            ClassCounts = Counts(scores),
            Prevalence = binary ? (double)scores.Labels.Count(l => l == scores.PositiveClass) / scores.Count : null,
            HeldOut = heldOut,
            Holdout = heldOut ? "institutional" : "internal",
            HoldoutReason = heldOut ? "not a training institution" : "the same manifest as training site 'x'",
            Metrics = metrics,
            MissingRates = new Dictionary<string, double>(),
            Gap = MetricEstimator.Gap(estimate, Estimate(developmentScores, "development"), Intervals),
            Warnings = warnings ?? [],
            Calibration = binary
                ? new CalibrationCurve("positive_class", scores.ClassNames[scores.PositiveClass!.Value],
                    ClassificationMetrics.ClassReliability(scores, scores.PositiveClass.Value), estimate.FlexibleCalibration?.Curve)
                : new CalibrationCurve("top_label", null, ClassificationMetrics.TopLabelReliability(scores)),
        };
    }

    /// <summary>The standard fixture: two external sites, one the model was trained on, one without positives.</summary>
    /// <remarks>Built once (bootstrapping every site takes seconds) and shared: the results are immutable.</remarks>
    public static ValidationResults Results() => Standard.Value;

    private static readonly Lazy<ValidationResults> Standard = new(BuildStandard);

    private static ValidationResults BuildStandard()
    {
        var developmentScores = Simulated(seed: 1, n: 400, shift: 0);
        return Results(Development(developmentScores),
        [
            Site("St Mary's Hospital", Simulated(seed: 2, n: 240, shift: 0.6), developmentScores),
            Site("Northfield General", HandMade(), developmentScores, warnings: [SmallSiteWarning]),
            Site("Riverside Clinic", Simulated(seed: 3, n: 180, shift: -0.2), developmentScores, heldOut: false),
            Site("Lakeside Paediatric", AllNegative(), developmentScores, warnings: [SingleClassWarning]),
        ]);
    }

    public static readonly ValidationWarning SmallSiteWarning = new(WarningCodes.FewEvents,
        "This site has 5 events and 5 non-events; at least 100 of each are recommended for external validation (Riley et al. 2021), so its intervals are wide.",
        new Dictionary<string, double> { ["events"] = 5, ["non_events"] = 5 });

    public static readonly ValidationWarning SingleClassWarning = new(WarningCodes.SingleClass,
        "Every row has class 'benign': AUROC, AUPRC and the calibration slope are undefined.",
        new Dictionary<string, double> { ["classes_present"] = 1 });

    public static readonly ValidationWarning CpuWarning = new(WarningCodes.CpuFallback,
        "Inference ran on the CPU: no CUDA device was found (nvidia-smi absent).", new Dictionary<string, double>());

    /// <summary>The standard fixture judged by acceptance criteria, with a run-level warning: one rule fails, one is inconclusive.</summary>
    public static ValidationResults Judged()
    {
        var results = Results();
        var verdicts = new List<CriterionVerdict>
        {
            new("auroc >= 0.70", "St Mary's Hospital", "auroc", Verdict.Pass, 0.84, 0.79, 0.89,
                "auroc 0.840 (95% CI 0.790 to 0.890): the whole interval is at or above 0.700."),
            new("auroc >= 0.70", "Northfield General", "auroc", Verdict.Inconclusive, 0.96, 0.62, 1.0,
                "auroc 0.960 (95% CI 0.620 to 1.000): the interval straddles 0.700."),
            new("oe_ratio between 0.8 and 1.25", "St Mary's Hospital", "oe_ratio", Verdict.Fail, 1.6, 1.4, 1.8,
                "oe_ratio 1.60 (95% CI 1.40 to 1.80): the whole interval lies outside [0.800, 1.250]."),
        };
        return results with
        {
            Criteria = new CriteriaOutcome("criteria/acceptance.json", Hash("criteria"), verdicts),
            Warnings = [CpuWarning],
        };
    }

    /// <summary>Many sites with distinct names, for pagination.</summary>
    public static ValidationResults ManySites(int count)
    {
        var developmentScores = Simulated(seed: 1, n: 400, shift: 0);
        var sites = Enumerable.Range(1, count)
            .Select(i => Site($"Site {i:00} {(char)('A' + (i - 1) % 26)}ville", Simulated(seed: 100 + i, n: 60 + 7 * i, shift: (i % 5 - 2) * 0.3), developmentScores))
            .ToList();
        return Results(Development(developmentScores), sites);
    }

    public static ValidationResults Results(DevelopmentEvaluation development, IReadOnlyList<SiteResult> sites, ModelIdentity? model = null) => new()
    {
        Model = model ?? Model(),
        Execution = new ExecutionInfo("auto", "CPUExecutionProvider",
            "no CUDA device was found (nvidia-smi absent), so ONNX Runtime ran on the CPU", "0.1.0+test", new DateTimeOffset(2025, 6, 2, 9, 30, 0, TimeSpan.Zero)),
        Intervals = Intervals,
        Development = development,
        Sites = sites,
        Warnings = [],
    };

    public static ModelIdentity Model(IReadOnlyList<string>? classes = null, string? positive = "malignant") => new()
    {
        Path = "/srv/models/breast-cancer/model.onnx",
        Sha256 = ModelSha256,
        HarnessVersion = "0.1.0+abc1234",
        CreatedUtc = new DateTimeOffset(2025, 5, 30, 16, 45, 12, TimeSpan.Zero),
        FeatureNames = Enumerable.Range(1, 30).Select(i => $"feature_{i}").ToArray(),
        ClassNames = classes ?? BinaryClasses,
        PositiveClass = positive,
        OperatingPoint = positive is null ? null : Threshold,
        TrainingSites =
        [
            new TrainingSite("Riverside Clinic", 900, Hash("Riverside Clinic")),
            new TrainingSite("City Teaching Hospital", 1450, Hash("City Teaching Hospital")),
        ],
        TrainingConfig = new JsonObject { ["trainer"] = "mlp", ["epochs"] = 50 },
    };

    public static string Hash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static IReadOnlyDictionary<string, int> Counts(ScoredExamples scores)
    {
        var counts = scores.ClassCounts();
        return scores.ClassNames.Select((name, i) => (name, i)).ToDictionary(c => c.name, c => counts[c.i]);
    }
}
