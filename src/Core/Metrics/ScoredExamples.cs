namespace Harness.Core.Metrics;

/// <summary>
/// True classes and predicted class probabilities for a set of examples: the input of every metric.
/// Probabilities are row-major, <c>Count x ClassCount</c>, as ONNX Runtime returns them.
/// </summary>
public sealed class ScoredExamples
{
    public ScoredExamples(IReadOnlyList<string> classNames, int? positiveClass, int[] labels, float[] probabilities)
    {
        if (classNames.Count < 2) throw new ArgumentException("At least two classes are needed.", nameof(classNames));
        if (probabilities.Length != labels.Length * classNames.Count)
            throw new ArgumentException($"Expected {labels.Length} x {classNames.Count} probabilities, got {probabilities.Length}.", nameof(probabilities));
        if (labels.Any(l => l < 0 || l >= classNames.Count))
            throw new ArgumentOutOfRangeException(nameof(labels), "A label is not a class index.");
        if (classNames.Count == 2 && positiveClass is null)
            throw new ArgumentException("Binary problems need the positive class.", nameof(positiveClass));
        ClassNames = classNames;
        PositiveClass = classNames.Count == 2 ? positiveClass : null;
        Labels = labels;
        Probabilities = probabilities;
    }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Index of the positive class for binary problems; null for multiclass.</summary>
    public int? PositiveClass { get; }

    public int[] Labels { get; }

    /// <summary>
    /// Each example's patient as an index 0..K-1, for resampling whole patients; null when every
    /// example is its own patient.
    /// </summary>
    public int[]? Clusters
    {
        get;
        init
        {
            if (value is not null && (value.Length != Labels.Length || value.Any(c => c < 0)))
                throw new ArgumentException("One non-negative cluster index per example is needed.", nameof(Clusters));
            field = value;
        }
    }
    public float[] Probabilities { get; }
    public int Count => Labels.Length;
    public int ClassCount => ClassNames.Count;
    public bool IsBinary => ClassCount == 2;

    public double Probability(int example, int cls) => Probabilities[example * ClassCount + cls];

    /// <summary>The predicted class: the most probable, the lowest index on ties.</summary>
    public int PredictedClass(int example)
    {
        int best = 0;
        for (int c = 1; c < ClassCount; c++)
            if (Probability(example, c) > Probability(example, best)) best = c;
        return best;
    }

    public int[] ClassCounts()
    {
        var counts = new int[ClassCount];
        foreach (int label in Labels) counts[label]++;
        return counts;
    }
}
