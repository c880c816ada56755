namespace Harness.Core.Metrics;

/// <summary>
/// Every metric Harness reports, defined once. results.json, the console table, the PDF, the
/// acceptance gates and the tests all read this list; adding a metric is one entry here (plus,
/// if it needs a new sum, one accumulator in <see cref="SampleSummary"/>).
/// </summary>
public static class MetricCatalog
{
    /// <summary>The headline metrics (console tables, the report's per-site table, subgroup differences): binary models are judged on discrimination and calibration.</summary>
    public static readonly IReadOnlyList<string> BinaryHeadline = [MetricKeys.Auroc, MetricKeys.CalibrationSlope, MetricKeys.OeRatio, MetricKeys.Ece];

    /// <summary>Multiclass models have no calibration slope or O/E: accuracy and log loss take their place.</summary>
    public static readonly IReadOnlyList<string> MulticlassHeadline = [MetricKeys.Auroc, MetricKeys.Accuracy, MetricKeys.Ece, MetricKeys.LogLoss];

    public static IReadOnlyList<string> Headline(bool binary) => binary ? BinaryHeadline : MulticlassHeadline;

    public const string Discrimination = "discrimination";
    public const string AtThreshold = "at the operating threshold";
    public const string Calibration = "calibration";
    public const string Overall = "overall";

