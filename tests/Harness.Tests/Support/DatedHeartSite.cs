using System.Globalization;
using System.Text;

namespace Harness.Tests.Support;

/// <summary>
/// A synthetic dated heart site whose label noise grows over the years, written as
/// bench/make-heart-site.py writes one (the same columns and rough UCI marginals, the label from
/// the same logistic model of a few features), with System.Random: rows evenly over the given
/// years, each dated on a random day of its year; in year k after the first, a label is replaced
/// by a fair coin with probability <c>noisePerYear × k</c>, so a heart model's discrimination
/// falls year by year. Every <c>undatedEvery</c>-th row has no date. Not clinical data.
/// </summary>
public sealed class DatedHeartSite
{
    public sealed record Row(string Id, DateOnly? Date, string Label);

    public const string Header = "id,label,date,age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal";

    private DatedHeartSite(string folder, IReadOnlyList<Row> rows)
    {
        Folder = folder;
        Rows = rows;
    }

    public string Folder { get; }

    /// <summary>Every row in file order, with its date (null: undated) and label.</summary>
    public IReadOnlyList<Row> Rows { get; }

    public static DatedHeartSite Write(string folder, int firstYear, int years, int rowsPerYear, double noisePerYear, int undatedEvery, int seed)
    {
        var rng = new Random(seed);
        double Normal(double mean, double sd) => mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        double Pick(double[] values, double[] p)
        {
            double u = rng.NextDouble(), cumulative = 0;
            for (int i = 0; i < values.Length; i++) if (u < (cumulative += p[i])) return values[i];
            return values[^1];
        }
        double Clip(double x, double lo, double hi) => Math.Min(hi, Math.Max(lo, x));

        var rows = new List<Row>();
        var csv = new StringBuilder(Header + "\n");
        int n = 0;
        for (int k = 0; k < years; k++)
            for (int i = 0; i < rowsPerYear; i++)
            {
                n++;
                int year = firstYear + k;
                var date = new DateOnly(year, 1, 1).AddDays(rng.Next(DateTime.IsLeapYear(year) ? 366 : 365));
                double age = Clip(Math.Round(Normal(54, 9)), 28, 77), sex = rng.NextDouble() < 0.7 ? 1 : 0;
                double cp = Pick([1, 2, 3, 4], [0.07, 0.17, 0.28, 0.48]);
                double trestbps = Clip(Math.Round(Normal(132, 18)), 92, 200), chol = Clip(Math.Round(Normal(245, 55)), 85, 603);
                double fbs = rng.NextDouble() < 0.15 ? 1 : 0, restecg = Pick([0, 1, 2], [0.55, 0.05, 0.40]);
                double thalach = Clip(Math.Round(Normal(145, 23)), 71, 202), exang = rng.NextDouble() < 0.33 ? 1 : 0;
                double oldpeak = Math.Round(Clip(-Math.Log(1 - rng.NextDouble()), 0, 6.2), 1);
                double slope = Pick([1, 2, 3], [0.47, 0.46, 0.07]), ca = Pick([0, 1, 2, 3], [0.59, 0.22, 0.13, 0.06]);
                double thal = Pick([3, 6, 7], [0.55, 0.06, 0.39]);
                double logit = -2.9 + 0.03 * (age - 54) + 0.8 * sex + (cp == 4 ? 1.0 : 0) - 0.02 * (thalach - 145)
                    + 0.8 * exang + 0.5 * oldpeak + 0.7 * ca + (thal == 7 ? 1.0 : 0);
                bool disease = rng.NextDouble() < 1 / (1 + Math.Exp(-logit));
                if (rng.NextDouble() < noisePerYear * k) disease = rng.NextDouble() < 0.5;
                DateOnly? dated = undatedEvery > 0 && n % undatedEvery == 0 ? null : date;
                string id = $"d-{n:00000}", label = disease ? "disease" : "no_disease";
                rows.Add(new Row(id, dated, label));
                csv.Append(CultureInfo.InvariantCulture, $"{id},{label},{dated?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)},");
                csv.AppendJoin(',', new[] { age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak, slope, ca, thal }
                    .Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
                csv.Append('\n');
            }
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "manifest.csv"), csv.ToString());
        return new DatedHeartSite(folder, rows);
    }
}
