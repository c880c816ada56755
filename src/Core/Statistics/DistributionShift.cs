namespace Harness.Core.Statistics;

/// <summary>
/// How far one feature's distribution at a site is from its training distribution, from two
/// histograms over the same bins (counts, not rows): what <c>shift</c> in results.json reports.
/// </summary>
public static class DistributionShift
{
    /// <summary>
    /// An empty bin's share is raised to this before PSI takes its logarithm (on both sides): a
    /// convention, not a result. It bounds one bin's term at about p ln(p / 0.0001), 6.2 p at p = 5%.
    /// </summary>
    public const double PsiFloor = 1e-4;

    /// <summary>
    /// The standardised mean difference with the pooled SD of Austin (2009, Stat Med 28:3083):
    /// (mean_site − mean_training) / sqrt((sd_site² + sd_training²) / 2), with sample SDs. Null when a
    /// side has fewer than 2 observed values, or when both SDs are 0.
    /// </summary>
    public static double? StandardisedMeanDifference(long siteN, double siteMean, double siteSd, long trainingN, double trainingMean, double trainingSd)
    {
        if (siteN < 2 || trainingN < 2) return null;
        double pooled = Math.Sqrt((siteSd * siteSd + trainingSd * trainingSd) / 2);
        return pooled > 0 ? (siteMean - trainingMean) / pooled : null;
    }

    /// <summary>
    /// The population stability index Σ (s_i − t_i) ln(s_i / t_i) over bins, with s_i and t_i each
    /// bin's share of the site's and the training rows, each raised to <see cref="PsiFloor"/> first
    /// (as defined in Yurdakul 2018, "Statistical properties of population stability index", Western Michigan University). 0: the same shares; it grows without bound as they part.
    /// </summary>
    public static double Psi(IReadOnlyList<long> site, IReadOnlyList<long> training)
    {
        Check(site, training);
        double siteTotal = site.Sum(), trainingTotal = training.Sum();
        double psi = 0;
        for (int i = 0; i < site.Count; i++)
        {
            double s = Math.Max(site[i] / siteTotal, PsiFloor), t = Math.Max(training[i] / trainingTotal, PsiFloor);
            psi += (s - t) * Math.Log(s / t);
        }
        return psi;
    }

    /// <summary>
    /// The Kolmogorov-Smirnov distance on ordered bins: the largest |S_k − T_k| over the cumulative
    /// shares at each bin's upper edge. It sees the two empirical CDFs only at the edges, so it is
    /// a lower bound of the exact two-sample KS statistic on the values.
    /// </summary>
    public static double BinnedKs(IReadOnlyList<long> site, IReadOnlyList<long> training)
    {
        Check(site, training);
        double siteTotal = site.Sum(), trainingTotal = training.Sum();
        long s = 0, t = 0;
        double ks = 0;
        for (int i = 0; i < site.Count; i++)
        {
            s += site[i];
            t += training[i];
            ks = Math.Max(ks, Math.Abs(s / siteTotal - t / trainingTotal));
        }
        return ks;
    }

    /// <summary>
    /// The total variation distance ½ Σ |s_i − t_i| between the bins' shares: for unordered bins
    /// (category levels), the largest binned KS over every order of the bins.
    /// </summary>
    public static double TotalVariation(IReadOnlyList<long> site, IReadOnlyList<long> training)
    {
        Check(site, training);
        double siteTotal = site.Sum(), trainingTotal = training.Sum(), sum = 0;
        for (int i = 0; i < site.Count; i++) sum += Math.Abs(site[i] / siteTotal - training[i] / trainingTotal);
        return sum / 2;
    }

    /// <summary>
    /// The membership AUROC of one histogram: how well a row's bin alone tells a site row from a
    /// training row. Bins are ranked by their likelihood ratio s_i / t_i (a bin training never
    /// filled ranks first), the order the best classifier that sees only the bin uses (Neyman-Pearson),
    /// and the c-statistic is exact over every (site row, training row) pair: 1 when the site row's
    /// bin ranks higher, ½ when both rows share a bin (or bins of equal ratio), 0 otherwise:
    /// Σ_i S_i (T_below(i) + T_i / 2) / (n_site n_training). 0.5: the bin tells nothing; 1: the
    /// histograms do not overlap. Ranking by the site's own shares makes it optimistic by sampling
    /// noise in small sites.
    /// </summary>
    public static double MembershipAuroc(IReadOnlyList<long> site, IReadOnlyList<long> training)
    {
        Check(site, training);
        var order = Enumerable.Range(0, site.Count).Where(i => site[i] + training[i] > 0).ToList();
        // Descending ratio by cross-multiplying the counts (exact; a zero training count is an infinite ratio).
        order.Sort((a, b) => ((double)site[b] * training[a]).CompareTo((double)site[a] * training[b]));
        double trainingTotal = training.Sum(), below = trainingTotal, pairs = 0;
        foreach (int i in order)
        {
            below -= training[i];
            pairs += site[i] * (below + training[i] / 2.0);
        }
        return pairs / (site.Sum() * trainingTotal);
    }

    private static void Check(IReadOnlyList<long> site, IReadOnlyList<long> training)
    {
        if (site.Count != training.Count) throw new ArgumentException("The histograms must have the same bins.");
        if (site.Sum() <= 0 || training.Sum() <= 0) throw new ArgumentException("Each histogram must hold at least one row.");
    }
}
