using Harness.Core.Metrics;

namespace Harness.Tests.Metrics;

public class BootstrapTests
{
    [Fact]
    public void A_patient_is_drawn_whole_and_each_outcome_stratum_keeps_its_patient_count()
    {
        // Given 9 rows of 5 patients: patients 0, 1 are events (2 rows each), 2, 3, 4 non-events (1 row; 2 rows; 1 row)
        int[] labels = [1, 1, 1, 1, 0, 0, 0, 0, 0];
        int[] clusters = [0, 0, 1, 1, 2, 3, 3, 4, 4];
        var bootstrap = new Bootstrap(labels, clusters, 2, seed: 1, "site");
        var weights = new byte[labels.Length];
        var counts = new byte[bootstrap.Positions];

        for (int b = 0; b < 200; b++)
        {
            // When resampled
            bootstrap.Resample(b, weights, counts);

            // Then rows of one patient always share a weight (the patient was drawn that many times)
            Assert.Equal(weights[0], weights[1]);
            Assert.Equal(weights[2], weights[3]);
            Assert.Equal(weights[5], weights[6]);
            Assert.Equal(weights[7], weights[8]);
            // and 2 event patients (rows 0 and 2) and 3 non-event patients (rows 4, 5 and 7) are drawn each time
            int Count(int row) => counts[bootstrap.PositionOfRow[row]];
            Assert.Equal(2, Count(0) + Count(2));
            Assert.Equal(3, Count(4) + Count(5) + Count(7));
        }
    }

    [Fact]
    public void Resample_b_depends_only_on_seed_key_and_b()
    {
        int[] labels = Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var a = new Bootstrap(labels, null, 2, 7, "x");
        var b = new Bootstrap(labels, null, 2, 7, "x");
        var w1 = new byte[50];
        var w2 = new byte[50];
        var scratch = new byte[50];

        a.Resample(3, w1, scratch);
        b.Resample(5, w2, scratch); // another resample in between changes nothing
        b.Resample(3, w2, scratch);

        Assert.Equal(w1, w2);
        Assert.Equal(50, w1.Sum(w => w));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public void A_patients_draw_count_follows_the_multinomial_not_the_poisson(int stratumSize)
    {
        // Given one stratum of m non-events and one of 3 events, resampled 20,000 times (m = 10) or 200 times (m = 1000)
        int[] labels = [.. Enumerable.Repeat(0, stratumSize), 1, 1, 1];
        var bootstrap = new Bootstrap(labels, null, 2, seed: 3, "site");
        var counts = new byte[labels.Length];
        int resamples = 200_000 / stratumSize;
        var frequency = new double[5];
        for (int b = 0; b < resamples; b++)
        {
            bootstrap.Draw(b, 1, counts);
            Assert.Equal(stratumSize, counts.Take(stratumSize).Sum(c => (int)c));
            Assert.Equal(3, counts.Skip(stratumSize).Sum(c => (int)c));
            foreach (byte c in counts.Take(stratumSize)) frequency[Math.Min((int)c, 4)] += 1.0 / (resamples * stratumSize);
        }

        // Then a patient is drawn k times with the binomial(m, 1/m) probability (closed form; 200,000 draws: within 0.004,
        // about four standard errors). At m = 10 that is 0.349 for k = 0, where Poisson(1) would give 0.368.
        for (int k = 0; k < 4; k++)
        {
            double p = 1.0 / stratumSize;
            double binomial = Math.Exp(LogChoose(stratumSize, k) + k * Math.Log(p) + (stratumSize - k) * Math.Log(1 - p));
            Assert.True(Math.Abs(frequency[k] - binomial) < 0.004, $"k = {k}: {frequency[k]:F4} drawn vs {binomial:F4} binomial");
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void A_resample_is_the_same_whatever_it_is_drawn_beside(int lanes)
    {
        // Given 13 patients (not a multiple of any step: the scalar tail draws some), 2 strata
        int[] labels = Enumerable.Range(0, 13).Select(i => i % 4 == 0 ? 1 : 0).ToArray();
        var bootstrap = new Bootstrap(labels, null, 2, seed: 9, "site");
        var together = new byte[13 * lanes];
        bootstrap.Draw(5, lanes, together);
        for (int l = 0; l < lanes; l++)
        {
            // When resample 5 + l is drawn alone
            var alone = new byte[13];
            bootstrap.Draw(5 + l, 1, alone);

            // Then it equals its lane
            Assert.Equal(alone, Enumerable.Range(0, 13).Select(c => together[c * lanes + l]).ToArray());
        }
    }

    private static double LogChoose(int n, int k)
    {
        double value = 0;
        for (int i = 0; i < k; i++) value += Math.Log(n - i) - Math.Log(i + 1);
        return value;
    }
}
