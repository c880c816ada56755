using Harness.Core.Statistics;

namespace Harness.Tests.Statistics;

/// <summary>
/// The shift statistics on histograms small enough to work by hand (the working is beside each
/// number); the membership AUROC also by counting every (site row, training row) pair. The same
/// statistics on the heart sites are checked against numpy, scipy and scikit-learn in
/// Validator/ShiftTests.cs.
/// </summary>
public sealed class DistributionShiftTests
{
    private const double Tolerance = 1e-12;

    // Training 10 rows over three ordered bins, site 10 rows: shares t = (.2, .3, .5), s = (.4, .4, .2).
    private static readonly long[] Training = [2, 3, 5], Site = [4, 4, 2];

    [Fact]
    public void Psi_sums_the_share_differences_times_their_log_ratios()
    {
        // (.4 − .2) ln 2 + (.4 − .3) ln(4/3) + (.2 − .5) ln(.4)
        //   = 0.2 × 0.6931471806 + 0.1 × 0.2876820725 + 0.3 × 0.9162907319 = 0.1386294361 + 0.0287682072 + 0.2748872196 = 0.4422848629
        double expected = 0.2 * Math.Log(2) + 0.1 * Math.Log(4.0 / 3) - 0.3 * Math.Log(0.4);
        Assert.Equal(0.4422848629, expected, 1e-10);
        Assert.Equal(expected, DistributionShift.Psi(Site, Training), Tolerance);
        Assert.Equal(0, DistributionShift.Psi(Training, Training), Tolerance);
    }

    [Fact]
    public void Psi_floors_a_bin_training_never_filled_at_one_in_ten_thousand()
    {
        // Given a site with 40% of its rows in a bin empty in training: t = (.5, .5, 0), s = (.3, .3, .4)
        long[] training = [5, 5, 0], site = [3, 3, 4];

        // Then 2 (.3 − .5) ln(.3 / .5) + (.4 − .0001) ln(.4 / .0001) = 0.4 × 0.5108256238 + 0.3999 × 8.2940496401 = 0.2043302495 + 3.3167904511
        double expected = 2 * (0.3 - 0.5) * Math.Log(0.6) + (0.4 - 1e-4) * Math.Log(0.4 / 1e-4);
        Assert.Equal(3.5211207006, expected, 1e-9);
        Assert.Equal(expected, DistributionShift.Psi(site, training), Tolerance);
    }

    [Fact]
    public void Binned_ks_is_the_largest_gap_between_the_cumulative_shares()
    {
        // Cumulative s = (.4, .8, 1), t = (.2, .5, 1): gaps .2, .3, 0
        Assert.Equal(0.3, DistributionShift.BinnedKs(Site, Training), Tolerance);
        // Unordered: ½ (|.4 − .2| + |.4 − .3| + |.2 − .5|) = ½ (.2 + .1 + .3)
        Assert.Equal(0.3, DistributionShift.TotalVariation(Site, Training), Tolerance);
    }

    [Fact]
    public void Membership_auroc_ranks_bins_by_likelihood_ratio_and_counts_pairs_in_one_bin_as_half()
    {
        // Ratios s/t: 2, 4/3, 0.4, so the bins rank 0, 1, 2. Over the 100 (site, training) pairs:
        //   4 site rows in bin 0: beat the 8 training rows of bins 1-2 (32), tie with bin 0's 2 (4 × 2 × ½ = 4)
        //   4 site rows in bin 1: beat bin 2's 5 (20), tie with bin 1's 3 (6)
        //   2 site rows in bin 2: tie with bin 2's 5 (5)
        // (32 + 4 + 20 + 6 + 5) / 100 = 0.67
        Assert.Equal(0.67, DistributionShift.MembershipAuroc(Site, Training), Tolerance);
        Assert.Equal(0.67, PairCount(Site, Training, [0, 1, 2]), Tolerance);
        Assert.Equal(0.5, DistributionShift.MembershipAuroc(Training, Training), Tolerance);
        // Reordering the bins does not change it: the ranking is by ratio, not by position
        Assert.Equal(0.67, DistributionShift.MembershipAuroc([2, 4, 4], [5, 3, 2]), Tolerance);
    }

    [Fact]
    public void Membership_auroc_ranks_a_bin_training_never_filled_first_and_bins_of_equal_ratio_alike()
    {
        // t = (.5, .5, 0), s = (.3, .3, .4): bin 2's ratio is infinite; bins 0 and 1 share ratio .6.
        //   4 site rows in bin 2 beat all 10 training rows (40); the 6 site rows in bins 0-1 against
        //   the 10 training rows there: 60 pairs, whichever way the two bins are ranked 30 (= 60 × ½)
        // (40 + 30) / 100 = 0.7
        long[] training = [5, 5, 0], site = [3, 3, 4];
        Assert.Equal(0.7, DistributionShift.MembershipAuroc(site, training), Tolerance);
        Assert.Equal(0.7, PairCount(site, training, [2, 0, 1]), Tolerance);
        Assert.Equal(0.7, PairCount(site, training, [2, 1, 0]), Tolerance);
        // Disjoint histograms: 1
        Assert.Equal(1, DistributionShift.MembershipAuroc([0, 0, 7], [3, 4, 0]), Tolerance);
    }

    [Fact]
    public void Smd_divides_the_mean_difference_by_the_root_mean_of_the_two_variances()
    {
        // (5 − 4) / sqrt((2² + 1²) / 2) = 1 / sqrt(2.5) = 0.6324555320
        Assert.Equal(0.6324555320, DistributionShift.StandardisedMeanDifference(10, 5, 2, 20, 4, 1)!.Value, 1e-10);
        Assert.Null(DistributionShift.StandardisedMeanDifference(1, 5, 0, 20, 4, 1)); // one site value: no SD
        Assert.Null(DistributionShift.StandardisedMeanDifference(10, 5, 0, 20, 4, 0)); // both constant
    }

    /// <summary>The c-statistic by counting every (site row, training row) pair, with the bins ranked in <paramref name="rank"/> order (first = most site-like).</summary>
    private static double PairCount(long[] site, long[] training, int[] rank)
    {
        double wins = 0;
        for (int a = 0; a < rank.Length; a++)
            for (int b = 0; b < rank.Length; b++)
                wins += site[rank[a]] * training[rank[b]] * (a < b ? 1 : a == b ? 0.5 : 0);
        return wins / (site.Sum() * training.Sum());
    }
}
