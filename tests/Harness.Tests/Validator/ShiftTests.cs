using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Results;

namespace Harness.Tests.Validator;

/// <summary>
/// Dataset shift ("why does this site differ?"): the training distribution the card carries, and
/// each site's shift statistics, checked against numpy, scipy and scikit-learn on the heart data
/// (Scripts/shift_reference.py, which reads the manifests itself); the Swiss table led by its
/// missing cholesterol; the same numbers whatever the batch size; and a card without a distribution.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class ShiftTests(HeartModelFixture heart)
{
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu, Intervals = new() { Resamples = 0 } };
    private static readonly string[] TrainingManifests =
        [RepoPaths.Sites("heart", "cleveland", "manifest.csv"), RepoPaths.Sites("heart", "hungary", "manifest.csv")];

    private ValidationResults Validate(params string[] sites) => Validate(heart.ModelPath, Cpu, sites);

    private static ValidationResults Validate(string model, ValidationOptions options, params string[] sites) =>
        ValidationRun.Run(model, sites.Select(s => RepoPaths.Sites("heart", s)).ToList(), options, TextWriter.Null);

    [PythonFact("numpy", "scipy", "sklearn")]
    public void The_cards_training_distribution_equals_numpy_on_the_training_rows()
    {
        // Given the card as the model file carries it, and numpy's reading of the two training manifests
        var card = ModelCard.FromMetadata(Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath)).MetadataProps
            .ToDictionary(p => p.Key, p => p.Value), heart.ModelPath);
        var (exit, output) = IndependentChecks.TrainingDistribution(TrainingManifests);
        Assert.True(exit == 0, output);
        var numpy = JsonNode.Parse(output)!;
        var distribution = card.TrainingDistribution!;

        // Then rows, class counts (hence prevalence), and per feature the counts agree exactly; mean,
        // SD (sample, ddof=1), deciles (numpy's 'linear') and edges within 1e-9 (relative above 1)
        Assert.Equal(numpy["rows"]!.GetValue<long>(), distribution.Rows);
        Assert.Equal(numpy["class_counts"]!.AsObject().ToDictionary(c => c.Key, c => c.Value!.GetValue<long>()),
            distribution.ClassCounts.ToDictionary(c => c.Key, c => c.Value));
        var expected = numpy["features"]!.AsArray();
        Assert.Equal(expected.Select(f => f!["name"]!.GetValue<string>()), distribution.Features.Select(f => f.Name));
        Assert.Equal(card.FeatureNames, distribution.Features.Select(f => f.Name));
        foreach (var (mine, theirs) in distribution.Features.Zip(expected))
        {
            Assert.Equal(theirs!["observed"]!.GetValue<long>(), mine.Observed);
            Assert.Equal(theirs["missing"]!.GetValue<long>(), mine.Missing);
            Assert.Equal(card.FeatureMissingRates![mine.Name], mine.MissingRate, 1e-15);
            Close(theirs["mean"]!.GetValue<double>(), mine.Mean!.Value, mine.Name + " mean");
            Close(theirs["sd"]!.GetValue<double>(), mine.Sd!.Value, mine.Name + " sd");
            Assert.Equal(TrainingDistribution.Deciles, distribution.QuantileProbabilities);
            AllClose(Doubles(theirs["quantiles"]), mine.Quantiles, mine.Name + " quantiles");
            AllClose(Doubles(theirs["edges"]), mine.Edges!, mine.Name + " edges");
            Assert.Equal(theirs["counts"]!.AsArray().Select(c => c!.GetValue<long>()), mine.Counts);
        }
    }

    [PythonFact("numpy", "scipy", "sklearn")]
    public void Shift_statistics_at_every_heart_site_equal_numpy_scipy_and_sklearn()
    {
        // Given the model validated on its two held-out and its two training sites
        var results = Validate("switzerland", "va-long-beach", "cleveland", "hungary");

        foreach (var site in results.Sites)
        {
            // When the script recomputes each feature's shift from the manifests
            var (exit, output) = IndependentChecks.Shift(RepoPaths.Sites("heart", site.Name, "manifest.csv"), TrainingManifests);
            Assert.True(exit == 0, output);
            var reference = JsonNode.Parse(output)!;
            var shift = site.Shift!;

            // Then every number agrees within 1e-9 (relative where larger than 1), and the binned KS never exceeds the exact KS
            foreach (var f in shift.Features)
            {
                var theirs = reference["features"]![f.Feature]!;
                string where = $"{site.Name} {f.Feature}";
                Close(theirs["missing_training"]!.GetValue<double>(), f.MissingTraining, where + " missing_training");
                Close(theirs["missing_site"]!.GetValue<double>(), f.MissingSite, where + " missing_site");
                Close(theirs["psi"]!.GetValue<double>(), f.Psi, where + " psi");
                Close(theirs["membership_auroc"]!.GetValue<double>(), f.MembershipAuroc, where + " membership_auroc");
                NullOrClose(theirs["mean_site"], f.MeanSite, where + " mean_site");
                NullOrClose(theirs["sd_site"], f.SdSite, where + " sd_site");
                NullOrClose(theirs["smd"], f.Smd, where + " smd");
                NullOrClose(theirs["ks_binned"], f.Ks, where + " ks");
                if (f.Ks is { } ks) Assert.True(ks <= theirs["ks_exact"]!.GetValue<double>() + 1e-12, $"{where}: binned KS {ks} above the exact KS");
                Assert.Equal(f.MissingSite >= 1, f.MissingEverywhere);
            }
            foreach (var c in shift.Classes)
            {
                Close(reference["classes"]![c.Class]!["training"]!.GetValue<double>(), c.Training, $"{site.Name} {c.Class} training share");
                Close(reference["classes"]![c.Class]!["site"]!.GetValue<double>(), c.Site, $"{site.Name} {c.Class} site share");
            }
            Assert.Equal(site.Prevalence!.Value - shift.Classes.Single(c => c.Class == "disease").Training, shift.PrevalenceShift!.Value, 1e-12);
        }
    }

    [Fact]
    public void At_Switzerland_chol_missing_in_every_row_leads_the_shift_table()
    {
        // Given the heart model validated on Switzerland, whose chol column is empty
        var site = Validate("switzerland").Sites.Single();
        var shift = site.Shift!;

        // Then chol comes first, flagged, with no site mean, SMD or KS (no value observed)
        var chol = shift.Features[0];
        Assert.Equal("chol", chol.Feature);
        Assert.True(chol.MissingEverywhere);
        Assert.Equal(1.0, chol.MissingSite);
        Assert.Null(chol.MeanSite);
        Assert.Null(chol.Smd);
        Assert.Null(chol.Ks);
        Assert.Single(shift.Features, f => f.MissingEverywhere);
        // Its membership AUROC by hand: every site row is in the missing bin, which ranks first; training has
        // 23 of 597 rows there, so a site row beats 574 training rows and ties with 23: (574 + 23 / 2) / 597
        Assert.Equal(23, chol.TrainingCounts[^1]);
        Assert.Equal((574 + 11.5) / 597, chol.MembershipAuroc, 1e-12);
        Assert.Equal(chol.MembershipAuroc, shift.MaxFeatureMembershipAuroc!.Value);
        Assert.Equal("chol", shift.MaxFeatureMembershipAurocFeature);
        Assert.Equal(shift.Features.Max(f => f.MembershipAuroc), shift.MaxFeatureMembershipAuroc!.Value);

        // And the order is as documented: missing everywhere first, then PSI descending
        Assert.Equal(SiteShift.SortOrder, shift.SortedBy);
        var rest = shift.Features.Skip(1).ToList();
        Assert.All(rest.Zip(rest.Skip(1)), pair => Assert.True(pair.First.Psi >= pair.Second.Psi, $"{pair.First.Feature} before {pair.Second.Feature}"));
        Assert.Equal(site.N, shift.SiteRows);
        Assert.Equal(597, shift.TrainingRows);

        // And the large_shift warning names chol first
        var warning = Assert.Single(site.Warnings, w => w.Code == WarningCodes.LargeShift);
        Assert.Equal(chol.Psi, warning.Numbers["chol"]);
        Assert.StartsWith("chol", warning.Message[(warning.Message.IndexOf("): ", StringComparison.Ordinal) + 3)..]);
        Assert.All(warning.Numbers, n => Assert.True(n.Value > Warnings.LargePsi));
    }

    [Fact]
    public void Shift_statistics_do_not_depend_on_the_batch_size()
    {
        // Given the same two sites scored 7 rows at a time and 4096 at a time
        var tiny = Validate(heart.ModelPath, Cpu with { BatchSize = 7 }, "switzerland", "va-long-beach");
        var large = Validate(heart.ModelPath, Cpu with { BatchSize = 4096 }, "switzerland", "va-long-beach");

        // Then every shift number is identical, to the last bit (JSON writes doubles round-trip)
        foreach (var (a, b) in tiny.Sites.Zip(large.Sites))
            Assert.Equal(JsonSerializer.Serialize(b.Shift, HarnessJson.Compact), JsonSerializer.Serialize(a.Shift, HarnessJson.Compact));
    }

    [Fact]
    public void A_card_without_a_training_distribution_is_validated_and_says_in_one_line_why_there_is_no_shift()
    {
        // Given the heart model with its training_distribution key removed and the file sealed again (a card from before it existed)
        using var temp = new TempFolder();
        var onnx = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath));
        onnx.MetadataProps.Remove(onnx.MetadataProps.Single(p => p.Key == ModelCard.Keys.TrainingDistribution));
        onnx.MetadataProps.Single(p => p.Key == ModelDigest.Key).Value = ModelDigest.Placeholder;
        byte[] bytes = onnx.ToByteArray();
        ModelDigest.Seal(bytes);
        string model = temp.Combine("model.onnx");
        File.WriteAllBytes(model, bytes);

        // When validated, through the command line
        var run = CliRunner.Run("validate", "--model", model, "--site", RepoPaths.Sites("heart", "switzerland"),
            "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "0");

        // Then everything else is there, the shift holds only its reason, no large_shift warning, and the console says it once
        Assert.True(run.ExitCode == 0, run.Errors);
        var site = ResultsJson.Read(temp.Combine("out", ResultsJson.FileName)).Sites.Single();
        Assert.Contains("no training distribution", site.Shift!.Reason);
        Assert.Empty(site.Shift.Features);
        Assert.DoesNotContain(site.Warnings, w => w.Code == WarningCodes.LargeShift);
        Assert.Contains(site.Warnings, w => w.Code == WarningCodes.FeatureMissingEverywhere);
        Assert.Single(run.Output.Split('\n'), l => l.StartsWith("Dataset shift: the model card carries no training distribution", StringComparison.Ordinal));
        Assert.DoesNotContain("Shift: ", run.Output);
    }

    [Fact]
    public void The_console_lists_each_sites_five_most_shifted_features_with_the_flag_and_the_membership_auroc()
    {
        using var temp = new TempFolder();

        var run = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", RepoPaths.Sites("heart", "switzerland"),
            "--out", temp.Combine("out"), "--device", "cpu", "--bootstrap", "0");

        Assert.True(run.ExitCode == 0, run.Errors);
        var lines = run.Output.Split('\n');
        int title = Array.FindIndex(lines, l => l.Contains("Shift: switzerland (123 rows) against training (597)", StringComparison.Ordinal));
        Assert.True(title >= 0, run.Output);
        var rows = lines.Skip(title + 1).SkipWhile(l => !l.StartsWith("──", StringComparison.Ordinal) && !l.TrimStart().StartsWith("──", StringComparison.Ordinal))
            .Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
        Assert.Equal(5, rows.Count);
        Assert.StartsWith("chol !", rows[0].Trim());
        Assert.Contains("3.9% → 100.0%", rows[0]);
        string words = string.Join(" ", run.Output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)); // lines wrap at 100 columns
        Assert.Contains("membership AUROC 0.98 (the most telling single feature, chol)", words);
        Assert.Contains("Sorted: " + SiteShift.SortOrder, words);
    }

    [Fact]
    public void A_training_distribution_that_does_not_fit_the_card_is_refused()
    {
        // Given the heart card with its distribution's features in another order
        var card = heart.Outcome.Card;
        var swapped = card.TrainingDistribution! with { Features = card.TrainingDistribution.Features.Reverse().ToList() };
        var metadata = (card with { TrainingDistribution = swapped }).ToMetadata().ToDictionary(kv => kv.Key, kv => kv.Value);

        var error = Assert.Throws<InputException>(() => ModelCard.FromMetadata(metadata, "model.onnx"));

        Assert.Contains("training distribution does not fit its card", error.Problem);
        Assert.Contains("not the model's", error.Problem);
    }

    private static IEnumerable<double> Doubles(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>());

    /// <summary>Within 1e-9, relative to the larger magnitude where that is above 1.</summary>
    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)),
            $"{what}: expected {expected.ToString("R", CultureInfo.InvariantCulture)}, got {actual.ToString("R", CultureInfo.InvariantCulture)}");

    private static void AllClose(IEnumerable<double> expected, IReadOnlyList<double> actual, string what)
    {
        var e = expected.ToList();
        Assert.True(e.Count == actual.Count, $"{what}: {e.Count} expected, {actual.Count} found");
        for (int i = 0; i < e.Count; i++) Close(e[i], actual[i], $"{what}[{i}]");
    }

    private static void NullOrClose(JsonNode? expected, double? actual, string what)
    {
        if (expected is null) Assert.True(actual is null, $"{what}: expected null, got {actual}");
        else
        {
            Assert.True(actual is not null, $"{what}: expected {expected}, got null");
            Close(expected.GetValue<double>(), actual!.Value, what);
        }
    }
}
