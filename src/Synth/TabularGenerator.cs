namespace Harness.Synth;

/// <summary>The tabular cohort's options: the share of missing cells and the drift per year.</summary>
public sealed record TabularOptions : SynthOptions
{
    public TabularOptions()
    {
        Rows = 500;
        Prevalence = 0.45;
    }

    public const double DefaultMissing = 0.02;
    public const double DefaultDrift = 0.1;

    /// <summary>The share of cells left empty in <see cref="TabularGenerator.OftenMissing"/>, at random.</summary>
    public double Missing { get; init; } = DefaultMissing;

    /// <summary>Per year after the first: added to the log-odds of disease, and (in SDs) to the mean cholesterol.</summary>
    public double Drift { get; init; } = DefaultDrift;

    protected override int MaxRows => 100_000_000;

    public override void Validate()
    {
        base.Validate();
        Require("--missing", Missing, 0, 0.9);
        Require("--drift", Drift, -1, 1);
    }
}

/// <summary>One term of the outcome model: the coefficient of a feature, or of the indicator that it equals <see cref="Level"/>.</summary>
public sealed record LogisticTerm(string Feature, double? Level, double Coefficient, double Centre = 0);

/// <summary>
/// A heart-disease cohort with the 13 features of sites/heart (age, sex, cp, trestbps, chol, fbs,
/// restecg, thalach, exang, oldpeak, slope, ca, thal), drawn from rough marginals of the UCI data
/// (as bench/make-heart-site.py draws them), with age per patient (a patient ages between visits)
/// and the maximum heart rate falling with age. The label is "disease" with probability
/// logistic(intercept + site shift + drift x years + the <see cref="Outcome"/> terms); the intercept
/// is set so that a reference population at the first year has <see cref="SynthOptions.Prevalence"/>.
/// Sites differ in age, share of men and baseline risk. The manifest is written as it is drawn,
/// so any number of rows takes the same memory.
/// </summary>
public static class TabularGenerator
{
    public const string Positive = "disease";
    public const string Negative = "no_disease";

    public static readonly IReadOnlyList<string> Features = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal"];

    /// <summary>The features whose cells <see cref="TabularOptions.Missing"/> empties (those often missing in the UCI data).</summary>
    public static readonly IReadOnlyList<string> OftenMissing = ["chol", "slope", "ca", "thal"];

    /// <summary>The outcome model's terms besides the intercept (bench/make-heart-site.py's).</summary>
    public static readonly IReadOnlyList<LogisticTerm> Outcome =
    [
        new("age", null, 0.03, Centre: 54), new("sex", null, 0.8), new("cp", 4, 1.0), new("thalach", null, -0.02, Centre: 145),
        new("exang", null, 0.8), new("oldpeak", null, 0.5), new("ca", null, 0.7), new("thal", 7, 1.0),
    ];

    private const double CholesterolSd = 55;
    private static readonly double[] ChestPain = [0.07, 0.17, 0.28, 0.48], RestEcg = [0.55, 0.05, 0.40], Slope = [0.47, 0.46, 0.07],
        Vessels = [0.59, 0.22, 0.13, 0.06], Thal = [0.55, 0.06, 0.39];
    private static readonly double[] ThalCodes = [3, 6, 7];

    /// <summary>Each <see cref="Outcome"/> term's column in <see cref="Features"/>.</summary>
    private static readonly int[] OutcomeColumns = Outcome.Select(t => Features.ToList().IndexOf(t.Feature)).ToArray();

    /// <summary>The share of men in the reference population, as in the UCI data.</summary>
    private const double ReferenceMaleShare = 0.68;

    private sealed record SiteTraits(double AgeShift, double MaleShare);

