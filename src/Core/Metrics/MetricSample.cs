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
        _riskLogits = new(() => RiskRanking is { } risk ? Statistics.LogisticCalibration.ClippedLogits(risk.Score) : null);
        Examples = s;
        N = s.Count;
        Classes = s.ClassCount;
        Positive = s.PositiveClass;
        Threshold = Positive is null ? null : threshold;
        Labels = s.Labels;
        Hit = new byte[N];
        Confidence = new float[N];
        BrierTerm = Positive is null ? new double[N] : []; // binary: (risk - event)^2, formed where summed
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
            if (Positive is int pos)
            {
                Risk[i] = s.Probabilities[i * Classes + pos];
                Event[i] = (byte)(label == pos ? 1 : 0);
                AtThreshold[i] = (byte)(Risk[i] >= threshold ? 1 : 0);
                return;
            }
            double brier = 0;
            for (int c = 0; c < Classes; c++)
            {
                double d = s.Probability(i, c) - (label == c ? 1 : 0);
                brier += d * d;
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
            () => byConfidence = StableOrder.Ascending(N, i => Confidence[i], originalRows),
            () => Parallel.For(0, rankings.Length, k => rankings[k] = ScoredClasses[k] == Positive
                ? new RankedClass(s, ScoredClasses[k], StableOrder.AscendingUnlessSorted(N, i => Risk[i], originalRows), Risk, Event)
                : new RankedClass(s, ScoredClasses[k], StableOrder.AscendingUnlessSorted(N, i => s.Probability(i, ScoredClasses[k]), originalRows))));
        (ByConfidence, Ranked) = (byConfidence, rankings);
        ConfidenceByConfidence = ByConfidence.Select(r => Confidence[r]).ToArray();
        HitByConfidence = ByConfidence.Select(r => Hit[r]).ToArray();
        if (Positive is int positive)
        {
            RiskRank = Array.IndexOf(ScoredClasses, positive);
            var ranked = Ranked[RiskRank];
            RiskSorted = ranked.Order is null;
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

    /// <summary>Multiclass models: each row's Brier term, the sum over classes of (p - [class is the label])^2 (binary models: empty).</summary>
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

    /// <summary>Binary models: the ranking by risk (its Score is the sorted risk, IsClass the outcome in that order; when <see cref="RiskSorted"/>, the very arrays <see cref="Risk"/> and <see cref="Event"/>).</summary>
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

/// <summary>
/// One class's one-vs-rest ranking: the rows by ascending probability of the class, that probability
/// (float32, as the model gave it), whether the row is of the class, and where each run of tied
/// probabilities starts (plus the end). When the rows already are in that order, the order is not
/// kept, and the sample's own arrays of the class's probability and outcome serve (no copy: a large
/// binary sample in risk order keeps each row's risk and outcome once).
/// </summary>
internal sealed class RankedClass
{
    /// <param name="order">The rows by ascending probability of <paramref name="cls"/>; null: the rows themselves are in that order.</param>
    /// <param name="rowScores">Each row's probability of the class, used as it is when the rows are in order (else gathered afresh).</param>
    /// <param name="rowIsClass">Each row's 1 (of the class) or 0, likewise.</param>
    public RankedClass(ScoredExamples s, int cls, int[]? order, float[]? rowScores = null, byte[]? rowIsClass = null)
    {
        Class = cls;
        Order = order;
        int n = s.Count;
        if (order is null && rowScores is not null && rowIsClass is not null) (Score, IsClass) = (rowScores, rowIsClass);
        else
        {
            (Score, IsClass) = (new float[n], new byte[n]);
            for (int k = 0; k < n; k++)
            {
                int row = order?[k] ?? k;
                Score[k] = s.Probabilities[row * s.ClassCount + cls];
                IsClass[k] = (byte)(s.Labels[row] == cls ? 1 : 0);
            }
        }
        int runs = n == 0 ? 1 : 2;
        for (int k = 1; k < n; k++) if (Score[k] != Score[k - 1]) runs++;
        Runs = new int[runs];
        for (int k = 0, r = 0; k < n; k++) if (k == 0 || Score[k] != Score[k - 1]) Runs[r++] = k;
        Runs[^1] = n;
    }

    public int Class { get; }

    /// <summary>The rows in ranked order; null when that is row order.</summary>
    public int[]? Order { get; }

    public float[] Score { get; }
    public byte[] IsClass { get; }
    public int[] Runs { get; }
}