    public static readonly IReadOnlyList<MetricDefinition> All =
    [
        new()
        {
            Key = "accuracy", Label = "Accuracy", Group = Discrimination, Direction = MetricDirection.HigherIsBetter,
            Formula = "share of examples whose most probable class (argmax; lowest index on ties) is the true class",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => s.Correct / s.N,
        },
        new()
        {
            Key = "balanced_accuracy", Label = "Balanced accuracy", Group = Discrimination, Direction = MetricDirection.HigherIsBetter,
            Formula = "mean over the classes present of the share of that class predicted (argmax) as it (scikit-learn's balanced_accuracy_score)",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => Enumerable.Range(0, s.ClassWeight.Length).Where(c => s.ClassWeight[c] > 0).Average(c => s.CorrectByClass[c] / s.ClassWeight[c]),
        },
        new()
        {
            Key = "auroc", Label = "AUROC", Group = Discrimination, Direction = MetricDirection.HigherIsBetter,
            Formula = "probability that a random positive scores above a random negative, ties counting half (Mann-Whitney); " +
                "multiclass: unweighted mean of the one-vs-rest AUROCs of the classes that have both",
            Interval = IntervalMethod.DeLong, MulticlassInterval = IntervalMethod.BootstrapPercentile,
            Pooling = PoolingScale.Logit,
            Value = Auroc,
        },
        new()
        {
            Key = "auprc", Label = "AUPRC", Group = Discrimination, Direction = MetricDirection.HigherIsBetter,
            Formula = "average precision: sum over thresholds at each distinct score of (recall step) x precision, as scikit-learn's " +
                "average_precision_score; multiclass: unweighted mean over the classes present",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => Mean(s.AveragePrecision, "undefined: no example of the positive class"),
        },
        Rate("sensitivity", "Sensitivity", "TP / (TP + FN): share of events at or above the threshold", s => (s.TruePositives, s.TruePositives + s.FalseNegatives), "no events"),
        Rate("specificity", "Specificity", "TN / (TN + FP): share of non-events below the threshold", s => (s.TrueNegatives, s.TrueNegatives + s.FalsePositives), "no non-events"),
        Rate("ppv", "PPV", "TP / (TP + FP): share of events among examples at or above the threshold", s => (s.TruePositives, s.TruePositives + s.FalsePositives), "nothing reaches the threshold"),
        Rate("npv", "NPV", "TN / (TN + FN): share of non-events among examples below the threshold", s => (s.TrueNegatives, s.TrueNegatives + s.FalseNegatives), "everything reaches the threshold"),
        Rate("f1", "F1", "2 TP / (2 TP + FP + FN)", s => (2 * s.TruePositives, 2 * s.TruePositives + s.FalsePositives + s.FalseNegatives), "no events and nothing reaches the threshold"),
        new()
        {
            Key = "oe_ratio", Label = "O/E", Group = Calibration, Direction = MetricDirection.CloserToIdealIsBetter, Ideal = 1,
            Maximum = double.PositiveInfinity, Scope = MetricScope.Binary, Format = "0.00",
            Formula = "mean calibration: observed events / sum of predicted risks; interval on the log scale with SE(ln O/E) = sqrt(1/O - 1/n)",
            Interval = IntervalMethod.LogWald,
            Pooling = PoolingScale.Log,
            Value = OeRatio,
        },
        new()
        {
            Key = "calibration_intercept", Label = "Calibration intercept", Group = Calibration,
            Direction = MetricDirection.CloserToIdealIsBetter, Ideal = 0,
            Minimum = double.NegativeInfinity, Maximum = double.PositiveInfinity, Scope = MetricScope.Binary, Format = "0.00",
            Formula = "calibration-in-the-large: a in logit P(y) = a + logit(p) (logit(p) as offset; logistic regression, Wald interval)",
            Interval = IntervalMethod.Wald,
            Value = s => s.CalibrationIntercept is { } a ? new MetricPoint(a.Estimate, null, a.StandardError) : LogisticUndefined(s),
        },
        new()
        {
            Key = "calibration_slope", Label = "Calibration slope", Group = Calibration,
            Direction = MetricDirection.CloserToIdealIsBetter, Ideal = 1,
            Minimum = double.NegativeInfinity, Maximum = double.PositiveInfinity, Scope = MetricScope.Binary, Format = "0.00",
            Formula = "b in logit P(y) = a + b logit(p) (logistic regression, Wald interval); below 1: risks too extreme, above 1: too moderate",
            Interval = IntervalMethod.Wald,
            Pooling = PoolingScale.Identity,
            Value = s => s.CalibrationSlope is { } fit ? new MetricPoint(fit.Slope.Estimate, null, fit.Slope.StandardError) : LogisticUndefined(s),
        },
        Flexible("ici", "ICI", "integrated calibration index: mean |loess calibration curve(p) - p| over the examples", f => f.Ici),
        Flexible("e50", "E50", "median |loess calibration curve(p) - p|", f => f.E50),
        Flexible("e90", "E90", "0.9 quantile of |loess calibration curve(p) - p|", f => f.E90),
        Flexible("emax", "Emax", "largest |loess calibration curve(p) - p|", f => f.Emax),
        new()
        {
            Key = "ece", Label = "ECE", Group = Calibration, Direction = MetricDirection.LowerIsBetter,
            Formula = $"top-label expected calibration error: |accuracy - confidence| over {ClassificationMetrics.EceBins} equal-width " +
                "confidence bins ((m-1)/15, m/15], weighted by bin size (Guo et al. 2017)",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => Enumerable.Range(0, s.BinCount.Length).Where(b => s.BinCount[b] > 0)
                .Sum(b => s.BinCount[b] / s.N * Math.Abs(s.BinCorrect[b] / s.BinCount[b] - s.BinConfidence[b] / s.BinCount[b])),
        },
        new()
        {
            Key = "ece_equal_mass", Label = "ECE (equal mass)", Group = Calibration, Direction = MetricDirection.LowerIsBetter,
            Formula = $"top-label ECE over {ClassificationMetrics.EceBins} bins of equal count by confidence (sizes as numpy.array_split)",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => s.EceEqualMass,
        },
        new()
        {
            Key = "mce", Label = "MCE", Group = Calibration, Direction = MetricDirection.LowerIsBetter,
            Formula = "maximum calibration error: the largest |accuracy - confidence| over the non-empty equal-width bins",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => Enumerable.Range(0, s.BinCount.Length).Where(b => s.BinCount[b] > 0)
                .Max(b => Math.Abs(s.BinCorrect[b] / s.BinCount[b] - s.BinConfidence[b] / s.BinCount[b])),
        },
        new()
        {
            Key = "brier", Label = "Brier", Group = Overall, Direction = MetricDirection.LowerIsBetter, Maximum = 2,
            Formula = "binary: mean (p - y)^2 of the positive-class risk; multiclass: mean squared distance between the probability " +
                "vector and the one-hot truth (Brier 1950)",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => s.BrierSum / s.N,
        },
        new()
        {
            Key = "scaled_brier", Label = "Scaled Brier", Group = Overall, Direction = MetricDirection.HigherIsBetter,
            Minimum = double.NegativeInfinity,
            Formula = "1 - Brier / Brier of always predicting this sample's class shares (binary: prevalence x (1 - prevalence))",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = ScaledBrier,
        },
        new()
        {
            Key = "log_loss", Label = "Log loss", Group = Overall, Direction = MetricDirection.LowerIsBetter,
            Maximum = double.PositiveInfinity,
            Formula = "mean -ln p(true class), p clipped to [1e-15, 1]",
            Interval = IntervalMethod.BootstrapPercentile,
            Value = s => s.LogLossSum / s.N,
        },
    ];

