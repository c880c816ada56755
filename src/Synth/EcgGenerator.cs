using Harness.Core;
using Harness.Core.Inputs;

namespace Harness.Synth;

/// <summary>The ECG cohort's options: sampling rate and duration, and an optional change of recording device from a year on.</summary>
public sealed record EcgOptions : SynthOptions
{
    public EcgOptions()
    {
        Rows = 50;
        Prevalence = 0.3;
    }

    public const int DefaultRateHz = 250;
    public const double DefaultSeconds = 10;

    public int RateHz { get; init; } = DefaultRateHz;
    public double Seconds { get; init; } = DefaultSeconds;

    /// <summary>From this year on, <see cref="DeviceChangeSite"/>'s recordings come from a new device; null: no change.</summary>
    public int? DeviceChangeYear { get; init; }

    /// <summary>The site whose device changes, or null for every site.</summary>
    public string? DeviceChangeSite { get; init; }

    protected override int MaxRows => 100_000;

    public override void Validate()
    {
        base.Validate();
        // Above 2 x 60 Hz, so mains interference is below the Nyquist frequency.
        Require("--rate", RateHz, 150, 2000);
        Require("--seconds", Seconds, 2, 300);
        if (DeviceChangeYear is int year && (year < FirstYear || year > LastYear))
            throw new InputException($"--device-change {year} is outside --years {FirstYear}-{LastYear}.", "Give a year within --years.");
        if (DeviceChangeSite is { } site && !Cohort.SiteNames.Take(Sites).Contains(site))
            throw new InputException($"--device-site '{site}' is not one of the sites.",
                $"Give one of {string.Join(", ", Cohort.SiteNames.Take(Sites))}, or leave --device-site out for every site.");
    }
}

/// <summary>
/// A cohort of 12-bit-like multi-lead ECGs, atrial fibrillation ("af") against sinus rhythm
/// ("sinus"), drawn with <see cref="Ecgsyn"/>. Leads I, II and V1 weight the five waves differently
/// (<see cref="LeadWeights"/>). Sinus: regular beats with respiratory and Mayer-wave variability
/// (RR coefficient of variation about 3%) and P waves. AF: irregularly irregular beats (independent
/// RR intervals, coefficient of variation about 20%), no P wave, and fibrillatory waves of 4-9 Hz.
/// Each site has its own gain, sensor noise, baseline wander and mains interference (50 Hz at
/// north, east, ... and 60 Hz at south, west, ...); with a device change, later recordings have
/// another gain and a low-pass filter. Files: ecg/ID.csv in each site, one column per lead, in mV.
/// </summary>
public static class EcgGenerator
{
    public const string Positive = "af";
    public const string Negative = "sinus";
    public const string FileFolder = "ecg";
    public static readonly IReadOnlyList<string> Leads = ["I", "II", "V1"];

    /// <summary>Each lead's weights of the P, Q, R, S and T waves: II as ECGSYN draws it; I smaller; V1 an rS complex with a small P and an inverted T.</summary>
    public static readonly IReadOnlyList<double[]> LeadWeights = [[0.6, 0.5, 0.55, 0.4, 0.6], [1, 1, 1, 1, 1], [0.5, 0, 0.25, 3.5, -0.3]];

    /// <summary>Each lead's share of the fibrillatory waves, largest in V1.</summary>
    private static readonly double[] FibrillationWeights = [0.3, 0.6, 1.0];

    /// <summary>The new device's gain, relative to the old, and its low-pass cut-off.</summary>
    public const double NewDeviceGain = 0.8;
    public const double NewDeviceCutoffHz = 25;

    /// <summary>Mains frequency at a site: 50 Hz at even-numbered sites (north, east, ...), 60 Hz at odd ones.</summary>
    public static int MainsHz(int site) => site % 2 == 0 ? 50 : 60;

    private sealed record SiteTraits(double Gain, double NoiseMv, double WanderMv, double MainsMv, bool DeviceChanges);

