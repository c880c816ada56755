using Harness.Trainer.Data;

namespace Harness.Tests.Trainer;

public sealed class StratifiedGroupSplitTests
{
    private static readonly string[] TwoClasses = ["no", "yes"];

    /// <summary>1 000 rows from 400 patients with 1-5 rows each, about 30% positive patients.</summary>
    private static (int[] Labels, string[] Groups) Patients(int seed)
    {
        var random = new Random(seed);
        var labels = new List<int>();
        var groups = new List<string>();
        for (int p = 0; labels.Count < 1000; p++)
        {
            int label = random.NextDouble() < 0.3 ? 1 : 0;
            for (int r = random.Next(1, 6); r > 0; r--)
            {
                labels.Add(label);
                groups.Add($"site/patient{p}");
            }
        }
        return (labels.ToArray(), groups.ToArray());
    }

    [Fact]
    public void No_patient_is_on_both_sides()
    {
        var (labels, groups) = Patients(1);

        var split = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.2, seed: 7);

        var trainPatients = split.Train.Select(i => groups[i]).ToHashSet();
        Assert.DoesNotContain(split.Validation, i => trainPatients.Contains(groups[i]));
        Assert.Equal(labels.Length, split.Train.Length + split.Validation.Length);
        Assert.Equal(Enumerable.Range(0, labels.Length), split.Train.Concat(split.Validation).Order());
    }

    [Fact]
    public void Each_class_is_held_back_in_about_the_requested_share()
    {
        var (labels, groups) = Patients(2);

        var split = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.2, seed: 7);

        // Whole patients of at most 5 rows move at a time, so each class lands within 5 rows of its target.
        for (int c = 0; c < 2; c++)
        {
            int total = labels.Count(l => l == c);
            int held = split.Validation.Count(i => labels[i] == c);
            Assert.InRange(held, 0.2 * total - 5, 0.2 * total + 5);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var (labels, groups) = Patients(3);

        var first = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.25, seed: 11);
        var again = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.25, seed: 11);
        var other = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.25, seed: 12);

        Assert.Equal(first.Validation, again.Validation);
        Assert.NotEqual(first.Validation, other.Validation);
    }

    [Fact]
    public void A_rare_class_with_two_patients_keeps_one_for_training()
    {
        int[] labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
        string[] groups = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

        var split = StratifiedGroupSplit.Create(labels, groups, TwoClasses, 0.5, seed: 1);

        Assert.Equal(1, split.Train.Count(i => labels[i] == 1));
        Assert.Equal(1, split.Validation.Count(i => labels[i] == 1));
    }
}
