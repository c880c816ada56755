using System.Text.Json.Nodes;
using Harness.Tests.Support;

namespace Harness.Tests.Synth;

/// <summary>
/// The ECG cohort, checked by numpy and scipy code that knows nothing of ECGSYN: R peaks found by a
/// band-pass and a peak finder show irregular rhythm in "af" and mostly regular rhythm in "sinus",
/// whose premature beats are followed by compensatory or resetting pauses; the spectrum shows each
/// site's mains frequency; a device change low-passes later recordings.
/// </summary>
public sealed class EcgSynthTests
{
    /// <summary>Per recording: the RR coefficient of variation from lead II's R peaks (5-20 Hz band-pass, peaks above 40% of the maximum, 0.25 s apart).</summary>
    private const string RrVariation = """
        import csv, json, sys
        import numpy as np
        from scipy.signal import butter, filtfilt, find_peaks
        site = json.load(open(sys.argv[1]))
        out = []
        for row in csv.DictReader(open(site + '/manifest.csv')):
            x = np.loadtxt(site + '/' + row['path'], delimiter=',', skiprows=1)
            b, a = butter(2, [5 / 125, 20 / 125], 'band')
            f = filtfilt(b, a, x[:, 1])
            peaks, _ = find_peaks(f, height=0.4 * f.max(), distance=int(0.25 * 250))
            rr = np.diff(peaks) / 250
            out.append([row['label'], float(rr.std() / rr.mean())])
        print(json.dumps(out))
        """;

    /// <summary>
    /// Per sinus recording: each premature beat's interval (under 80% of the recording's median RR,
    /// lead II's R peaks found as above) and the interval after it, both as shares of the median.
    /// </summary>
    private const string PrematureBeats = """
        import csv, json, sys
        import numpy as np
        from scipy.signal import butter, filtfilt, find_peaks
        site = json.load(open(sys.argv[1]))
        out = []
        for row in csv.DictReader(open(site + '/manifest.csv')):
            if row['label'] != 'sinus':
                continue
            x = np.loadtxt(site + '/' + row['path'], delimiter=',', skiprows=1)
            b, a = butter(2, [5 / 125, 20 / 125], 'band')
            f = filtfilt(b, a, x[:, 1])
            peaks, _ = find_peaks(f, height=0.4 * f.max(), distance=int(0.25 * 250))
            rr = np.diff(peaks) / 250
            m = np.median(rr)
            out.append([[float(rr[i] / m), float(rr[i + 1] / m)] for i in range(len(rr) - 1) if rr[i] < 0.8 * m])
        print(json.dumps(out))
        """;

    /// <summary>Per recording: its date and the power of lead II at 50 and 60 Hz (numpy's FFT; 10 s gives 0.1 Hz bins).</summary>
    private const string MainsPower = """
        import csv, json, sys
        import numpy as np
        site = json.load(open(sys.argv[1]))
        out = []
        for row in csv.DictReader(open(site + '/manifest.csv')):
            x = np.loadtxt(site + '/' + row['path'], delimiter=',', skiprows=1)[:, 1]
            power = np.abs(np.fft.rfft(x - x.mean())) ** 2
            freq = np.fft.rfftfreq(len(x), 1 / 250)
            out.append([row['date'], float(power[np.argmin(abs(freq - 50))]), float(power[np.argmin(abs(freq - 60))])])
        print(json.dumps(out))
        """;