    public static SynthSummary Write(string folder, EcgOptions options, CancellationToken cancellation)
    {
        options.Validate();
        var sites = new List<SiteSummary>();
        for (int site = 0; site < options.Sites; site++)
        {
            string name = Cohort.SiteNames[site], siteFolder = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.Combine(siteFolder, FileFolder));
            var random = Cohort.SiteRandom(options, site);
            var traits = new SiteTraits(random.Uniform(0.85, 1.15), random.Uniform(0.005, 0.03), random.Uniform(0.05, 0.3), random.Uniform(0.02, 0.06),
                options.DeviceChangeYear is not null && (options.DeviceChangeSite is null || options.DeviceChangeSite == name));
            double prevalence = Cohort.SitePrevalence(options.Prevalence, site);
            long positives = 0, patients = 0;
            DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
            using (var manifest = new ManifestWriter(siteFolder, name, options.Rows, ["path"]))
                foreach (var example in Cohort.Examples(options, site, maleShare: 0.55))
                {
                    cancellation.ThrowIfCancellationRequested();
                    var patient = new SynthRandom(example.PatientSeed);
                    bool af = patient.Chance(prevalence); // a patient's rhythm is the same at every visit
                    bool newDevice = traits.DeviceChanges && example.Date.Year >= options.DeviceChangeYear;
                    string file = $"{FileFolder}/{manifest.Id(example)}.csv";
                    SignalCsv.Write(Path.Combine(siteFolder, file), Leads, Record(options, site, traits, example, patient, af, newDevice));
                    manifest.Begin(example, af ? Positive : Negative);
                    manifest.Text(file);
                    positives += af ? 1 : 0;
                    patients = example.Patient + 1;
                    if (example.Date < first) first = example.Date;
                    if (example.Date > last) last = example.Date;
                }
            string device = traits.DeviceChanges ? $"; new device from {options.DeviceChangeYear}" : "";
            sites.Add(new SiteSummary(name, options.Rows, patients, positives, first, last,
                $"{MainsHz(site)} Hz mains; gain {traits.Gain:0.00}; noise {traits.NoiseMv * 1000:0} uV; wander {traits.WanderMv:0.00} mV{device}"));
        }
        string story = options.DeviceChangeYear is int year
            ? $"Device change: from {year}, {(options.DeviceChangeSite is null ? "every site records" : options.DeviceChangeSite + " records")} with a new device " +
              $"(gain x{NewDeviceGain}, {NewDeviceCutoffHz:0} Hz low-pass): hold out by year to see it."
            : "No device change (--device-change YEAR adds one).";
        return new SynthSummary("ecg", Positive, Negative, sites,
            [$"{options.Seconds:0.##} s at {options.RateHz} Hz, leads {string.Join(", ", Leads)}, in mV.", story]);
    }

    /// <summary>One recording, [lead, sample], in mV quantised to 1 uV.</summary>
    private static float[] Record(EcgOptions options, int site, SiteTraits traits, Example example, SynthRandom patient, bool af, bool newDevice)
    {
        var random = new SynthRandom(example.Seed);
        double amplitude = Math.Clamp(patient.Normal(1, 0.1), 0.7, 1.3);
        double patientRate = Math.Clamp(patient.Normal(af ? 95 : 70, af ? 12 : 8), af ? 60 : 50, af ? 150 : 100);

        int rate = options.RateHz, n = (int)Math.Round(options.Seconds * rate);
        double seconds = (double)n / rate;
        var rr = BeatIntervals(random, af, Math.Clamp(patientRate + random.Normal(0, 3), 45, 160), seconds);
        var waves = Ecgsyn.Simulate(rr.ToArray(), rate, n, random.Uniform(-Math.PI, Math.PI));

        // ECGSYN scales z so that the (lead II) signal spans 1.6 mV; the same factor serves every lead.
        double min = double.MaxValue, max = double.MinValue;
        for (int t = 0; t < n; t++)
        {
            double v = 0;
            for (int w = 0; w < Ecgsyn.Waves; w++) v += (af && w == 0 ? 0 : 1) * waves[w][t];
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double scale = 1.6 / (max - min) * amplitude;

        double gain = traits.Gain * (newDevice ? NewDeviceGain : 1), mainsPhase = random.Uniform(0, 2 * Math.PI);
        double fibrillationMv = random.Uniform(0.04, 0.1), fibrillationHz = random.Uniform(4.5, 8.5), fibrillationPhase = random.Uniform(0, 2 * Math.PI);
        var samples = new float[Leads.Count * n];
        var lead = new double[n];
        for (int l = 0; l < Leads.Count; l++)
        {
            var weights = LeadWeights[l];
            double wanderMv = traits.WanderMv * random.Uniform(0.5, 1), wanderHz = random.Uniform(0.05, 0.5), wanderPhase = random.Uniform(0, 2 * Math.PI);
            double mainsMv = traits.MainsMv * random.Uniform(0.7, 1);
            for (int t = 0; t < n; t++)
            {
                double time = (double)t / rate, v = 0;
                for (int w = 0; w < Ecgsyn.Waves; w++) v += (af && w == 0 ? 0 : weights[w]) * waves[w][t];
                v *= scale;
                if (af) // the frequency drifts by 0.3 Hz around its centre, so the f waves are not one pure tone
                    v += FibrillationWeights[l] * fibrillationMv * Math.Sin(2 * Math.PI * fibrillationHz * time + 0.3 / 0.2 * Math.Sin(2 * Math.PI * 0.2 * time) + fibrillationPhase);
                v = gain * (v + wanderMv * Math.Sin(2 * Math.PI * wanderHz * time + wanderPhase))
                    + mainsMv * Math.Sin(2 * Math.PI * MainsHz(site) * time + mainsPhase)
                    + random.Normal(0, traits.NoiseMv);
                lead[t] = v;
            }
            if (newDevice) LowPass(lead, NewDeviceCutoffHz, rate);
            for (int t = 0; t < n; t++) samples[l * n + t] = (float)Math.Round(lead[t], 3);
        }
        return samples;
    }

    /// <summary>
    /// Beat intervals covering <paramref name="seconds"/> and a beat more. Sinus: the mean interval
    /// modulated by respiration (0.25 Hz) and Mayer waves (0.1 Hz), the two peaks of ECGSYN's RR
    /// spectrum, plus 1% jitter. AF: independent intervals, SD 20% of the mean, kept within 0.3-2 s.
    /// </summary>
    private static List<double> BeatIntervals(SynthRandom random, bool af, double heartRate, double seconds)
    {
        double mean = 60 / heartRate, mayer = random.Uniform(0, 2 * Math.PI), breath = random.Uniform(0, 2 * Math.PI);
        var rr = new List<double>();
        for (double t = 0; t < seconds + 2; t += rr[^1])
            rr.Add(af
                ? Math.Clamp(random.Normal(mean, 0.2 * mean), 0.3, 2)
                : mean * (1 + 0.025 * Math.Sin(2 * Math.PI * 0.1 * t + mayer) + 0.035 * Math.Sin(2 * Math.PI * 0.25 * t + breath) + random.Normal(0, 0.01)));
        return rr;
    }

    /// <summary>A second-order Butterworth low-pass (bilinear transform, R. Bristow-Johnson's cookbook), run forwards as a device would, starting at rest at the first value.</summary>
    private static void LowPass(double[] x, double cutoffHz, int rateHz)
    {
        double w0 = 2 * Math.PI * cutoffHz / rateHz, alpha = Math.Sin(w0) / (2 / Math.Sqrt(2)), cos = Math.Cos(w0), a0 = 1 + alpha;
        double b0 = (1 - cos) / 2 / a0, b1 = (1 - cos) / a0, b2 = b0, a1 = -2 * cos / a0, a2 = (1 - alpha) / a0;
        double x1 = x[0], x2 = x[0], y1 = x[0], y2 = x[0];
        for (int t = 0; t < x.Length; t++)
        {
            double y = b0 * x[t] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = x[t];
            y2 = y1;
            y1 = y;
            x[t] = y;
        }
    }
}
