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

    private bool HeldOut(string[] lines)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("somewhere-else", string.Join("\r\n", lines) + "\r\n");
        return ValidationRun.Run(heart.ModelPath, [site], Cpu, TextWriter.Null).Sites.Single().HeldOut;
    }

    [Fact]
    public void A_training_manifest_resaved_with_crlf_and_reordered_columns_under_another_name_is_not_held_out()
    {
        Assert.False(HeldOut(HungarySwapped()));
    }

    [Fact]
    public void A_changed_value_makes_it_another_site()
    {
        var lines = HungarySwapped();
        var cells = lines[5].Split(',');
        cells[2] = cells[2] == "50" ? "51" : "50"; // one age
        lines[5] = string.Join(",", cells);

        Assert.True(HeldOut(lines));
    }
}
