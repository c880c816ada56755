using System.Numerics;

namespace Harness.Core.Statistics;

/// <summary>
/// The AUROC of m positives and n negatives with DeLong's variance. <see cref="Variance"/> is
/// S10/m + S01/n, where S10 (<see cref="PositiveComponentVariance"/>) and S01
/// (<see cref="NegativeComponentVariance"/>) are the sample variances (denominators m - 1 and
/// n - 1) of the structural components V10 of the positives and V01 of the negatives. NaN when
/// m == 1 or n == 1 (that component's sample variance is undefined). With frequency weights,
/// m and n are the total weights of each class.
/// </summary>
public sealed record AurocVariance(double Auroc, double Variance, int Positives, int Negatives)
{
    /// <summary>S10: sample variance of V10(X_i) = P(Y &lt; X_i) + P(Y = X_i)/2 over the positives; NaN when m == 1.</summary>
    public double PositiveComponentVariance { get; init; }

    /// <summary>S01: sample variance of V01(Y_j) = P(X &gt; Y_j) + P(X = Y_j)/2 over the negatives; NaN when n == 1.</summary>
    public double NegativeComponentVariance { get; init; }
}

/// <summary>
/// AUROC (the Mann-Whitney probability that a positive outscores a negative, ties counting half)
/// and its variance by DeLong, DeLong &amp; Clarke-Pearson (1988, Biometrics 44:837-845), computed
/// as Sun &amp; Xu (2014, IEEE Signal Processing Letters 21(11):1389-1393) do from midranks:
/// a positive's component is V10 = (Tz - Tx)/n, with Tz its midrank in the pooled sample and Tx
/// its midrank among the positives, i.e. (number of negatives below it + half those tied with
/// it)/n; a negative's is V01 = 1 - (Tz - Ty)/m. One sort, then O(n) sweeps over the runs of tied
/// scores: O(n log n) in all (O(n) given the order).
/// <para>The confidence interval is AUROC +- z sqrt(Variance), z = Phi^-1((1 + level)/2),
/// clamped to [0, 1] (<see cref="Interval"/>).</para>
/// </summary>
public static class DeLong
{
    /// <summary>Null when there are no positives or no negatives. Scores may not be NaN.</summary>
    public static AurocVariance? Compute<TS>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive) where TS : INumber<TS> =>
        Compute(scores, positive, weights: ReadOnlySpan<byte>.Empty, unitWeights: true);

    /// <summary>
    /// With frequency weights (non-negative whole numbers: a row of weight k counts as k identical
    /// rows, weight 0 drops it): equal to <see cref="Compute{TS}(ReadOnlySpan{TS}, ReadOnlySpan{bool})"/>
    /// on the expanded rows. Null when the positive or the negative rows weigh 0 in total.
    /// </summary>
    public static AurocVariance? Compute<TS, TW>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive, ReadOnlySpan<TW> weights)
        where TS : INumber<TS> where TW : INumber<TW>
    {
        if (weights.Length != scores.Length)
            throw new ArgumentException($"scores and weights must have the same length (got {scores.Length}, {weights.Length}).", nameof(weights));
        return Compute(scores, positive, weights, unitWeights: false);
    }

    /// <summary>
    /// As <see cref="Compute{TS, TW}(ReadOnlySpan{TS}, ReadOnlySpan{bool}, ReadOnlySpan{TW})"/>, given
    /// <paramref name="order"/>: the row indices sorted by ascending score (<see cref="Order{TS}"/>).
    /// Skips the sort, so that many weightings of the same rows (a bootstrap) cost O(n) each.
    /// Throws when <paramref name="order"/> is not such a permutation.
    /// </summary>
    public static AurocVariance? Compute<TS, TW>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive, ReadOnlySpan<TW> weights, ReadOnlySpan<int> order)
        where TS : INumber<TS> where TW : INumber<TW>
    {
        Validate(scores, positive);
        if (weights.Length != scores.Length)
            throw new ArgumentException($"scores and weights must have the same length (got {scores.Length}, {weights.Length}).", nameof(weights));
        ValidateWeights(weights);
        ValidateOrder(scores, order);
        return Sweep(scores, positive, weights, unitWeights: false, order);
    }

    /// <summary>The row indices sorted by ascending score (ties in any order), for the overload that takes one.</summary>
    public static int[] Order<TS>(ReadOnlySpan<TS> scores) where TS : INumber<TS>
    {
        ValidateScores(scores);
        var order = new int[scores.Length];
        double[] keys = Scratch<double>.Rent(scores.Length);
        try
        {
            SortedOrder(scores, keys.AsSpan(0, scores.Length), order);
        }
        finally
        {
            Scratch<double>.Return(keys);
        }
        return order;
    }

    /// <summary>
    /// The DeLong interval AUROC +- z sqrt(Variance), z = Phi^-1((1 + level)/2), clamped to [0, 1];
    /// null when the variance is undefined (NaN: a class with a single member).
    /// </summary>
    public static (double Lower, double Upper)? Interval(AurocVariance v, double level)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (double.IsNaN(v.Variance)) return null;
        var (lower, upper) = Intervals.WaldInterval(v.Auroc, Math.Sqrt(v.Variance), level);
        return (Math.Clamp(lower, 0.0, 1.0), Math.Clamp(upper, 0.0, 1.0));
    }

    private static AurocVariance? Compute<TS, TW>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive, ReadOnlySpan<TW> weights, bool unitWeights)
        where TS : INumber<TS> where TW : INumber<TW>
    {
        Validate(scores, positive);
        if (!unitWeights) ValidateWeights(weights);
        int n = scores.Length;
        if (IsAscending(scores)) return Sweep(scores, positive, weights, unitWeights, order: default, ascending: true); // no sort needed
        int[] order = Scratch<int>.Rent(n);
        double[] keys = Scratch<double>.Rent(n);
        try
        {
            SortedOrder(scores, keys.AsSpan(0, n), order.AsSpan(0, n));
            return Sweep(scores, positive, weights, unitWeights, order.AsSpan(0, n));
        }
        finally
        {
            Scratch<int>.Return(order);
            Scratch<double>.Return(keys);
        }
    }

    private static bool IsAscending<TS>(ReadOnlySpan<TS> scores) where TS : INumber<TS>
    {
        for (int i = 1; i < scores.Length; i++)
            if (!(scores[i] >= scores[i - 1])) return false;
        return true;
    }

    private static void SortedOrder<TS>(ReadOnlySpan<TS> scores, Span<double> keys, Span<int> order) where TS : INumber<TS>
    {
        for (int i = 0; i < scores.Length; i++) keys[i] = double.CreateTruncating(scores[i]);
        for (int i = 0; i < order.Length; i++) order[i] = i;
        keys.Sort(order);
    }

    /// <summary>
    /// Sweeps the runs of tied scores in ascending order twice: first for the AUROC (an exact sum
    /// of half-integers over m n), then for the squared deviations of the components from it.
    /// </summary>
    /// <param name="ascending">The scores are in ascending order already: <paramref name="order"/> is the identity and goes unread.</param>
    private static AurocVariance? Sweep<TS, TW>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive, ReadOnlySpan<TW> weights, bool unitWeights,
        ReadOnlySpan<int> order, bool ascending = false) where TS : INumber<TS> where TW : INumber<TW>
    {
        double m = 0, n = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            double w = unitWeights ? 1.0 : double.CreateTruncating(weights[i]);
            if (positive[i]) m += w; else n += w;
        }
        if (m == 0 || n == 0) return null;
        if (m > int.MaxValue || n > int.MaxValue)
            throw new ArgumentException($"The classes weigh {m} and {n}; counts above {int.MaxValue} are not supported.", nameof(weights));

        // Pass 1: AUROC = sum over positives of (negatives below + half the negatives tied) / (m n).
        double pairs = 0, negativesBelow = 0;
        for (int start = 0; start < scores.Length;)
        {
            var (end, wp, wn) = Run(scores, positive, weights, unitWeights, order, ascending, start);
            pairs += wp * (negativesBelow + wn / 2);
            negativesBelow += wn;
            start = end;
        }
        double auroc = pairs / (m * n);

        // Pass 2: the components of each run, and their squared deviations from the AUROC.
        double s10 = 0, s01 = 0, positivesBelow = 0;
        negativesBelow = 0;
        for (int start = 0; start < scores.Length;)
        {
            var (end, wp, wn) = Run(scores, positive, weights, unitWeights, order, ascending, start);
            if (wp > 0)
            {
                double v10 = (negativesBelow + wn / 2) / n - auroc;
                s10 += wp * v10 * v10;
            }
            if (wn > 0)
            {
                double v01 = (m - positivesBelow - wp / 2) / m - auroc;
                s01 += wn * v01 * v01;
            }
            positivesBelow += wp;
            negativesBelow += wn;
            start = end;
        }
        s10 = m > 1 ? s10 / (m - 1) : double.NaN;
        s01 = n > 1 ? s01 / (n - 1) : double.NaN;

        return new AurocVariance(auroc, s10 / m + s01 / n, (int)m, (int)n)
        {
            PositiveComponentVariance = s10,
            NegativeComponentVariance = s01,
        };
    }

    /// <summary>The run of equal scores starting at order[start]: where it ends, and its positive and negative weight.</summary>
    private static (int End, double Positive, double Negative) Run<TS, TW>(
        ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive, ReadOnlySpan<TW> weights, bool unitWeights, ReadOnlySpan<int> order, bool ascending, int start)
        where TS : INumber<TS> where TW : INumber<TW>
    {
        TS score = scores[ascending ? start : order[start]];
        double wp = 0, wn = 0;
        int k = start;
        for (; k < scores.Length && scores[ascending ? k : order[k]] == score; k++)
        {
            int i = ascending ? k : order[k];
            double w = unitWeights ? 1.0 : double.CreateTruncating(weights[i]);
            if (positive[i]) wp += w; else wn += w;
        }
        return (k, wp, wn);
    }

    private static void Validate<TS>(ReadOnlySpan<TS> scores, ReadOnlySpan<bool> positive) where TS : INumber<TS>
    {
        if (positive.Length != scores.Length)
            throw new ArgumentException($"scores and positive must have the same length (got {scores.Length}, {positive.Length}).", nameof(positive));
        ValidateScores(scores);
    }

    private static void ValidateScores<TS>(ReadOnlySpan<TS> scores) where TS : INumber<TS>
    {
        for (int i = 0; i < scores.Length; i++)
            if (TS.IsNaN(scores[i]))
                throw new ArgumentException($"scores[{i}] is NaN.", nameof(scores));
    }

    private static void ValidateWeights<TW>(ReadOnlySpan<TW> weights) where TW : INumber<TW>
    {
        for (int i = 0; i < weights.Length; i++)
            if (double.CreateTruncating(weights[i]) is var w && (!(w >= 0) || !double.IsFinite(w) || w != Math.Floor(w)))
                throw new ArgumentException($"weights[{i}] = {w} is not a frequency weight (a non-negative whole number).", nameof(weights));
    }

    private static void ValidateOrder<TS>(ReadOnlySpan<TS> scores, ReadOnlySpan<int> order) where TS : INumber<TS>
    {
        if (order.Length != scores.Length)
            throw new ArgumentException($"order has {order.Length} entries for {scores.Length} rows.", nameof(order));
        bool[] seen = Scratch<bool>.Rent(order.Length);
        try
        {
            Array.Clear(seen, 0, order.Length);
            for (int k = 0; k < order.Length; k++)
            {
                int i = order[k];
                if ((uint)i >= (uint)order.Length || seen[i])
                    throw new ArgumentException($"order is not a permutation of the row indices (order[{k}] = {i}).", nameof(order));
                seen[i] = true;
                if (k > 0 && scores[order[k - 1]] > scores[i])
                    throw new ArgumentException($"order does not sort the scores ascending (at order[{k}] = {i}).", nameof(order));
            }
        }
        finally
        {
            Scratch<bool>.Return(seen);
        }
    }
}
