using System.Globalization;
using Harness.Synth;
using Harness.Tests.Support;

namespace Harness.Tests.Synth;

/// <summary>
/// The tabular cohort: statsmodels recovers the documented outcome model from a large sample, and
/// --missing empties the documented columns at the asked rate.
/// </summary>
public sealed class TabularSynthTests
{
    [PythonFact("numpy", "statsmodels")]
    public void Given_a_large_sample_When_statsmodels_fits_a_logistic_model_Then_it_recovers_the_outcome_coefficients()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "tabular", "--sites", "1", "--rows", "20000", "--drift", "0", "--missing", "0");
        var terms = TabularGenerator.Outcome;

        var fit = InlinePython.Run("""
            import csv, json, sys
            import numpy as np
            import statsmodels.api as sm
            job = json.load(open(sys.argv[1]))
            rows = list(csv.DictReader(open(job['site'] + '/manifest.csv')))
            y = np.array([r['label'] == 'disease' for r in rows], float)
            columns = []
            for feature, level in job['terms']:
                x = np.array([float(r[feature]) for r in rows])
                columns.append(x if level is None else (x == level).astype(float))
            model = sm.Logit(y, sm.add_constant(np.column_stack(columns))).fit(disp=0)
            print(json.dumps({'coef': model.params[1:].tolist(), 'se': model.bse[1:].tolist()}))
            """, new { site = Path.Combine(output, "north"), terms = terms.Select(t => new object?[] { t.Feature, t.Level }) });

        var coef = InlinePython.Doubles(fit["coef"]);
        var se = InlinePython.Doubles(fit["se"]);
        for (int i = 0; i < terms.Count; i++)
            Assert.True(Math.Abs(coef[i] - terms[i].Coefficient) < 4 * se[i],
                $"{terms[i].Feature}{(terms[i].Level is { } l ? $" = {l}" : "")}: fitted {coef[i]:0.0000} (SE {se[i]:0.0000}), true {terms[i].Coefficient}");
    }

    [Fact]
    public void Given_missing_0_1_When_the_table_is_drawn_Then_a_tenth_of_the_often_missing_cells_are_empty_and_no_others()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "tabular", "--sites", "1", "--rows", "4000", "--missing", "0.1");

        var manifest = SynthRuns.Manifest(Path.Combine(output, "north"));

        foreach (var feature in TabularGenerator.Features)
        {
            int empty = manifest.Count(r => r[feature].Length == 0);
            if (TabularGenerator.OftenMissing.Contains(feature))
            {
                double se = Math.Sqrt(0.1 * 0.9 / manifest.Count); // each cell independently
                Assert.InRange(empty / (double)manifest.Count, 0.1 - 4 * se, 0.1 + 4 * se);
            }
            else
            {
                Assert.Equal(0, empty);
                Assert.All(manifest, r => double.Parse(r[feature], NumberStyles.Float, CultureInfo.InvariantCulture));
            }
        }
    }
}
