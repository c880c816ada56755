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
/// ("sinus"), drawn with <see cref="Ecgsyn"/>, as hard to tell apart as in practice. Leads I, II and
/// V1 weight the five waves differently (<see cref="LeadWeights"/>).
/// Sinus: respiratory sinus arrhythmia whose depth varies by patient, Mayer waves, P waves whose
/// height varies by patient and lead (small in some), and in some patients premature beats: atrial
/// (early, with an abnormal P wave, then the sinus node resets) or ventricular (early, no P wave, a
/// wide QRS complex with an opposite T wave, then a full compensatory pause).
/// AF: irregularly irregular beats (independent RR intervals) and no P wave; untreated AF is fast
/// and very irregular, rate-controlled AF slower and less so, with fine fibrillatory waves more often.
/// Fibrillatory waves are 4-9 Hz, coarse in some patients and near invisible in others.
/// Sites run from a quiet clinic (the first) to a busy emergency department (the last): later sites
/// see more premature beats and rate-controlled AF, and record with more muscle and electrode-motion
/// noise, which masks small P and f waves. Each site also has its own gain, baseline wander and mains
/// interference (50 Hz at north, east, ... and 60 Hz at south, west, ...). With a device change, later
/// recordings come from a new device (<see cref="NewDeviceGain"/>, <see cref="NewDeviceCutoffHz"/>,
/// <see cref="NewDeviceMotionMv"/>, <see cref="NewDeviceWander"/>). Files: ecg/ID.csv in each site,
/// one column per lead, in mV.
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

    /// <summary>
    /// The new device: its gain relative to the old, its low-pass cut-off, the SD (mV) of the
    /// electrode-motion noise its dry electrodes add, and how many times stronger its baseline wander is.
    /// </summary>
    public const double NewDeviceGain = 0.8;
    public const double NewDeviceCutoffHz = 25;
    public const double NewDeviceMotionMv = 0.03;
    public const double NewDeviceWander = 2;

    /// <summary>The upper cut-off of electrode-motion noise: it overlaps the P and f waves, not the QRS complex.</summary>
    private const double MotionCutoffHz = 10;

    /// <summary>Mains frequency at a site: 50 Hz at even-numbered sites (north, east, ...), 60 Hz at odd ones.</summary>
    public static int MainsHz(int site) => site % 2 == 0 ? 50 : 60;

    /// <param name="Busy">0 at the first site, 1 at the last: how busy the setting, how old and ill its patients.</param>
    /// <param name="MuscleMv">SD of the broadband muscle (EMG) noise of a typical recording.</param>
    /// <param name="MotionMv">SD of the electrode-motion noise (below <see cref="MotionCutoffHz"/>) of a typical recording.</param>
    private sealed record SiteTraits(double Busy, double Gain, double MuscleMv, double MotionMv, double WanderMv, double MainsMv, bool DeviceChanges)
    {
        /// <summary>
        /// A site's traits: gain 0.85-1.15; muscle noise 8-15 uV at the first site and electrode motion
        /// 12-18 uV, times 1 + 1.5 busy^2 and 1 + 2 busy^2 (so the middle sites stay near the first and the
        /// last stands out, at 2.5 and 3 times); wander 0.05-0.3 mV; mains 20-60 uV.
        /// </summary>
        public static SiteTraits Draw(SynthRandom random, double busy, bool deviceChanges) =>
            new(busy, random.Uniform(0.85, 1.15), random.Uniform(0.008, 0.015) * (1 + 1.5 * busy * busy), random.Uniform(0.012, 0.018) * (1 + 2 * busy * busy),
                random.Uniform(0.05, 0.3), random.Uniform(0.02, 0.06), deviceChanges);

        /// <summary>The share of sinus patients with premature beats.</summary>
        public double EctopyShare => 0.2 + 0.3 * Busy;

        /// <summary>The share of AF patients whose ventricular rate is controlled.</summary>
        public double RateControlledShare => 0.4 + 0.3 * Busy;
    }

    public static SynthSummary Write(string folder, EcgOptions options, CancellationToken cancellation)
    {
        options.Validate();
        var sites = new List<SiteSummary>();
        for (int site = 0; site < options.Sites; site++)
        {
            string name = Cohort.SiteNames[site], siteFolder = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.Combine(siteFolder, FileFolder));
            var traits = SiteTraits.Draw(Cohort.SiteRandom(options, site), busy: options.Sites == 1 ? 0 : (double)site / (options.Sites - 1),
                deviceChanges: options.DeviceChangeYear is not null && (options.DeviceChangeSite is null || options.DeviceChangeSite == name));
            double prevalence = Cohort.SitePrevalence(options.Prevalence, site);
            long positives = 0, patients = 0;
            DateOnly first = DateOnly.MaxValue, last = DateOnly.MinValue;
            using (var manifest = new ManifestWriter(siteFolder, name, options.Rows, ["path"]))
                foreach (var example in Cohort.Examples(options, site, maleShare: 0.55))
                {
                    cancellation.ThrowIfCancellationRequested();
                    var patient = Patient.Draw(new SynthRandom(example.PatientSeed), prevalence, traits); // the same at every visit
                    bool newDevice = traits.DeviceChanges && example.Date.Year >= options.DeviceChangeYear;
                    string file = $"{FileFolder}/{manifest.Id(example)}.csv";
                    SignalCsv.Write(Path.Combine(siteFolder, file), Leads, Record(options, site, traits, example, patient, newDevice));
                    manifest.Begin(example, patient.Af ? Positive : Negative);
                    manifest.Text(file);
                    positives += patient.Af ? 1 : 0;
                    patients = example.Patient + 1;
                    if (example.Date < first) first = example.Date;
                    if (example.Date > last) last = example.Date;
                }
            string device = traits.DeviceChanges ? $"; new device from {options.DeviceChangeYear}" : "";
            sites.Add(new SiteSummary(name, options.Rows, patients, positives, first, last,
                $"{MainsHz(site)} Hz mains; gain {traits.Gain:0.00}; muscle noise {traits.MuscleMv * 1000:0} uV, electrode motion {traits.MotionMv * 1000:0} uV; " +
                $"wander {traits.WanderMv:0.00} mV; {traits.EctopyShare:0%} of sinus patients with premature beats, {traits.RateControlledShare:0%} of AF rate-controlled{device}"));
        }
        string story = options.DeviceChangeYear is int year
            ? $"Device change: from {year}, {(options.DeviceChangeSite is null ? "every site records" : options.DeviceChangeSite + " records")} with a new device " +
              $"(gain x{NewDeviceGain}, {NewDeviceCutoffHz:0} Hz low-pass, {NewDeviceMotionMv * 1000:0} uV more electrode-motion noise, {NewDeviceWander:0.#}x the baseline wander): hold out by year to see it."
            : "No device change (--device-change YEAR adds one).";
        return new SynthSummary("ecg", Positive, Negative, sites,
            [$"{options.Seconds:0.##} s at {options.RateHz} Hz, leads {string.Join(", ", Leads)}, in mV.",
             "Sites run from a quiet clinic (the first) to a busy emergency department (the last): more premature beats, rate-controlled AF and noise.", story]);
    }

    /// <summary>
    /// A patient's rhythm and morphology, the same at every visit. Sinus: heart rate, depth of the
    /// respiratory sinus arrhythmia, premature beats per beat (0 for most) and the share of them that
    /// are ventricular. AF: heart rate, the RR intervals' coefficient of variation, and the f waves'
    /// size. Both: QRS size, and P-wave size per lead as a factor on ECGSYN's (15-100%, small P waves
    /// being common; unused in AF).
    /// </summary>
    private sealed record Patient(bool Af, double Rate, double Amplitude, double[] PWave, double Arrhythmia, double Ectopy, double VentricularShare,
        double RrVariation, double FibrillationMv)
    {
        public static Patient Draw(SynthRandom random, double prevalence, SiteTraits site)
        {
            bool af = random.Chance(prevalence);
            double amplitude = Math.Clamp(random.Normal(1, 0.1), 0.7, 1.3), pSize = random.Uniform(0.15, 1.0);
            var pWave = Leads.Select(_ => pSize * Math.Exp(random.Normal(0, 0.25))).ToArray();
            if (af)
            {
                bool controlled = random.Chance(site.RateControlledShare);
                double rate = controlled ? Math.Clamp(random.Normal(80, 10), 55, 105) : Math.Clamp(random.Normal(110, 15), 85, 160);
                double variation = controlled ? random.Uniform(0.07, 0.15) : random.Uniform(0.14, 0.26);
                // Log-uniform, in V1 from 5 uV to 60 uV (rate-controlled, often long-standing AF) or 120 uV: fine, near invisible f waves are common.
                double fibrillation = Math.Exp(random.Uniform(Math.Log(0.005), Math.Log(controlled ? 0.06 : 0.12)));
                return new(true, rate, amplitude, pWave, 0, 0, 0, variation, fibrillation);
            }
            double sinusRate = Math.Clamp(random.Normal(72, 12), 48, 115), arrhythmia = random.Uniform(0.005, 0.07);
            bool ectopic = random.Chance(site.EctopyShare);
            double ectopy = ectopic ? random.Uniform(0.04, 0.2) : 0, ventricular = random.NextDouble();
            return new(false, sinusRate, amplitude, pWave, arrhythmia, ectopy, ventricular, 0, 0);
        }
    }

    /// <summary>One recording, [lead, sample], in mV quantised to 1 uV.</summary>
    private static float[] Record(EcgOptions options, int site, SiteTraits traits, Example example, Patient patient, bool newDevice)
    {
        var random = new SynthRandom(example.Seed);
        int rate = options.RateHz, n = (int)Math.Round(options.Seconds * rate);
        double seconds = (double)n / rate;
        var (rr, shapes) = Beats(random, patient, Math.Clamp(patient.Rate + random.Normal(0, 3), 45, 165), seconds);
        var beatOfSample = new int[n];
        var waves = Ecgsyn.Simulate(rr.ToArray(), rate, n, random.Uniform(-Math.PI, Math.PI), shapes, beatOfSample);

        // ECGSYN scales z so that the (lead II) signal spans 1.6 mV; here the span of the supraventricular beats,
        // so that premature ventricular beats stand out as they do; the same factor serves every lead.
        double min = double.MaxValue, max = double.MinValue;
        for (int t = 0; t < n; t++)
        {
            if (shapes[Math.Min(beatOfSample[t], shapes.Count - 1)].WideQrs) continue;
            double v = 0;
            for (int w = 0; w < Ecgsyn.Waves; w++) v += waves[w][t];
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double scale = 1.6 / (max - min) * patient.Amplitude;

        double gain = traits.Gain * (newDevice ? NewDeviceGain : 1), mainsPhase = random.Uniform(0, 2 * Math.PI);
        // Noise differs from recording to recording (a tense patient, a loose electrode), around the site's typical level.
        double muscleMv = traits.MuscleMv * Math.Exp(random.Normal(0, 0.5));
        double motionMv = Math.Sqrt(Math.Pow(traits.MotionMv * Math.Exp(random.Normal(0, 0.6)), 2) + (newDevice ? NewDeviceMotionMv * NewDeviceMotionMv : 0));
        double fibrillationHz = random.Uniform(4.5, 8.5), fibrillationPhase = random.Uniform(0, 2 * Math.PI);
        double swellHz = random.Uniform(0.1, 0.4), swellPhase = random.Uniform(0, 2 * Math.PI);
        var samples = new float[Leads.Count * n];
        var lead = new double[n];
        var motion = new double[n];
        for (int l = 0; l < Leads.Count; l++)
        {
            var weights = LeadWeights[l];
            double wanderMv = traits.WanderMv * random.Uniform(0.5, 1) * (newDevice ? NewDeviceWander : 1), wanderHz = random.Uniform(0.05, 0.5), wanderPhase = random.Uniform(0, 2 * Math.PI);
            double mainsMv = traits.MainsMv * random.Uniform(0.7, 1);
            ColouredNoise(random, motion, motionMv, MotionCutoffHz, rate);
            for (int t = 0; t < n; t++)
            {
                double time = (double)t / rate, v = 0;
                for (int w = 0; w < Ecgsyn.Waves; w++) v += (w == 0 ? patient.PWave[l] : 1) * weights[w] * waves[w][t];
                v *= scale;
                // f waves: the frequency drifts by 0.3 Hz around its centre and the size swells and fades, so they are not one pure tone.
                if (patient.Af)
                    v += FibrillationWeights[l] * patient.FibrillationMv * (1 + 0.4 * Math.Sin(2 * Math.PI * swellHz * time + swellPhase))
                        * Math.Sin(2 * Math.PI * fibrillationHz * time + 0.3 / 0.2 * Math.Sin(2 * Math.PI * 0.2 * time) + fibrillationPhase);
                v = gain * (v + wanderMv * Math.Sin(2 * Math.PI * wanderHz * time + wanderPhase) + motion[t])
                    + mainsMv * Math.Sin(2 * Math.PI * MainsHz(site) * time + mainsPhase)
                    + random.Normal(0, muscleMv);
                lead[t] = v;
            }
            if (newDevice) LowPass(lead, NewDeviceCutoffHz, rate);
            for (int t = 0; t < n; t++) samples[l * n + t] = (float)Math.Round(lead[t], 3);
        }
        return samples;
    }

    /// <summary>
    /// Beat intervals covering <paramref name="seconds"/> and two beats more, and each beat's shape.
    /// Sinus: the mean interval modulated by respiration (0.25 Hz, the patient's depth) and Mayer waves
    /// (0.1 Hz), the two peaks of ECGSYN's RR spectrum, plus 1% jitter; a premature atrial beat comes at
    /// 60-80% of the interval with an abnormal (small or inverted) P wave and resets the sinus node, so the
    /// next interval is about a normal one; a premature ventricular beat comes at 50-70%, without a P wave,
    /// and is followed by a full compensatory pause (the two intervals add to two normal ones). AF:
    /// independent intervals with the patient's coefficient of variation, kept within 0.3-2 s.
    /// </summary>
    private static (List<double> Rr, List<BeatShape> Shapes) Beats(SynthRandom random, Patient patient, double heartRate, double seconds)
    {
        double mean = 60 / heartRate, mayer = random.Uniform(0, 2 * Math.PI), breath = random.Uniform(0, 2 * Math.PI);
        var rr = new List<double>();
        var shapes = new List<BeatShape>();
        var afShape = BeatShape.Normal with { P = 0 };
        for (double t = 0; t < seconds + 3; t += rr[^1])
        {
            if (patient.Af)
            {
                rr.Add(Math.Clamp(random.Normal(mean, patient.RrVariation * mean), 0.3, 2));
                shapes.Add(afShape);
                continue;
            }
            double sinus = mean * (1 + 0.025 * Math.Sin(2 * Math.PI * 0.1 * t + mayer) + patient.Arrhythmia * Math.Sin(2 * Math.PI * 0.25 * t + breath) + random.Normal(0, 0.01));
            bool premature = rr.Count > 0 && shapes[^1] == BeatShape.Normal && random.Chance(patient.Ectopy);
            if (!premature)
            {
                rr.Add(sinus);
                shapes.Add(BeatShape.Normal);
            }
            else if (random.Chance(patient.VentricularShare))
            {
                double coupling = random.Uniform(0.5, 0.7);
                rr.Add(coupling * sinus);
                shapes.Add(new BeatShape(P: 0, Qrs: 1.3, T: -1.8, QrsWidth: 2.2));
                rr.Add((2 - coupling) * sinus);
                shapes.Add(BeatShape.Normal);
            }
            else
            {
                rr.Add(random.Uniform(0.6, 0.8) * sinus);
                shapes.Add(BeatShape.Normal with { P = random.Uniform(-0.6, 0.6) });
                rr.Add(random.Uniform(1.0, 1.15) * sinus);
                shapes.Add(BeatShape.Normal);
            }
        }
        return (rr, shapes);
    }

    /// <summary>Fills <paramref name="into"/> with Gaussian noise low-passed at <paramref name="cutoffHz"/> and scaled to an SD of <paramref name="sd"/>.</summary>
    private static void ColouredNoise(SynthRandom random, double[] into, double sd, double cutoffHz, int rateHz)
    {
        for (int t = 0; t < into.Length; t++) into[t] = random.Normal();
        LowPass(into, cutoffHz, rateHz);
        // A second-order Butterworth low-pass keeps pi fc / (sqrt 2 fs) of white noise's variance (its noise bandwidth is pi fc / (2 sqrt 2)).
        double factor = sd / Math.Sqrt(Math.PI * cutoffHz / (Math.Sqrt(2) * rateHz));
        for (int t = 0; t < into.Length; t++) into[t] *= factor;
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
