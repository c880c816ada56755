namespace Harness.Core.Metrics;

/// <summary>
/// A scored sample prepared once for many weighted evaluations (the point estimate has every
/// weight 1; a bootstrap resample gives each row how many times it was drawn). Everything that
/// does not depend on the weights is computed here, laid out so that each resample's sweeps read
/// memory in order and branch on nothing the weights decide: each row's hit, event and threshold
/// flags, loss terms and bin; the orders by score with their runs of tied scores; the loess atoms.
/// </summary>
internal sealed class MetricSample
{
    /// <summary>Above this many distinct risks, a resample's loess curve is fitted to this many fixed atoms of consecutive risks.</summary>
    public const int ResampleLoessNodes = 200;

    /// <summary>Rows per block when the per-row terms are computed on several cores.</summary>
    private const int RowBlock = 1 << 16;

    /// <param name="rankEveryClass">Rank every class one-vs-rest even for a binary model (by default only the positive class).</param>
    /// <param name="originalRows">When the rows were reordered, each row's original index: ties keep the original order.</param>
    public MetricSample(ScoredExamples s, double? threshold, bool rankEveryClass = false, int[]? originalRows = null)
    {
        _tieBreak = originalRows;
        _riskLogits = new(() => RiskRanking is { } risk ? Statistics.LogisticCalibration.ClippedLogits(risk.Score) : null);
        Examples = s;
        N = s.Count;
        Classes = s.ClassCount;
        Positive = s.PositiveClass;
        Threshold = Positive is null ? null : threshold;
        Labels = s.Labels;
        Hit = new byte[N];
        Confidence = new float[N];
        BrierTerm = new double[N];
        LogLossTerm = new double[N];
        TopBin = new byte[N];
        Risk = Positive is null ? [] : new float[N];
        Event = Positive is null ? [] : new byte[N];
        AtThreshold = Positive is null ? [] : new byte[N];
        // Each row's terms, then the two orders: blocks of rows, and the orders, on all cores at once
        // (each writes its own elements, so the result does not depend on the scheduling).
        void Row(int i)
        {
            int predicted = s.PredictedClass(i), label = s.Labels[i];
            Hit[i] = (byte)(predicted == label ? 1 : 0);
            Confidence[i] = s.Probabilities[i * Classes + predicted];
            TopBin[i] = (byte)ClassificationMetrics.BinOf(Confidence[i], ClassificationMetrics.EceBins);
            LogLossTerm[i] = -Math.Log(Math.Clamp(s.Probability(i, label), ClassificationMetrics.LogLossClip, 1.0));
            double brier = 0;
            if (Positive is int pos)
            {
                Risk[i] = s.Probabilities[i * Classes + pos];
                double d = (double)Risk[i] - (label == pos ? 1 : 0);
                brier = d * d;
                Event[i] = (byte)(label == pos ? 1 : 0);
                AtThreshold[i] = (byte)(Risk[i] >= threshold ? 1 : 0);
            }
            else
            {
                for (int c = 0; c < Classes; c++)
                {
                    double d = s.Probability(i, c) - (label == c ? 1 : 0);
                    brier += d * d;
                }
            }
            BrierTerm[i] = brier;
        }

        Parallel.For(0, (N + RowBlock - 1) / RowBlock, block =>
        {
            for (int i = block * RowBlock; i < Math.Min(N, (block + 1) * RowBlock); i++) Row(i);
        });

        ScoredClasses = Positive is int p && !rankEveryClass ? [p] : Enumerable.Range(0, Classes).ToArray();
        var rankings = new RankedClass[ScoredClasses.Length];
        int[] byConfidence = [];
        Parallel.Invoke(
            () => byConfidence = SortedBy(i => Confidence[i]),
            () => Parallel.For(0, rankings.Length, k => rankings[k] = new RankedClass(s, ScoredClasses[k], SortedBy(i => s.Probability(i, ScoredClasses[k])))));
        (ByConfidence, Ranked) = (byConfidence, rankings);
        ConfidenceByConfidence = ByConfidence.Select(r => Confidence[r]).ToArray();
        HitByConfidence = ByConfidence.Select(r => Hit[r]).ToArray();
        if (Positive is int positive)
        {
            RiskRank = Array.IndexOf(ScoredClasses, positive);
            var ranked = Ranked[RiskRank];
            RiskSorted = ranked.Order.Select((row, k) => row == k).All(x => x);
            LoessAtoms = ranked.Runs.Length - 1 <= ResampleLoessNodes ? ranked.Runs : Atoms(ranked.Runs, N, ResampleLoessNodes);
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

    /// <summary>1 when the predicted class (argmax) is the true one, else 0.</summary>
    public byte[] Hit { get; }

    public float[] Confidence { get; }
    public double[] BrierTerm { get; }
    public double[] LogLossTerm { get; }

    /// <summary>Binary models: the positive-class risk of each row.</summary>
    public float[] Risk { get; }

    /// <summary>Equal-width top-label confidence bin of each row.</summary>
    public byte[] TopBin { get; }

    /// <summary>Binary models: 1 for an event (the positive class), else 0.</summary>
    public byte[] Event { get; }

    /// <summary>Binary models: 1 when the risk is at or above the operating threshold, else 0 (always 0 without one).</summary>
    public byte[] AtThreshold { get; }

    /// <summary>Rows by ascending top-label confidence (stable: ties keep row order), for equal-mass bins, and their confidence and hit in that order.</summary>
    public int[] ByConfidence { get; }
    public float[] ConfidenceByConfidence { get; }
    public byte[] HitByConfidence { get; }

    /// <summary>The classes whose one-vs-rest scores are ranked: the positive class, or every class.</summary>
    public int[] ScoredClasses { get; }

    public RankedClass[] Ranked { get; }

    /// <summary>Binary models: the index in <see cref="Ranked"/> of the positive class's ranking (rows by ascending risk); -1 otherwise.</summary>
    public int RiskRank { get; } = -1;

    /// <summary>Binary models: the ranking by risk (its Score is the sorted risk, IsClass the outcome in that order).</summary>
    public RankedClass? RiskRanking => RiskRank >= 0 ? Ranked[RiskRank] : null;

    /// <summary>True when the rows already are in ascending-risk order (as the estimator arranges): weights need no gathering.</summary>
    public bool RiskSorted { get; }

    /// <summary>
    /// Binary models: where each loess atom starts in ascending-risk order (plus the end). Each run of
    /// tied risks is one atom when there are at most <see cref="ResampleLoessNodes"/>; otherwise runs are
    /// pooled into about that many atoms of equal row count, never splitting a run.
    /// </summary>
    public int[]? LoessAtoms { get; }

    /// <summary>
    /// Binary models: the clipped logit of each risk in ascending-risk order, as the logistic
    /// calibration fits read it; computed once (on first use) for the point estimate and every resample.
    /// </summary>
    public double[]? RiskLogits => _riskLogits.Value;

    private readonly Lazy<double[]?> _riskLogits;

    public double Probability(int row, int cls) => Examples.Probability(row, cls);

    private readonly int[]? _tieBreak;

    /// <summary>Rows by ascending key; ties keep the original row order.</summary>
    private int[] SortedBy(Func<int, double> key) => StableOrder.Ascending(N, key, _tieBreak);

    private static int[] Atoms(int[] runs, int n, int count)
    {
        var starts = new List<int> { 0 };
        double size = (double)n / count;
        foreach (int start in runs.AsSpan(1, runs.Length - 2))
            if (start >= size * starts.Count) starts.Add(start);
        starts.Add(n);
        return starts.ToArray();
    }
}

/// <summary>One class's one-vs-rest ranking: the rows by ascending probability of the class, that probability, whether the row is of the class, and where each run of tied probabilities starts (plus the end).</summary>
internal sealed class RankedClass
{
    public RankedClass(ScoredExamples s, int cls, int[] order)
    {
        Class = cls;
        Order = order;
        Score = order.Select(row => s.Probability(row, cls)).ToArray();
        IsClass = order.Select(row => s.Labels[row] == cls ? 1.0 : 0.0).ToArray();
        var runs = new List<int>();
        for (int k = 0; k < order.Length; k++)
            if (k == 0 || Score[k] != Score[k - 1]) runs.Add(k);
        runs.Add(order.Length);
        Runs = runs.ToArray();
    }

    public int Class { get; }
    public int[] Order { get; }
    public double[] Score { get; }
    public double[] IsClass { get; }
    public int[] Runs { get; }
}
