namespace Harness.Core.Metrics;

/// <summary>
/// A scored sample prepared once for many weighted evaluations (the point estimate has every
/// weight 1; a bootstrap resample gives each row how many times it was drawn). Everything that
/// does not depend on the weights is computed here: each row's predicted class, confidence,
/// loss terms and bins, and the orders by score that make the rank-based metrics one O(n) sweep.
/// </summary>
internal sealed class MetricSample
{
    /// <param name="rankEveryClass">Rank every class one-vs-rest even for a binary model (by default only the positive class).</param>
    public MetricSample(ScoredExamples s, double? threshold, bool rankEveryClass = false)
    {
        Examples = s;
        N = s.Count;
        Classes = s.ClassCount;
        Positive = s.PositiveClass;
        Threshold = Positive is null ? null : threshold;
        Labels = s.Labels;
        Predicted = new int[N];
        Confidence = new double[N];
        BrierTerm = new double[N];
        LogLossTerm = new double[N];
        TopBin = new byte[N];
        for (int i = 0; i < N; i++)
        {
            int predicted = s.PredictedClass(i);
            Predicted[i] = predicted;
            Confidence[i] = s.Probability(i, predicted);
            TopBin[i] = (byte)ClassificationMetrics.BinOf(Confidence[i], ClassificationMetrics.EceBins);
            LogLossTerm[i] = -Math.Log(Math.Clamp(s.Probability(i, s.Labels[i]), ClassificationMetrics.LogLossClip, 1.0));
            double brier = 0;
            if (Positive is int pos)
            {
                double d = s.Probability(i, pos) - (s.Labels[i] == pos ? 1 : 0);
                brier = d * d;
            }
            else
            {
                for (int c = 0; c < Classes; c++)
                {
                    double d = s.Probability(i, c) - (s.Labels[i] == c ? 1 : 0);
                    brier += d * d;
                }
            }
            BrierTerm[i] = brier;
        }

        ByConfidence = SortedBy(i => Confidence[i]);
        ScoredClasses = Positive is int p && !rankEveryClass ? [p] : Enumerable.Range(0, Classes).ToArray();
        ByScore = ScoredClasses.Select(c => SortedBy(i => s.Probability(i, c))).ToArray();
        if (Positive is int positive)
        {
            var order = RiskOrder = ByScore[Array.IndexOf(ScoredClasses, positive)];
            SortedRisk = new double[N];
            SortedEvent = new double[N];
            for (int k = 0; k < N; k++)
            {
                SortedRisk[k] = s.Probability(order[k], positive);
                SortedEvent[k] = s.Labels[order[k]] == positive ? 1 : 0;
            }
        }
    }

    public ScoredExamples Examples { get; }
    public int N { get; }
    public int Classes { get; }
    public int? Positive { get; }
    public bool IsBinary => Positive is not null;

    /// <summary>The operating threshold on the positive-class risk (binary models that have one).</summary>
    public double? Threshold { get; }

    public int[] Labels { get; }
    public int[] Predicted { get; }
    public double[] Confidence { get; }
    public double[] BrierTerm { get; }
    public double[] LogLossTerm { get; }

    /// <summary>Equal-width top-label confidence bin of each row.</summary>
    public byte[] TopBin { get; }

    /// <summary>Rows by ascending top-label confidence (stable: ties keep row order), for equal-mass bins.</summary>
    public int[] ByConfidence { get; }

    /// <summary>The classes whose one-vs-rest scores are ranked: the positive class, or every class.</summary>
    public int[] ScoredClasses { get; }

    /// <summary>Rows by ascending probability of each scored class (stable).</summary>
    public int[][] ByScore { get; }

    /// <summary>Binary models: the rows by ascending positive-class risk, and the risk and outcome (0/1) in that order.</summary>
    public int[]? RiskOrder { get; }
    public double[]? SortedRisk { get; }
    public double[]? SortedEvent { get; }

    public double Probability(int row, int cls) => Examples.Probability(row, cls);

    private int[] SortedBy(Func<int, double> key)
    {
        // Array.Sort is unstable: sort (key, row) pairs so that ties keep row order.
        var pairs = new (double Key, int Row)[N];
        for (int i = 0; i < N; i++) pairs[i] = (key(i), i);
        Array.Sort(pairs);
        var order = new int[N];
        for (int i = 0; i < N; i++) order[i] = pairs[i].Row;
        return order;
    }
}