    [PythonFact("numpy", "scipy")]
    public void Given_af_and_sinus_recordings_When_R_peaks_are_found_Then_af_RR_intervals_vary_far_more()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "ecg", "--sites", "1", "--rows", "40", "--prevalence", "0.5");

        var variation = InlinePython.Run(RrVariation, Path.Combine(output, "north")).AsArray()
            .Select(r => (Label: r![0]!.GetValue<string>(), Cv: r[1]!.GetValue<double>())).ToList();

        var af = variation.Where(v => v.Label == "af").Select(v => v.Cv).ToList();
        var sinus = variation.Where(v => v.Label == "sinus").Select(v => v.Cv).ToList();
        Assert.True(af.Count >= 8 && sinus.Count >= 8, $"{af.Count} af, {sinus.Count} sinus");
        // Sinus: respiratory (at most 7% deep) and Mayer-wave variability, a few percent, more in the few with premature beats.
        // AF: irregularly irregular, 7-15% when rate-controlled and 14-26% otherwise.
        Assert.True(Median(sinus) < 0.06, $"sinus RR CV median {Median(sinus):0.000}");
        Assert.True(af.Average() > 0.1, $"af RR CV averages {af.Average():0.000}");
        Assert.True(Median(af) > 2.5 * Median(sinus), $"af median {Median(af):0.000} against sinus {Median(sinus):0.000}");
        Assert.True(af.Average() > 2 * sinus.Average(), $"af mean {af.Average():0.000} against sinus {sinus.Average():0.000}");
    }

    [PythonFact("numpy", "scipy")]
    public void Given_sinus_recordings_When_premature_beats_are_found_Then_each_is_followed_by_a_pause_and_the_busier_site_has_more()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "ecg", "--sites", "2", "--rows", "150", "--prevalence", "0.2");

        var north = InlinePython.Run(PrematureBeats, Path.Combine(output, "north")).AsArray();
        var south = InlinePython.Run(PrematureBeats, Path.Combine(output, "south")).AsArray();

        // South, the last of two sites, has 50% of sinus patients with premature beats against north's 20%.
        double Share(JsonArray site) => site.Count(r => r!.AsArray().Count > 0) / (double)site.Count;
        Assert.True(Share(south) > 0.1, $"premature beats in {Share(south):0%} of south's sinus recordings");
        Assert.True(Share(south) > Share(north), $"premature beats in {Share(south):0%} of south's sinus recordings, {Share(north):0%} of north's");
        var pairs = north.Concat(south).SelectMany(r => r!.AsArray()).Select(p => (Before: p![0]!.GetValue<double>(), After: p[1]!.GetValue<double>())).ToList();
        // Premature beats come at most at 80% of the cycle; the interval after is at least a normal one. The peak finder
        // sometimes takes noise or a tall T wave for an R peak, so 10% of the premature intervals may be such mistakes.
        int paused = pairs.Count(p => p.After - p.Before > 0.15);
        Assert.True(paused >= 0.9 * pairs.Count, $"{paused} of {pairs.Count} premature intervals followed by a pause");
        // Ventricular: a full compensatory pause (the two intervals add to two cycles). Atrial: the sinus node resets, so they add to less.
        Assert.Contains(pairs, p => Math.Abs(p.Before + p.After - 2) < 0.1);
        Assert.Contains(pairs, p => p.Before + p.After < 1.85);
    }

    [PythonFact("numpy")]
    public void Given_50_and_60_Hz_sites_When_the_spectrum_is_taken_Then_each_site_shows_its_own_mains_frequency()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "ecg", "--sites", "2", "--rows", "5");

        foreach (var (site, mains) in new[] { ("north", 50), ("south", 60) })
        {
            var power = InlinePython.Run(MainsPower, Path.Combine(output, site)).AsArray();
            foreach (var recording in power)
            {
                double at50 = recording![1]!.GetValue<double>(), at60 = recording[2]!.GetValue<double>();
                Assert.True(mains == 50 ? at50 > 20 * at60 : at60 > 20 * at50, $"{site}: power {at50:G3} at 50 Hz, {at60:G3} at 60 Hz");
            }
        }
    }

    [PythonFact("numpy")]
    public void Given_a_device_change_at_one_site_When_the_spectrum_is_taken_Then_only_its_later_recordings_lose_the_mains_hum()
    {
        using var temp = new TempFolder();
        string output = SynthRuns.Run(temp, "ecg", "--sites", "2", "--rows", "16", "--years", "2019-2020", "--device-change", "2020", "--device-site", "south");

        // A 25 Hz second-order low-pass passes 60 Hz at (25/60)^2 = 0.17 of its amplitude, 0.03 of its power.
        var south = InlinePython.Run(MainsPower, Path.Combine(output, "south")).AsArray().Select(r => (Year: r![0]!.GetValue<string>()[..4], At60: r[2]!.GetValue<double>())).ToList();
        var north = InlinePython.Run(MainsPower, Path.Combine(output, "north")).AsArray().Select(r => (Year: r![0]!.GetValue<string>()[..4], At50: r[1]!.GetValue<double>())).ToList();
        Assert.Contains(south, r => r.Year == "2019");
        Assert.Contains(south, r => r.Year == "2020");
        double before = south.Where(r => r.Year == "2019").Min(r => r.At60), after = south.Where(r => r.Year == "2020").Max(r => r.At60);
        Assert.True(after < before / 5, $"south's 60 Hz power: at least {before:G3} before the change, up to {after:G3} after");
        double northBefore = north.Where(r => r.Year == "2019").Min(r => r.At50), northAfter = north.Where(r => r.Year == "2020").Min(r => r.At50);
        Assert.True(northAfter > northBefore / 5, $"north kept its device: 50 Hz power at least {northBefore:G3} in 2019, {northAfter:G3} in 2020");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
