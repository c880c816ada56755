using Harness.Core;
using Harness.Trainer.Data;

namespace Harness.Tests.Trainer;

/// <summary>The splitter's folds: roles disjoint, patients never split, classes balanced, sites honoured.</summary>
public sealed class FoldsTests
{
    private static readonly string[] TwoClasses = ["no", "yes"];

    /// <summary>About 900 rows of 360 patients with 1-4 rows each, about 30% positive, spread over three sites.</summary>
    private static SplitKeys Patients(int seed)
    {
        var random = new Random(seed);
        var (labels, groups, sites) = (new List<int>(), new List<string>(), new List<int>());
        for (int p = 0; p < 360; p++)
        {
            int label = random.NextDouble() < 0.3 ? 1 : 0, site = p % 3;
            for (int r = random.Next(1, 5); r > 0; r--)
            {
                labels.Add(label);
                groups.Add($"site{site}/patient{p}");
                sites.Add(site);
            }
        }
        return new SplitKeys(labels.ToArray(), groups.ToArray(), sites.ToArray(), TwoClasses, ["a", "b", "c"]);
    }

    public static TheoryData<string> Schemes => ["holdout", "kfold:5", "kfold:2", "leave-one-site-out"];

    [Theory]
    [MemberData(nameof(Schemes))]
    public void Each_fold_has_three_disjoint_roles_that_never_share_a_patient(string scheme)
    {
        var keys = Patients(1);

        var folds = Folds.Make(keys, CrossValidation.Parse(scheme), 0.2, seed: 7);

        foreach (var fold in folds)
        {
            int[][] roles = [fold.Fit, fold.EarlyStopping, fold.Evaluate];
            Assert.All(roles, rows => Assert.NotEmpty(rows));
            // every row in exactly one role
            Assert.Equal(Enumerable.Range(0, keys.Count), roles.SelectMany(r => r).Order());
            // and every patient in exactly one role
            var patientRoles = roles.SelectMany((rows, role) => rows.Select(i => (keys.Groups[i], role))).Distinct().GroupBy(x => x.Item1);
            Assert.All(patientRoles, g => Assert.Single(g));
        }
    }

    [Fact]
    public void Kfold_evaluates_every_row_once_with_classes_balanced_over_the_folds()
    {
        var keys = Patients(2);

        var folds = Folds.Make(keys, CrossValidation.Parse("kfold:5"), 0.2, seed: 7);

        Assert.Equal(5, folds.Count);
        Assert.Equal(["fold 1 of 5", "fold 2 of 5", "fold 3 of 5", "fold 4 of 5", "fold 5 of 5"], folds.Select(f => f.Name));
        Assert.Equal(Enumerable.Range(0, keys.Count), folds.SelectMany(f => f.Evaluate).Order());
        // Patients of at most 4 rows go one at a time to the fold with the fewest rows of their class,
        // so each fold's class count is within 4 rows of a fifth of the class.
        for (int c = 0; c < 2; c++)
        {
            int total = keys.Labels.Count(l => l == c);
            Assert.All(folds, f => Assert.InRange(f.Evaluate.Count(i => keys.Labels[i] == c), total / 5.0 - 4, total / 5.0 + 4));
        }
    }

    [Fact]
    public void Leave_one_site_out_folds_are_the_sites()
    {
        var keys = Patients(3);

        var folds = Folds.Make(keys, CrossValidation.Parse("leave-one-site-out"), 0.2, seed: 7);

        Assert.Equal(keys.SiteNames, folds.Select(f => f.Name));
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(Enumerable.Range(0, keys.Count).Where(i => keys.SiteOfRow[i] == s), folds[s].Evaluate);
            Assert.DoesNotContain(folds[s].Fit.Concat(folds[s].EarlyStopping), i => keys.SiteOfRow[i] == s);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_folds_and_another_seed_others()
    {
        var keys = Patients(4);
        var scheme = CrossValidation.Parse("kfold:5");

        var first = Folds.Make(keys, scheme, 0.2, seed: 1);
        var again = Folds.Make(keys, scheme, 0.2, seed: 1);
        var other = Folds.Make(keys, scheme, 0.2, seed: 2);

        Assert.Equal(first.Select(f => f.Evaluate), again.Select(f => f.Evaluate));
        Assert.Equal(first.Select(f => f.Fit), again.Select(f => f.Fit));
        Assert.NotEqual(first.Select(f => f.Evaluate), other.Select(f => f.Evaluate));
    }

    [Theory]
    [InlineData("kfold:5", 4, "at least 5 patients of each class", "'yes' has 4")]
    [InlineData("kfold:2", 3, "at least 4 patients of each class", "'yes' has 3")]
    [InlineData("holdout", 2, "at least 3 patients of each class", "'yes' has 2")]
    public void Too_few_patients_of_a_class_for_the_scheme_is_a_clear_error(string scheme, int positives, string needed, string has)
    {
        int n = 20 + positives;
        var labels = Enumerable.Range(0, n).Select(i => i < positives ? 1 : 0).ToArray();
        var keys = new SplitKeys(labels, labels.Select((_, i) => $"s/p{i}").ToArray(), new int[n], TwoClasses, ["s"]);

        var error = Assert.Throws<InputException>(() => Folds.Make(keys, CrossValidation.Parse(scheme), 0.2, seed: 1));

        Assert.Contains(needed, error.Problem);
        Assert.Contains(has, error.Problem);
    }

    [Fact]
    public void Leave_one_site_out_with_one_site_is_a_clear_error()
    {
        var labels = Enumerable.Range(0, 20).Select(i => i % 2).ToArray();
        var keys = new SplitKeys(labels, labels.Select((_, i) => $"s/p{i}").ToArray(), new int[20], TwoClasses, ["only"]);

        var error = Assert.Throws<InputException>(() => Folds.Make(keys, CrossValidation.Parse("leave-one-site-out"), 0.2, seed: 1));

        Assert.Contains("at least 2 training sites", error.Problem);
        Assert.Contains("'only'", error.Problem);
    }

    [Theory]
    [InlineData("holdout", "holdout", 0)]
    [InlineData("kfold:5", "kfold", 5)]
    [InlineData("kfold:20", "kfold", 20)]
    [InlineData("leave-one-site-out", "leave-one-site-out", 0)]
    public void Schemes_parse(string text, string kind, int k)
    {
        var scheme = CrossValidation.Parse(text);

        Assert.Equal((kind, k), (scheme.Kind, scheme.K));
        Assert.Equal(text, scheme.ToString());
    }

    [Theory]
    [InlineData("kfold:1")]
    [InlineData("kfold:21")]
    [InlineData("kfold")]
    [InlineData("kfold:+5")]
    [InlineData("loso")]
    [InlineData("")]
    public void Unknown_schemes_are_refused_with_the_choices(string text)
    {
        var error = Assert.Throws<InputException>(() => CrossValidation.Parse(text));

        Assert.Contains("kfold:K", error.Fix);
        Assert.Contains("leave-one-site-out", error.Fix);
    }
}