    private static readonly Dictionary<string, MetricDefinition> ByKey = All.ToDictionary(m => m.Key, StringComparer.Ordinal);

    public static MetricDefinition? Find(string key) => ByKey.GetValueOrDefault(key);

    public static MetricDefinition Get(string key) =>
        Find(key) ?? throw new KeyNotFoundException($"No metric '{key}' in the catalog.");

    /// <summary>The metrics of a binary or a multiclass model, in catalog order.</summary>
    public static IEnumerable<MetricDefinition> For(bool binary) => All.Where(m => m.AppliesTo(binary));

    private static MetricPoint Auroc(SampleSummary s)
    {
        if (s.IsBinary)
        {
            if (s.Auroc[0] is not { } auroc) return MetricPoint.Undefined("undefined: every example has the same class");
            double variance = s.DeLongAuroc?.Variance ?? double.NaN;
            return new MetricPoint(auroc, null, double.IsFinite(variance) ? Math.Sqrt(variance) : null);
        }
        return Mean(s.Auroc, "undefined: no class has both positive and negative examples");
    }

    private static MetricPoint Mean(double?[] perClass, string whenNone)
    {
        var defined = perClass.Where(v => v is not null).Select(v => v!.Value).ToList();
        return defined.Count == 0 ? MetricPoint.Undefined(whenNone) : defined.Average();
    }

    private static MetricDefinition Rate(string key, string label, string formula, Func<SampleSummary, (double Hits, double Of)> counts, string whenEmpty) => new()
    {
        Key = key, Label = label, Group = AtThreshold, Direction = MetricDirection.HigherIsBetter, Scope = MetricScope.Binary,
        Formula = formula + " (positive when the risk is at or above the operating threshold)",
        Interval = IntervalMethod.BootstrapPercentile,
        Value = s =>
        {
            if (s.Sample.Threshold is null) return MetricPoint.Undefined("undefined: the model records no operating threshold");
            var (hits, of) = counts(s);
            return of == 0 ? MetricPoint.Undefined($"undefined: {whenEmpty}") : hits / of;
        },
    };

    private static MetricDefinition Flexible(string key, string label, string formula, Func<Statistics.FlexibleCalibrationResult, double> pick) => new()
    {
        Key = key, Label = label, Group = Calibration, Direction = MetricDirection.LowerIsBetter, Scope = MetricScope.Binary,
        Formula = formula + "; the curve is loess of the outcome on p (span 0.75, degree 2, tricube weights, fitted at each point; " +
            "Austin & Steyerberg 2019)",
        Interval = IntervalMethod.BootstrapPercentile,
        Value = s => s.Flexible is { } f ? pick(f) : MetricPoint.Undefined("undefined: too few distinct risks for a loess curve"),
    };

    private static MetricPoint OeRatio(SampleSummary s)
    {
        double observed = s.Observed, expected = s.Expected;
        if (expected <= 0) return MetricPoint.Undefined("undefined: every predicted risk is 0");
        if (observed == 0) return new MetricPoint(0, "no events: the log-scale interval is undefined");
        // ln(O/E) has variance about 1/O - 1/n (O binomial; Debray et al. 2017).
        return new MetricPoint(observed / expected, null, Math.Sqrt(Math.Max(0, 1 / observed - 1 / s.N)));
    }

    private static MetricPoint LogisticUndefined(SampleSummary s) =>
        MetricPoint.Undefined(s.ClassesPresent < 2
            ? "undefined: every example has the same class"
            : "undefined: the logistic calibration model did not converge (separation, or too few distinct risks)");

    private static MetricPoint ScaledBrier(SampleSummary s)
    {
        double reference = 1;
        for (int c = 0; c < s.ClassWeight.Length; c++)
        {
            double share = s.ClassWeight[c] / s.N;
            reference -= share * share;
        }
        // Binary Brier is on the positive-class risk alone, half the multiclass sum: so is its reference.
        if (s.IsBinary) reference /= 2;
        return reference <= 0 ? MetricPoint.Undefined("undefined: every example has the same class") : 1 - s.BrierSum / s.N / reference;
    }
}
