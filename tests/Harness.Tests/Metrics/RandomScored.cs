using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>Seeded random scored examples for comparing implementations.</summary>
internal static class RandomScored
{
    public static readonly string[] BinaryClasses = ["no_disease", "disease"];
    public static readonly string[] ThreeClasses = ["benign", "borderline", "malignant"];

    /// <summary>
    /// <paramref name="n"/> examples of <paramref name="classCount"/> classes. Probabilities are
    /// random vectors summing to about 1; with <paramref name="decimals"/> they are rounded (2
    /// decimals gives many exact ties and some zeros). Labels are drawn from the probabilities, so
    /// the scores carry signal; <paramref name="onlyClass"/> forces every label to one class. Without
    /// <paramref name="normalize"/> the rows do not sum to 1, so that a binary problem's two columns
    /// carry different information (normalized, AUROC and Brier are symmetric in the positive class).
    /// </summary>
    public static ScoredExamples Make(int classCount, int n, int seed, int? decimals = 2, int positiveClass = 1, int? onlyClass = null, bool normalize = true)
    {
        var rng = new Random(seed);
        var probabilities = new float[n * classCount];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            var raw = new double[classCount];
            // Squaring a uniform skews the mass so that confident rows (top-label near 1) occur too.
            for (int c = 0; c < classCount; c++) raw[c] = Math.Pow(rng.NextDouble(), 2);
            double sum = raw.Sum();
            if (sum == 0) { raw[0] = 1; sum = 1; }
            for (int c = 0; c < classCount; c++)
            {
                double p = normalize ? raw[c] / sum : raw[c];
                if (decimals is int d) p = Math.Round(p, d);
                probabilities[i * classCount + c] = (float)p;
            }
            double u = rng.NextDouble(), cumulative = 0;
            labels[i] = classCount - 1;
            for (int c = 0; c < classCount; c++)
            {
                cumulative += raw[c] / sum;
                if (u < cumulative) { labels[i] = c; break; }
            }
            if (onlyClass is int only) labels[i] = only;
        }
        string[] names = classCount == 2 ? BinaryClasses : classCount == 3 ? ThreeClasses
            : Enumerable.Range(0, classCount).Select(c => $"class{c}").ToArray();
        return new ScoredExamples(names, classCount == 2 ? positiveClass : null, labels, probabilities);
    }
}
