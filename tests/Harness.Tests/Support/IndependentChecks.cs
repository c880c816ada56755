using System.Globalization;

namespace Harness.Tests.Support;

/// <summary>
/// Checks of Harness's outputs by code that shares nothing with it: Python scripts using numpy,
/// scikit-learn, scipy, statsmodels and the onnx package (tests/Harness.Tests/Scripts, copied next
/// to the test binaries). Guard callers with <c>[PythonFact("numpy", "sklearn", "scipy", "statsmodels")]</c>
/// or <c>[PythonFact("onnx")]</c>.
/// </summary>
public static class IndependentChecks
{
    public const string RecomputeMetricsScript = "recompute_metrics.py";
    public const string CheckOnnxScript = "check_onnx.py";
    public const string MetaAnalysisScript = "meta_analysis.py";
    public const string ShiftReferenceScript = "shift_reference.py";

    /// <summary>
    /// Recomputes every site's n, class counts, prevalence, catalog metrics, analytic intervals
    /// (DeLong, Wald, log-Wald), gaps (value, interval, distinguishable, worse) and calibration bins
    /// from <c>predictions.csv</c> and compares them with <c>results.json</c> (tolerance 1e-6).
    /// Exit code 0: all match; 1: something differs (listed in the output); 2: bad usage or input.
    /// </summary>
    public static (int ExitCode, string Output) RecomputeMetrics(string resultsDir) =>
        RunScript(RecomputeMetricsScript, resultsDir);

    /// <summary>
    /// onnx.checker.check_model(full_check=True) on the model, printing its IR version, opsets,
    /// inputs and outputs. Exit code 0: valid; 1: invalid or unreadable; 2: bad usage.
    /// </summary>
    public static (int ExitCode, string Output) CheckOnnx(string modelPath) =>
        RunScript(CheckOnnxScript, modelPath);

    /// <summary>
    /// A random-effects meta-analysis (REML by direct maximisation of the restricted likelihood,
    /// HKSJ interval, t(k-2) prediction interval, I^2) of <paramref name="estimates"/> with within-study
    /// <paramref name="variances"/>; prints one JSON object (see the script). Exit code 0: printed; 2: bad usage.
    /// </summary>
    public static (int ExitCode, string Output) MetaAnalysis(double level, IEnumerable<double> estimates, IEnumerable<double> variances) =>
        RunScript(MetaAnalysisScript, level.ToString("R", CultureInfo.InvariantCulture),
            string.Join(",", estimates.Select(e => e.ToString("R", CultureInfo.InvariantCulture))),
            string.Join(",", variances.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));

    /// <summary>
    /// A weighted least-squares line through <paramref name="estimates"/> over <paramref name="times"/>
    /// with known <paramref name="variances"/> (statsmodels WLS, cov_type "fixed scale", and numpy's
    /// closed form); prints one JSON object (see the script). Exit code 0: printed; 2: bad usage.
    /// </summary>
    public static (int ExitCode, string Output) WeightedTrend(double level, IEnumerable<double> times, IEnumerable<double> estimates, IEnumerable<double> variances) =>
        RunScript(WeightedTrendScript, level.ToString("R", CultureInfo.InvariantCulture), Join(times), Join(estimates), Join(variances));

    public const string WeightedTrendScript = "weighted_trend.py";

    private static string Join(IEnumerable<double> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    /// <summary>
    /// The training distribution of the rows of <paramref name="trainingManifests"/> (numpy: mean,
    /// SD with ddof=1, np.quantile's linear deciles, histogram edges and counts); prints one JSON object
    /// (see the script). Exit code 0: printed; 2: bad usage.
    /// </summary>
    public static (int ExitCode, string Output) TrainingDistribution(params string[] trainingManifests) =>
        RunScript(ShiftReferenceScript, ["training", .. trainingManifests]);

    /// <summary>
    /// Every feature's shift at <paramref name="siteManifest"/> against the rows of
    /// <paramref name="trainingManifests"/> (numpy, scipy.stats.ks_2samp, sklearn's roc_auc_score);
    /// prints one JSON object (see the script). Exit code 0: printed; 2: bad usage.
    /// </summary>
    public static (int ExitCode, string Output) Shift(string siteManifest, params string[] trainingManifests) =>
        RunScript(ShiftReferenceScript, ["site", siteManifest, .. trainingManifests]);

    private static (int ExitCode, string Output) RunScript(string script, params string[] args)
    {
        string python = ExternalTools.Python
            ?? throw new InvalidOperationException("python3 not found; guard the test with [PythonFact(...)].");
        string path = RepoPaths.Script(script);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{script} was not copied next to the test binaries (see Harness.Tests.csproj).", path);
        return ExternalTools.Run(python, [path, .. args]);
    }
}