    public static SynthSummary Write(string folder, TabularOptions options, CancellationToken cancellation)
    {
        options.Validate();
        double intercept = Intercept(options);
        int missingColumns = OftenMissing.Count;
        var missingIndex = OftenMissing.Select(f => Features.ToList().IndexOf(f)).ToArray();
        var sites = new List<SiteSummary>();
        Span<double> row = stackalloc double[Features.Count];
        for (int site = 0; site < options.Sites; site++)
        {
            string name = Cohort.SiteNames[site], siteFolder = Path.Combine(folder, name);
            Directory.CreateDirectory(siteFolder);
            var siteRandom = Cohort.SiteRandom(options, site);
            var traits = new SiteTraits(siteRandom.Uniform(-4, 4), siteRandom.Uniform(0.55, 0.8));
            double shift = Cohort.SiteLogOddsShift(site);
            long positives = 0, patients = 0;
            DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
            using (var manifest = new ManifestWriter(siteFolder, name, options.Rows, Features))
                foreach (var example in Cohort.Examples(options, site, traits.MaleShare))
                {
                    if ((example.Row & 0xFFF) == 0) cancellation.ThrowIfCancellationRequested();
                    var random = new SynthRandom(example.Seed);
                    int birthYear = options.FirstYear - (int)Math.Round(new SynthRandom(example.PatientSeed).Normal(54 + traits.AgeShift, 9));
                    int year = example.YearIndex(options);
                    double risk = Draw(random, example.Date.Year - birthYear, example.Male, year, options.Drift, row);
                    bool disease = random.Chance(Cohort.Logistic(intercept + shift + options.Drift * year + risk));
                    for (int m = 0; m < missingColumns; m++)
                        if (random.Chance(options.Missing)) row[missingIndex[m]] = double.NaN;
                    manifest.Begin(example, disease ? Positive : Negative);
                    foreach (double value in row) manifest.Number(value);
                    positives += disease ? 1 : 0;
                    patients = example.Patient + 1;
                    if (example.Date < first) first = example.Date;
                    if (example.Date > last) last = example.Date;
                }
            sites.Add(new SiteSummary(name, options.Rows, patients, positives, first, last,
                $"age {traits.AgeShift:+0.0;-0.0} y; {traits.MaleShare:0%} men; baseline log-odds {shift:+0.0;-0.0;0.0}"));
        }
        return new SynthSummary("tabular", Positive, Negative, sites,
        [
            $"Outcome: logistic({intercept:0.###} + site shift + {options.Drift} x years since {options.FirstYear} + " +
                string.Join(" + ", Outcome.Select(t => $"{t.Coefficient} {(t.Level is double level ? $"[{t.Feature} = {level}]" : t.Centre != 0 ? $"({t.Feature} - {t.Centre})" : t.Feature)}")) + ").",
            $"Drift: each year after {options.FirstYear} adds {options.Drift} to the log-odds of disease and {options.Drift} SD ({options.Drift * CholesterolSd:0.#} mg/dl) to mean chol, which does not change risk.",
            $"Missing: {options.Missing:0.#%} of the {string.Join(", ", OftenMissing)} cells are empty, at random.",
        ]);
    }

    /// <summary>
    /// Draws one row's features into <paramref name="row"/> (in <see cref="Features"/> order) and
    /// returns the sum of the <see cref="Outcome"/> terms, computed from the values as written.
    /// </summary>
    private static double Draw(SynthRandom random, int age, bool male, int year, double drift, Span<double> row)
    {
        age = Math.Clamp(age, 28, 77);
        row[0] = age;
        row[1] = male ? 1 : 0;
        row[2] = 1 + random.Choice(ChestPain);
        row[3] = Math.Clamp(Math.Round(random.Normal(132, 18)), 92, 200);
        row[4] = Math.Clamp(Math.Round(random.Normal(245 + drift * year * CholesterolSd, CholesterolSd)), 85, 603);
        row[5] = random.Chance(0.15) ? 1 : 0;
        row[6] = random.Choice(RestEcg);
        row[7] = Math.Clamp(Math.Round(random.Normal(145 - 0.8 * (age - 54), 21)), 71, 202);
        row[8] = random.Chance(0.33) ? 1 : 0;
        row[9] = Math.Round(Math.Min(-Math.Log(1 - random.NextDouble()), 6.2), 1);
        row[10] = 1 + random.Choice(Slope);
        row[11] = random.Choice(Vessels);
        row[12] = ThalCodes[random.Choice(Thal)];
        double risk = 0;
        for (int t = 0; t < Outcome.Count; t++)
        {
            var term = Outcome[t];
            double value = row[OutcomeColumns[t]];
            risk += term.Coefficient * (term.Level is double level ? (value == level ? 1 : 0) : value - term.Centre);
        }
        return risk;
    }

    /// <summary>
    /// The intercept that gives a reference population (no site shift, the first year) the asked prevalence: bisection on the mean risk of 20,000 reference rows.
    /// </summary>
    private static double Intercept(TabularOptions options)
    {
        var random = SynthRandom.For(options.Seed, -3);
        var risks = new double[20_000];
        Span<double> row = stackalloc double[Features.Count];
        for (int i = 0; i < risks.Length; i++)
            risks[i] = Draw(random, (int)Math.Round(random.Normal(54, 9)), random.Chance(ReferenceMaleShare), 0, 0, row);
        double low = -20, high = 20;
        for (int step = 0; step < 60; step++)
        {
            double mid = (low + high) / 2, mean = risks.Average(r => Cohort.Logistic(mid + r));
            if (mean < options.Prevalence) low = mid; else high = mid;
        }
        return (low + high) / 2;
    }
}
