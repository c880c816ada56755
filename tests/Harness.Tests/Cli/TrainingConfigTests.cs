using System.Text.Json.Nodes;
using Harness.Tests.Support;
using Harness.Trainer;

namespace Harness.Tests.Cli;

/// <summary>
/// `harness train --config FILE`: settings nested by concern, command-line options override the
/// file, the effective settings land in training.json and the card, and they reproduce the run.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class TrainingConfigTests
{
    private const string Created = "2026-01-31T12:00:00Z";

    private static string[] Train(TempFolder temp, string outName, params string[] extra) =>
        ["train", "--site", RepoPaths.Sites("heart", "hungary"), "--positive-class", "disease", "--device", "cpu",
            "--created-utc", Created, "--out", temp.Combine(outName), .. extra];

    private static JsonObject Config(TempFolder temp, string outName) =>
        JsonNode.Parse(File.ReadAllText(temp.Combine(outName, TrainingOutcome.ReportFileName)))!["config"]!.AsObject();

    [Fact]
    public void File_settings_apply_and_command_line_options_override_them()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("train.json"), """
            {
              "optimiser": { "epochs": 7, "learning_rate": 0.002 },
              "split": { "cv": "kfold:3" },
              "targets": { "label_smoothing": 0.05 },
              "architecture": { "hidden": [8] }
            }
            """);

        var result = CliRunner.Run(Train(temp, "out", "--config", temp.Combine("train.json"), "--epochs", "4"));

        Assert.True(result.ExitCode == 0, result.Errors);
        var config = Config(temp, "out");
        Assert.Equal(4, config["optimiser"]!["epochs"]!.GetValue<int>()); // the option wins
        Assert.Equal(0.002, config["optimiser"]!["learning_rate"]!.GetValue<double>()); // the file's
        Assert.Equal(TrainingOptions.Defaults.BatchSize, config["optimiser"]!["batch_size"]!.GetValue<int>()); // neither: the default
        Assert.Equal("kfold:3", config["split"]!["cv"]!.GetValue<string>());
        Assert.Equal(0.05, config["targets"]!["label_smoothing"]!.GetValue<double>());
        Assert.Equal([8], config["architecture"]!["hidden"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(temp.Combine("out", TrainingOutcome.ReportFileName)))!["folds"]!.AsArray().Count);
    }

    [Fact]
    public void The_recorded_config_reproduces_the_model_byte_for_byte()
    {
        using var temp = new TempFolder();
        Assert.Equal(0, CliRunner.Run(Train(temp, "first", "--epochs", "5", "--cv", "kfold:2", "--mixup", "0.2", "--augment", "noise:0.1")).ExitCode);
        File.WriteAllText(temp.Combine("recorded.json"), Config(temp, "first").ToJsonString());

        var again = CliRunner.Run(["train", "--site", RepoPaths.Sites("heart", "hungary"), "--config", temp.Combine("recorded.json"),
            "--created-utc", Created, "--out", temp.Combine("second")]);

        Assert.True(again.ExitCode == 0, again.Errors);
        Assert.Equal(Config(temp, "first").ToJsonString(), Config(temp, "second").ToJsonString());
        Assert.Equal(File.ReadAllBytes(temp.Combine("first", TrainingOutcome.ModelFileName)),
            File.ReadAllBytes(temp.Combine("second", TrainingOutcome.ModelFileName)));
    }

    public static TheoryData<string, string, string[]> BadFiles => new()
    {
        { "unknown setting", """{"optimiser": {"epoch": 5}}""", ["train.json:1:", "'optimiser.epoch' is not a setting", "'optimiser' holds epochs, batch_size"] },
        { "text for a number", "{\n  \"optimiser\": {\"epochs\": \"many\"}\n}", ["train.json:2:", "'optimiser.epochs' takes a whole number"] },
        { "null section", """{"split": null}""", ["train.json:1:", "'split' may not be null"] },
        { "not JSON", "{", ["train.json:1:"] },
        { "unknown top-level setting", """{"epochs": 5}""", ["'epochs' is not a setting", "the settings are architecture, optimiser"] },
        { "unknown device", """{"device": "tpu"}""", ["'device' takes one of \"auto\", \"cpu\", \"cuda\""] },
        { "value out of range", """{"optimiser": {"epochs": 0}}""", ["optimiser.epochs (in ", "train.json) must be at least 1"] },
        { "unknown scheme", """{"split": {"cv": "loso"}}""", ["split.cv (in ", "'loso' is not a cross-validation scheme"] },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_config_files_fail_cleanly(string why, string json, string[] expected)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("train.json"), json);

        var result = CliRunner.Run(Train(temp, "out", "--config", temp.Combine("train.json")));

        CliAssert.CleanFailure(result, temp.Path, "out", expected);
        Assert.NotNull(why);
    }

    [Fact]
    public void A_bad_value_given_as_an_option_is_named_as_the_option_even_with_a_config_file()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("train.json"), """{"optimiser": {"epochs": 5}}""");

        var result = CliRunner.Run(Train(temp, "out", "--config", temp.Combine("train.json"), "--patience", "0"));

        CliAssert.CleanFailure(result, temp.Path, "out", "--patience must be at least 1");
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        using var temp = new TempFolder();

        var result = CliRunner.Run(Train(temp, "out", "--config", temp.Combine("none.json")));

        CliAssert.CleanFailure(result, temp.Path, "out", "none.json", "does not exist");
    }
}
