using System.Globalization;
using Harness.Core.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Synth;

/// <summary>
/// `harness synth`: the same seed writes the same bytes; every kind writes one folder per site with
/// a manifest of the reserved columns, dates within --years, patients with several examples and a
/// group:sex column; the output folder follows Harness's convention (refused if it exists, replaced
/// with --force, nothing left on error); bad options are one-line errors naming the option.
/// </summary>
public sealed class SynthCliTests
{
    /// <summary>Small, fast arguments for each kind.</summary>
    public static TheoryData<string, string[]> Kinds => new()
    {
        { "ecg", ["--sites", "2", "--rows", "6", "--seconds", "3"] },
        { "image", ["--sites", "2", "--rows", "20", "--size", "24", "--shortcut"] },
        { "tabular", ["--sites", "2", "--rows", "300"] },
    };

    [Theory, MemberData(nameof(Kinds))]
    public void Given_the_same_seed_When_synth_runs_twice_Then_every_file_has_the_same_bytes(string kind, string[] args)
    {
        using var temp = new TempFolder();

        var first = SynthRuns.Snapshot(SynthRuns.Run(temp, kind, [.. args, "--seed", "7"]));
        var second = SynthRuns.Snapshot(SynthRuns.Run(temp, kind, [.. args, "--seed", "7"]));
        var other = SynthRuns.Snapshot(SynthRuns.Run(temp, kind, [.. args, "--seed", "8"]));

        Assert.Equal(first.Keys, second.Keys);
        foreach (var (file, bytes) in first) Assert.True(bytes.AsSpan().SequenceEqual(second[file]), $"{file} differs between two runs");
        Assert.Contains(first, f => f.Key.EndsWith("manifest.csv", StringComparison.Ordinal) && !f.Value.AsSpan().SequenceEqual(other[f.Key]));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Given_a_kind_When_synth_runs_Then_each_site_has_a_manifest_of_the_reserved_columns_with_dates_in_the_years(string kind, string[] args)
    {
        using var temp = new TempFolder();

        string output = SynthRuns.Run(temp, kind, [.. args, "--years", "2019-2020"]);

        Assert.Equal(["north", "south"], Directory.GetDirectories(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        int rows = int.Parse(args[Array.IndexOf(args, "--rows") + 1], CultureInfo.InvariantCulture);
        foreach (var site in new[] { "north", "south" })
        {
            string folder = Path.Combine(output, site);
            var header = File.ReadLines(Path.Combine(folder, "manifest.csv")).First().Split(',');
            Assert.Equal(["id", "label", "patient_id", "date", "group:sex"], header[..5]);
            var manifest = SynthRuns.Manifest(folder);
            Assert.Equal(rows, manifest.Count);
            Assert.Equal(rows, manifest.Select(r => r["id"]).Distinct().Count());
            Assert.All(manifest, r => Assert.StartsWith(site + "-", r["id"]));
            Assert.All(manifest, r => Assert.InRange(DateOnly.ParseExact(r["date"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                new DateOnly(2019, 1, 1), new DateOnly(2020, 12, 31)));
            Assert.All(manifest, r => Assert.Contains(r["group:sex"], new[] { "female", "male" }));
            Assert.Equal(2, manifest.Select(r => r["label"]).Distinct().Count());
            var visits = manifest.GroupBy(r => r["patient_id"]).ToList();
            Assert.Contains(visits, p => p.Count() > 1);
            Assert.All(visits, p => Assert.Single(p.Select(r => r["group:sex"]).Distinct()));
            if (kind == "tabular")
            {
                Assert.Equal(["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal"], header[5..]);
                var read = SiteData.Load(SiteFolder.Open(folder)); // Harness's own reader accepts it
                Assert.Equal(rows, read.Rows.Count);
            }
            else
            {
                Assert.Equal(["path"], header[5..]);
                Assert.All(manifest, r => Assert.True(File.Exists(Path.Combine(folder, r["path"])), r["path"]));
                Assert.Equal(rows, Directory.GetFiles(Path.Combine(folder, kind == "ecg" ? "ecg" : "images")).Length);
            }
        }
    }

    [Fact]
    public void Given_a_prevalence_When_images_are_drawn_Then_each_site_has_its_documented_prevalence_within_binomial_tolerance()
    {
        using var temp = new TempFolder();

        string output = SynthRuns.Run(temp, "image", "--sites", "2", "--rows", "1500", "--size", "16", "--prevalence", "0.3");

        // The documented spread: site 0 at the given log-odds, site 1 at +0.3.
        double[] expected = [0.3, 1 / (1 + Math.Exp(-(Math.Log(0.3 / 0.7) + 0.3)))];
        for (int site = 0; site < 2; site++)
        {
            var manifest = SynthRuns.Manifest(Path.Combine(output, site == 0 ? "north" : "south"));
            double observed = manifest.Count(r => r["label"] == "lesion") / (double)manifest.Count;
            // Labels are per patient (1-3 rows each, 1.4 on average): the design effect is below 2.
            double se = Math.Sqrt(expected[site] * (1 - expected[site]) / manifest.Count * 2);
            Assert.InRange(observed, expected[site] - 4 * se, expected[site] + 4 * se);
        }
    }

    [Fact]
    public void Given_an_existing_out_When_synth_runs_without_force_Then_it_is_refused_and_with_force_it_is_replaced()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("cohort");
        Assert.Equal(0, CliRunner.Run("synth", "tabular", "--rows", "50", "--seed", "1", "--out", output).ExitCode);
        var before = SynthRuns.Snapshot(output);

        var refused = CliRunner.Run("synth", "tabular", "--rows", "50", "--seed", "2", "--out", output);
        CliAssert.Refused(refused, "already exists", "--force");
        Assert.Equal(before, SynthRuns.Snapshot(output));

        var replaced = CliRunner.Run("synth", "tabular", "--rows", "50", "--seed", "2", "--out", output, "--force");
        Assert.True(replaced.ExitCode == 0, replaced.Errors);
        Assert.NotEqual(before["north/manifest.csv"], SynthRuns.Snapshot(output)["north/manifest.csv"]);
        Assert.Empty(CliAssert.StagingFolders(temp.Path, "cohort"));
    }

    [Fact]
    public void Given_a_folder_another_command_wrote_When_synth_runs_with_force_Then_it_is_refused()
    {
        using var temp = new TempFolder();
        string output = temp.Combine("cohort");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");

        var result = CliRunner.Run("synth", "tabular", "--rows", "50", "--out", output, "--force");

        CliAssert.Refused(result, "--force will not replace it");
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "notes.txt")));
    }

    public static TheoryData<string[], string[]> BadOptions => new()
    {
        { ["synth", "audio"], ["'audio' is not a kind"] },
        { ["synth", "ecg", "--sites", "13"], ["--sites 13", "1 to 12"] },
        { ["synth", "ecg", "--sites", "two"], ["--sites takes a whole number", "'two'"] },
        { ["synth", "tabular", "--years", "2022-2018"], ["--years 2022-2018"] },
        { ["synth", "tabular", "--years", "last year"], ["--years 'last year'"] },
        { ["synth", "image", "--rows", "0"], ["--rows 0"] },
        { ["synth", "ecg", "--prevalence", "1"], ["--prevalence 1"] },
        { ["synth", "ecg", "--rate", "100"], ["--rate 100", "150"] },
        { ["synth", "ecg", "--device-change", "2030"], ["--device-change 2030", "--years"] },
        { ["synth", "ecg", "--device-change", "2020", "--device-site", "mars"], ["--device-site 'mars'", "north"] },
        { ["synth", "ecg", "--device-site", "north"], ["--device-change is not given"] },
        { ["synth", "tabular", "--size", "32"], ["--size applies to 'synth image' only"] },
        { ["synth", "image", "--drift", "0.2"], ["--drift applies to 'synth tabular' only"] },
        { ["synth", "image", "--shortcut", "--sites", "1"], ["--shortcut", "--sites 2"] },
        { ["synth", "image", "--marker-strength", "0.5"], ["--shortcut is not given"] },
        { ["synth", "tabular", "--missing", "0.95"], ["--missing 0.95"] },
        { ["synth", "tabular", "--sedd", "3"], ["unknown option '--sedd'", "--seed"] },
    };

    [Theory, MemberData(nameof(BadOptions))]
    public void Given_a_bad_option_When_synth_runs_Then_one_line_names_the_option_and_nothing_is_written(string[] args, string[] expected)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run([.. args, "--out", temp.Combine("cohort")]);

        CliAssert.CleanFailure(result, temp.Path, "cohort", expected);
    }

    [Fact]
    public void Given_synth_help_When_asked_Then_every_option_is_described_with_examples()
    {
        var result = CliRunner.Run("synth", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--out", "--force", "--sites", "--years", "--rows", "--seed", "--prevalence", "--rate", "--seconds",
                     "--device-change", "--device-site", "--size", "--blob-contrast", "--shortcut", "--marker-strength", "--missing", "--drift" })
            Assert.Contains(option, result.Output);
        Assert.Contains("synth ecg --out", result.Output);
    }
}
