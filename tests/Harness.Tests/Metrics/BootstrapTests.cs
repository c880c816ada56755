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
        var weights = new double[labels.Length];
        var counts = new int[bootstrap.ClusterCount];

        for (int b = 0; b < 200; b++)
        {
            // When resampled
            bootstrap.Resample(b, weights, counts);

            // Then rows of one patient always share a weight (the patient was drawn that many times)
            Assert.Equal(weights[0], weights[1]);
            Assert.Equal(weights[2], weights[3]);
            Assert.Equal(weights[5], weights[6]);
            Assert.Equal(weights[7], weights[8]);
            // and 2 event patients and 3 non-event patients are drawn each time
            Assert.Equal(2, counts[0] + counts[1]);
            Assert.Equal(3, counts[2] + counts[3] + counts[4]);
        }
    }

    [Fact]
    public void Resample_b_depends_only_on_seed_key_and_b()
    {
        int[] labels = Enumerable.Range(0, 50).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var a = new Bootstrap(labels, null, 2, 7, "x");
        var b = new Bootstrap(labels, null, 2, 7, "x");
        var w1 = new double[50];
        var w2 = new double[50];
        var scratch = new int[50];

        a.Resample(3, w1, scratch);
        b.Resample(5, w2, scratch); // another resample in between changes nothing
        b.Resample(3, w2, scratch);

        Assert.Equal(w1, w2);
        Assert.Equal(50, w1.Sum());
    }
}
