using Harness.Core;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Validator.Inference;

namespace Harness.Tests.Validator;

/// <summary>A training site does not become "held out" by being copied under another name, with other line endings or columns in another order.</summary>
[Collection(NativeCollection.Name)]
public sealed class HeldOutCheckTests(HeartModelFixture heart)
{
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu };

    /// <summary>Hungary's manifest (a training site of the heart model) with its last two columns swapped.</summary>
    private static string[] HungarySwapped()
    {
        return File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv")).Select(line =>
        {
            var cells = line.Split(',');
            (cells[^1], cells[^2]) = (cells[^2], cells[^1]);
            return string.Join(",", cells);
        }).ToArray();
    }

    private SiteResultView Validate(string[] lines)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("somewhere-else", string.Join("\r\n", lines) + "\r\n");
        var result = ValidationRun.Run(heart.ModelPath, [site], Cpu, TextWriter.Null).Sites.Single();
        return new(result.HeldOut, result.Holdout, result.RowsSeenInTraining, result.N, result.Warnings.Select(w => w.Code).ToList());
    }

    private sealed record SiteResultView(bool HeldOut, string Holdout, long? Seen, int N, List<string> Warnings);

    private bool HeldOut(string[] lines) => Validate(lines).HeldOut;

    [Fact]
    public void A_training_manifest_resaved_with_crlf_and_reordered_columns_under_another_name_is_not_held_out()
    {
        Assert.False(HeldOut(HungarySwapped()));
    }

    [Fact]
    public void A_copy_with_one_value_changed_is_still_the_training_data_by_its_rows()
    {
        var lines = HungarySwapped();
        var cells = lines[5].Split(',');
        cells[2] = cells[2] == "50" ? "51" : "50"; // one age: the manifest's content hash no longer matches
        lines[5] = string.Join(",", cells);

        var site = Validate(lines);

        Assert.Equal(("internal", false), (site.Holdout, site.HeldOut));
        Assert.Equal(site.N - 1, site.Seen); // every row but the edited one
    }

    [Fact]
    public void Training_rows_shuffled_and_subset_under_another_name_are_internal_with_their_count()
    {
        var lines = HungarySwapped();
        var rows = lines.Skip(1).OrderBy(l => l.GetHashCode(StringComparison.Ordinal)).Take(200).ToArray();

        var site = Validate([lines[0], .. rows]);

        Assert.Equal(("internal", false, 200L), (site.Holdout, site.HeldOut, site.Seen!.Value));
    }

    [Fact]
    public void A_few_training_rows_in_a_new_site_are_counted_and_warned_about()
    {
        // Given Switzerland's rows (never trained on) with 10 of Hungary's (trained on) among them, Hungary's columns in Switzerland's order
        var swiss = File.ReadAllLines(RepoPaths.Sites("heart", "switzerland", "manifest.csv"));
        var hungary = File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        Assert.Equal(swiss[0], hungary[0]);

        var site = Validate([.. swiss, .. hungary.Skip(1).Take(10)]);

        Assert.Equal(("institutional", true, 10L), (site.Holdout, site.HeldOut, site.Seen!.Value));
        Assert.Contains("rows_seen_in_training", site.Warnings);
    }
}
