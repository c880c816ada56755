using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

/// <summary>
/// A second, deliberately naive implementation of the metric definitions (README.md, "Metrics"),
/// written from the definitions and not from the product's code: O(n^2) pair counting for AUROC,
/// one pass per bin with explicit interval tests for ECE, plain loops everywhere else. It is slow
/// and obvious on purpose; the product is compared with it on random data.
/// </summary>
internal static class NaiveMetrics
{
    public const int Bins = 15;

    /// <summary>The first class whose probability equals the row maximum (ties go to the lowest index).</summary>
    public static int Argmax(ScoredExamples s, int i)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < s.ClassCount; c++) max = Math.Max(max, s.Probabilities[i * s.ClassCount + c]);
        for (int c = 0; c < s.ClassCount; c++)
            if (s.Probabilities[i * s.ClassCount + c] == max) return c;
        throw new InvalidOperationException("no maximum (NaN probabilities?)");
    }

    public static double Accuracy(ScoredExamples s)
    {
        int correct = 0;
        for (int i = 0; i < s.Count; i++) correct += Argmax(s, i) == s.Labels[i] ? 1 : 0;
        return correct / (double)s.Count;
    }

    /// <summary>Every (positive, negative) pair: 1 if the positive scores higher, 1/2 if tied, 0 otherwise.</summary>
    public static double? PairCountingAuroc(ScoredExamples s, int cls)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.Count; i++)
        {
            if (s.Labels[i] != cls) continue;
            for (int j = 0; j < s.Count; j++)
            {
                if (s.Labels[j] == cls) continue;
                float pi = s.Probabilities[i * s.ClassCount + cls], pj = s.Probabilities[j * s.ClassCount + cls];
                if (pi > pj) wins += 1;
                else if (pi == pj) wins += 0.5;
                pairs++;
            }
        }
        return pairs == 0 ? null : wins / pairs;
    }

    public static double? Auroc(ScoredExamples s)
    {
        if (s.ClassCount == 2) return PairCountingAuroc(s, s.PositiveClass!.Value);
        double sum = 0;
        int defined = 0;
        for (int c = 0; c < s.ClassCount; c++)
            if (PairCountingAuroc(s, c) is double a) { sum += a; defined++; }
        return defined == 0 ? null : sum / defined;
    }

    public static double Brier(ScoredExamples s)
    {
        double total = 0;
        for (int i = 0; i < s.Count; i++)
        {
            if (s.ClassCount == 2)
            {
                int pos = s.PositiveClass!.Value;
                double y = s.Labels[i] == pos ? 1.0 : 0.0;
                double p = s.Probabilities[i * 2 + pos];
                total += (p - y) * (p - y);
            }
            else
            {
                double distance = 0;
                for (int c = 0; c < s.ClassCount; c++)
                {
                    double y = c == s.Labels[i] ? 1.0 : 0.0;
                    double p = s.Probabilities[i * s.ClassCount + c];
                    distance += (p - y) * (p - y);
                }
                total += distance;
            }
        }
        return total / s.Count;
    }

    public static double LogLoss(ScoredExamples s)
    {
        double total = 0;
        for (int i = 0; i < s.Count; i++)
        {
            double p = s.Probabilities[i * s.ClassCount + s.Labels[i]];
            if (p < 1e-15) p = 1e-15;
            if (p > 1) p = 1;
            total += -Math.Log(p);
        }
        return total / s.Count;
    }

    /// <summary>Whether p lies in bin m (1-based) of M: ((m-1)/M, m/M], with 0 (and below) in bin 1, above 1 in bin M.</summary>
    public static bool InBin(double p, int m, int bins = Bins)
    {
        double lower = (m - 1) / (double)bins, upper = m / (double)bins;
        if (m == 1 && p <= 0) return true;
        if (m == bins && p > 1) return true;
        return lower < p && p <= upper;
    }

    /// <summary>Top-label reliability, one pass over all examples per bin: (count, mean confidence, accuracy).</summary>
    public static (int Count, double? Confidence, double? Accuracy)[] TopLabelBins(ScoredExamples s, int bins = Bins)
    {
        var result = new (int, double?, double?)[bins];
        for (int m = 1; m <= bins; m++)
        {
            int n = 0, correct = 0;
            double confidence = 0;
            for (int i = 0; i < s.Count; i++)
            {
                int predicted = Argmax(s, i);
                double top = s.Probabilities[i * s.ClassCount + predicted];
                if (!InBin(top, m, bins)) continue;
                n++;
                confidence += top;
                if (predicted == s.Labels[i]) correct++;
            }
            result[m - 1] = n == 0 ? (0, null, null) : (n, confidence / n, correct / (double)n);
        }
        return result;
    }

    /// <summary>Reliability of one class's probability: (count, mean p_cls, share of examples of class cls).</summary>
    public static (int Count, double? Predicted, double? Observed)[] ClassBins(ScoredExamples s, int cls, int bins = Bins)
    {
        var result = new (int, double?, double?)[bins];
        for (int m = 1; m <= bins; m++)
        {
            int n = 0, events = 0;
            double predicted = 0;
            for (int i = 0; i < s.Count; i++)
            {
                double p = s.Probabilities[i * s.ClassCount + cls];
                if (!InBin(p, m, bins)) continue;
                n++;
                predicted += p;
                if (s.Labels[i] == cls) events++;
            }
            result[m - 1] = n == 0 ? (0, null, null) : (n, predicted / n, events / (double)n);
        }
        return result;
    }

    public static double Ece(ScoredExamples s, int bins = Bins)
    {
        double ece = 0;
        foreach (var (count, confidence, accuracy) in TopLabelBins(s, bins))
            if (count > 0) ece += count / (double)s.Count * Math.Abs(accuracy!.Value - confidence!.Value);
        return ece;
    }
}
