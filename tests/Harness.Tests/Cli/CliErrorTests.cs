using Harness.Cli;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>
/// The command-line contract for bad input: one line on stderr naming the file (and line/column)
/// and the fix, exit code 1, no stack trace, and no output folder (nor staging folder) left behind.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CliErrorTests(HeartModelFixture heart)
{
    public static TheoryData<string, string, string[]> BadManifests => new()
    {
        { "no label column", "id,diagnosis,x\n1,a,1\n2,b,2\n", ["manifest.csv:1:", "no 'label' column", "Add a 'label' column"] },
        { "non-numeric value", "id,label,x,y\n1,0,1,2\n2,1,abc,4\n", ["manifest.csv:3:3:", "'abc'", "is not a number"] },
        { "duplicate id", "id,label,x\n1,0,1\n2,1,2\n1,0,3\n", ["manifest.csv:4:1:", "id '1' is used again (first on line 2)"] },
        { "ragged row", "id,label,x,y\n1,0,1,2\n2,1,3\n", ["manifest.csv:3:", "3 cells but the header has 4"] },
        { "unparsable date", "id,label,date,x\n1,0,2020-01-01,1\n2,1,01/02/2020,2\n", ["manifest.csv:3:3:", "'01/02/2020'", "YYYY-MM-DD"] },
        { "empty file", "", ["manifest.csv:", "the manifest is empty"] },
    };

    [Theory]
    [MemberData(nameof(BadManifests))]
    public void Training_on_a_bad_manifest_fails_cleanly(string why, string manifest, string[] expected)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("site", manifest);

        var result = CliRunner.Run("train", "--site", site, "--out", temp.Combine("run"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "run", expected);
        Assert.NotNull(why);
    }

    /// <summary>The Hungarian manifest (the model's own features) broken in one way each.</summary>
    public static TheoryData<string, string[]> BrokenHeartManifests()
    {
        string[] Lines() => File.ReadAllLines(RepoPaths.Sites("heart", "hungary", "manifest.csv"));
        string Join(string[] lines) => string.Join("\n", lines) + "\n";
        var data = new TheoryData<string, string[]>();

        var noLabel = Lines();
        noLabel[0] = noLabel[0].Replace("label", "diagnosis");
        data.Add(Join(noLabel), ["manifest.csv:1:", "no 'label' column"]);

        var nonNumeric = Lines();
        var cells = nonNumeric[2].Split(',');
        cells[2] = "forty";
        nonNumeric[2] = string.Join(",", cells);
        data.Add(Join(nonNumeric), ["manifest.csv:3:3:", "'forty' in feature column 'age'"]);

        var duplicate = Lines();
        duplicate[3] = duplicate[1];
        data.Add(Join(duplicate), ["manifest.csv:4:1:", "is used again (first on line 2)"]);

        var ragged = Lines();
        ragged[2] = ragged[2][..ragged[2].LastIndexOf(',')];
        data.Add(Join(ragged), ["manifest.csv:3:", "14 cells but the header has 15"]);

        var dated = Lines().Select((line, i) => line + (i == 0 ? ",date" : i == 2 ? ",28/03/2019" : ",2019-03-28")).ToArray();
        data.Add(Join(dated), ["manifest.csv:3:16:", "'28/03/2019'", "YYYY-MM-DD"]);

        data.Add("", ["manifest.csv:", "the manifest is empty"]);
        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenHeartManifests))]
    public void Validating_on_a_bad_manifest_fails_cleanly(string manifest, string[] expected)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("site", manifest);

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", site, "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", expected);
    }

    [Fact]
    public void A_missing_site_folder_is_named()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run("train", "--site", temp.Combine("nowhere"), "--out", temp.Combine("run"));

        CliAssert.CleanFailure(result, temp.Path, "run", ["nowhere", "site folder not found"]);
    }

    [Fact]
    public void A_model_whose_features_do_not_match_the_site_lists_them()
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("other", "id,label,age,bmi\n1,disease,50,25\n2,no_disease,60,30\n");

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", site, "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", ["manifest.csv:1:", "missing 'sex'", "extra 'bmi'"]);
    }

    [Fact]
    public void An_existing_output_folder_is_refused_without_force()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("out"));
        File.WriteAllText(temp.Combine("out", "results.json"), "{}");

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", RepoPaths.Sites("heart", "switzerland"), "--out", temp.Combine("out"));

        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        Assert.Contains("--force", Assert.Single(result.ErrorLines));
        Assert.Equal("{}", File.ReadAllText(temp.Combine("out", "results.json")));
    }

    [Fact]
    public void Force_replaces_an_earlier_output_but_never_a_folder_of_other_files()
    {
        using var temp = new TempFolder();
        string[] args = ["validate", "--model", heart.ModelPath, "--site", RepoPaths.Sites("heart", "switzerland"), "--device", "cpu", "--out"];
        Assert.Equal(ExitCodes.Success, CliRunner.Run([.. args, temp.Combine("earlier")]).ExitCode);
        File.WriteAllText(temp.Combine("earlier", "results.json"), "{}");
        Directory.CreateDirectory(temp.Combine("precious"));
        File.WriteAllText(temp.Combine("precious", "notes.txt"), "mine");

        var replaced = CliRunner.Run([.. args, temp.Combine("earlier"), "--force"]);
        var refused = CliRunner.Run([.. args, temp.Combine("precious"), "--force"]);

        Assert.Equal(ExitCodes.Success, replaced.ExitCode);
        Assert.NotEqual("{}", File.ReadAllText(temp.Combine("earlier", "results.json")));
        Assert.Equal(ExitCodes.InputError, refused.ExitCode);
        Assert.Contains("--force will not replace it", refused.Errors);
        Assert.Equal("mine", File.ReadAllText(temp.Combine("precious", "notes.txt")));
        Assert.Equal(["earlier", "precious"], Directory.EnumerateDirectories(temp.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("--epochs", "0", "--epochs must be at least 1")]
    [InlineData("--validation-fraction", "1.5", "--validation-fraction must be between 0 and 1")]
    [InlineData("--hidden", "32,x", "--hidden '32,x' is not a list")]
    [InlineData("--device", "tpu", "--device 'tpu' is not a device")]
    [InlineData("--threshold", "youdenn", "--threshold 'youdenn' is not a threshold rule")]
    [InlineData("--threshold", "sensitivity:1.5", "--threshold 'sensitivity:1.5'")]
    public void Out_of_range_options_name_the_option(string option, string value, string expected)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run("train", "--site", RepoPaths.Sites("heart", "cleveland"), "--out", temp.Combine("run"), option, value);

        CliAssert.CleanFailure(result, temp.Path, "run", [expected]);
    }

    [Theory]
    [InlineData("--confidence", "1.5", "--confidence")]
    [InlineData("--confidence", "0.4", "--confidence")]
    [InlineData("--bootstrap", "-1", "--bootstrap")]
    [InlineData("--bootstrap", "1000000", "--bootstrap")]
    public void Out_of_range_interval_options_name_the_option(string option, string value, string expected)
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", RepoPaths.Sites("heart", "switzerland"),
            "--out", temp.Combine("out"), "--device", "cpu", option, value);

        CliAssert.CleanFailure(result, temp.Path, "out", [expected]);
    }

    [Fact]
    public void A_missing_required_option_is_a_usage_error()
    {
        var result = CliRunner.Run("validate", "--site", "x", "--out", "y");

        Assert.Equal(ExitCodes.InputError, result.ExitCode);
        Assert.Contains("--model", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public void Help_lists_the_commands_and_every_training_option_with_its_default()
    {
        var root = CliRunner.Run("--help");
        var train = CliRunner.Run("train", "--help");

        Assert.Equal(0, root.ExitCode);
        foreach (var command in new[] { "demo", "train", "validate" }) Assert.Contains(command, root.Output);
        foreach (var option in new[] { "--site", "--out", "--force", "--epochs", "--batch-size", "--learning-rate", "--weight-decay",
                     "--label-smoothing", "--patience", "--min-delta", "--validation-fraction", "--seed", "--device", "--positive-class" })
            Assert.Contains(option, train.Output);
        Assert.Contains("0.01", train.Output); // weight decay default, never TorchSharp's 0
    }
}
