using System.Globalization;
using System.Text;

namespace Harness.Synth;

/// <summary>One example's place in a cohort: its row and patient, the patient's visit number, its date, the patient's sex and the seeds of its own random streams.</summary>
internal readonly record struct Example(int Site, long Row, long Patient, int Visit, DateOnly Date, bool Male, ulong Seed, ulong PatientSeed)
{
    /// <summary>Years since the first year of the cohort (0 in the first).</summary>
    public int YearIndex(SynthOptions options) => Date.Year - options.FirstYear;
}

/// <summary>
/// The part of a cohort every kind shares: site names and their spread of prevalence, patients with
/// one to three examples each, dates spread uniformly over the years, and the manifest's reserved
/// columns (id, label, patient_id, date, group:sex).
/// </summary>
internal static class Cohort
{
    public const string ManifestFileName = "manifest.csv";

    public static readonly IReadOnlyList<string> SiteNames =
        ["north", "south", "east", "west", "central", "coast", "hills", "valley", "river", "lakes", "forest", "harbour"];

    /// <summary>Examples per patient: 1 (70%), 2 (20%) or 3 (10%).</summary>
    private static readonly double[] VisitsPerPatient = [0.7, 0.2, 0.1];

    /// <summary>
    /// Site <paramref name="site"/>'s prevalence: <paramref name="prevalence"/> moved on the log-odds
    /// scale by 0, +0.3, -0.3, +0.6, -0.6, ... for sites 0, 1, 2, 3, 4, ..., so the sites differ in case mix.
    /// </summary>
    public static double SitePrevalence(double prevalence, int site) => Logistic(Logit(prevalence) + SiteLogOddsShift(site));

    /// <summary>Site <paramref name="site"/>'s shift of the log-odds of a positive example (see <see cref="SitePrevalence"/>).</summary>
    public static double SiteLogOddsShift(int site) => 0.3 * ((site + 1) / 2) * (site % 2 == 1 ? 1 : -1);

    public static double Logit(double p) => Math.Log(p / (1 - p));

    public static double Logistic(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The random stream of a site's own traits (its noise, gain, case mix), separate from its examples'.</summary>
    public static SynthRandom SiteRandom(SynthOptions options, int site) => SynthRandom.For(options.Seed, site, -1);

    /// <summary>
    /// The site's examples in order, patient by patient (a patient's visits in date order). Each
    /// patient is male with probability <paramref name="maleShare"/>; every example and every patient
    /// carries the seed of its own random stream.
    /// </summary>
    public static IEnumerable<Example> Examples(SynthOptions options, int site, double maleShare)
    {
        var random = SynthRandom.For(options.Seed, site, -2);
        var first = new DateOnly(options.FirstYear, 1, 1);
        int days = new DateOnly(options.LastYear, 12, 31).DayNumber - first.DayNumber + 1;
        var visitDays = new int[VisitsPerPatient.Length];
        long row = 0;
        for (long patient = 0; row < options.Rows; patient++)
        {
            int visits = (int)Math.Min(1 + random.Choice(VisitsPerPatient), options.Rows - row);
            bool male = random.Chance(maleShare);
            for (int v = 0; v < visits; v++) visitDays[v] = random.NextInt(days);
            Array.Sort(visitDays, 0, visits);
            ulong patientSeed = SynthRandom.Key(options.Seed, site, patient, 2);
            for (int v = 0; v < visits; v++, row++)
                yield return new Example(site, row, patient, v, first.AddDays(visitDays[v]), male, SynthRandom.Key(options.Seed, site, row, 1), patientSeed);
        }
    }
}

/// <summary>
/// Writes a site's manifest.csv as it goes, one row at a time: the reserved columns, then the kind's
/// own (a file path, or features). UTF-8, '\n' line ends, numbers in the invariant culture with the
/// shortest text that round-trips; an empty cell is a missing value.
/// </summary>
internal sealed class ManifestWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly string _site;
    private readonly string _rowFormat;
    private readonly char[] _number = new char[32];

    public ManifestWriter(string siteFolder, string siteName, int rows, IEnumerable<string> columns)
    {
        _site = siteName;
        _rowFormat = "D" + Math.Max(4, rows.ToString(CultureInfo.InvariantCulture).Length);
        _writer = new StreamWriter(new FileStream(Path.Combine(siteFolder, Cohort.ManifestFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
        _writer.Write(string.Join(',', ["id", "label", "patient_id", "date", "group:sex", .. columns]));
    }

    /// <summary>The example's id, as its row and any file it names are called: SITE-000001.</summary>
    public string Id(Example example) => $"{_site}-{(example.Row + 1).ToString(_rowFormat, CultureInfo.InvariantCulture)}";

    /// <summary>Starts the example's line with its reserved columns.</summary>
    public void Begin(Example example, string label)
    {
        _writer.Write('\n');
        _writer.Write(_site);
        _writer.Write('-');
        Write(example.Row + 1, _rowFormat);
        _writer.Write(',');
        _writer.Write(label);
        _writer.Write(',');
        _writer.Write(_site);
        _writer.Write("-p");
        Write(example.Patient + 1, _rowFormat);
        _writer.Write(',');
        example.Date.TryFormat(_number, out int written, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        _writer.Write(_number, 0, written);
        _writer.Write(example.Male ? ",male" : ",female");
    }

    public void Text(string text)
    {
        _writer.Write(',');
        _writer.Write(text);
    }

    /// <summary>A number cell; NaN is written as an empty (missing) cell.</summary>
    public void Number(double value)
    {
        _writer.Write(',');
        if (double.IsNaN(value)) return;
        value.TryFormat(_number, out int written, "R", CultureInfo.InvariantCulture);
        _writer.Write(_number, 0, written);
    }

    /// <summary>Ends the file with a line end after the last row.</summary>
    public void Dispose()
    {
        _writer.Write('\n');
        _writer.Dispose();
    }

    private void Write(long value, string format)
    {
        value.TryFormat(_number, out int written, format, CultureInfo.InvariantCulture);
        _writer.Write(_number, 0, written);
    }
}
