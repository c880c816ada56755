using System.Text;
using Harness.Cli;
using Harness.Tests.Support;

namespace Harness.Tests.Cli;

/// <summary>
/// Hostile-but-realistic input, case by case: each must end with exit code 1 and one line on stderr
/// that starts "error: ", names the option or file (with line and column where there is one) and
/// the fix, with no stack trace and no output or staging folder left behind. Before these checks,
/// several of them ran to the end and exited 0 with a silently wrong result.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class BadInputTests(HeartModelFixture heart)
{
    /// <summary>A small, valid binary training manifest: 12 patients, 6 of each class.</summary>
    private const string Valid = "id,label,x,y\n1,0,1,2\n2,1,2,3\n3,0,1,4\n4,1,3,2\n5,0,2,2\n6,1,4,1\n7,0,1,1\n8,1,3,3\n9,0,2,1\n10,1,4,4\n11,0,1,3\n12,1,3,1\n";

    /// <summary>Command lines, run in a folder holding the valid site "site", a dated heart site "dated" (2019-2020) and the heart model as "model.onnx"; "heart" is the Cleveland site; "OUT" becomes the output folder.</summary>
    public static TheoryData<string, string[], string[]> CommandLines => new()
    {
        { "misspelt training option", ["train", "--site", "site", "--epoch", "5", "--out", "OUT"], ["unknown option '--epoch'", "Did you mean --epochs?"] },
        { "misspelt validation option", ["validate", "--modle", "model.onnx", "--site", "site", "--out", "OUT"], ["unknown option '--modle'", "Did you mean --model?"] },
        { "misspelt demo option", ["demo", "--outt", "OUT"], ["unknown option '--outt'", "Did you mean --out?"] },
        { "unknown option, nothing close", ["train", "--site", "site", "--colour", "red", "--out", "OUT"], ["unknown option '--colour'", "harness train --help"] },
        { "stray argument", ["train", "--site", "site", "stray", "--out", "OUT"], ["unexpected argument 'stray'"] },
        { "option without its value", ["train", "--site", "site", "--out"], ["option '--out' needs a value"] },
        { "exponent for an integer", ["train", "--site", "site", "--epochs", "1e9", "--out", "OUT"], ["--epochs takes a whole number", "'1e9'", "--epochs 300"] },
        { "integer beyond int", ["train", "--site", "site", "--patience", "99999999999", "--out", "OUT"], ["--patience", "at most 2,147,483,647"] },
        { "word for a number", ["train", "--site", "site", "--learning-rate", "fast", "--out", "OUT"], ["--learning-rate takes a number", "'fast'"] },
        { "decimal comma", ["train", "--site", "site", "--dropout", "0,2", "--out", "OUT"], ["--dropout takes a number", "'0,2'"] },
        { "infinite number", ["train", "--site", "site", "--weight-decay", "Infinity", "--out", "OUT"], ["--weight-decay takes a number"] },
        { "word for a seed", ["validate", "--model", "model.onnx", "--site", "site", "--seed", "x", "--out", "OUT"], ["--seed takes a whole number"] },
        { "word for resamples", ["validate", "--model", "model.onnx", "--site", "site", "--bootstrap", "many", "--out", "OUT"], ["--bootstrap takes a whole number"] },
        { "zero epochs", ["train", "--site", "site", "--epochs", "0", "--out", "OUT"], ["--epochs must be at least 1"] },
        { "smoothing of 1", ["train", "--site", "site", "--label-smoothing", "1", "--out", "OUT"], ["--label-smoothing must be in [0, 1)"] },
        { "negative resamples", ["validate", "--model", "model.onnx", "--site", "site", "--bootstrap", "-5", "--out", "OUT"], ["resamples must be 0 (off)"] },
        { "confidence of 1", ["validate", "--model", "model.onnx", "--site", "site", "--confidence", "1", "--out", "OUT"], ["--confidence"] },
        { "unknown device", ["train", "--site", "site", "--device", "tpu", "--out", "OUT"], ["--device 'tpu' is not a device"] },
        { "unknown threshold rule", ["train", "--site", "site", "--threshold", "best", "--out", "OUT"], ["'best' is not a threshold rule"] },
        { "zero hidden width", ["train", "--site", "site", "--hidden", "32,0", "--out", "OUT"], ["--hidden"] },
        { "absurd hidden width", ["train", "--site", "site", "--hidden", "100000000", "--out", "OUT"], ["--hidden must be", "from 1 to 16,384"] },
        { "diverging learning rate", ["train", "--site", "site", "--learning-rate", "1e30", "--epochs", "3", "--device", "cpu", "--out", "OUT"], ["training diverged", "Lower --learning-rate"] },
        { "zero batch size for training", ["train", "--site", "site", "--batch-size", "0", "--out", "OUT"], ["--batch-size must be at least 1"] },
        { "zero batch size for validation", ["validate", "--model", "model.onnx", "--site", "site", "--batch-size", "0", "--out", "OUT"], ["--batch-size must be at least 1"] },
        { "zero patience", ["train", "--site", "site", "--patience", "0", "--out", "OUT"], ["--patience must be at least 1"] },
        { "negative min-delta", ["train", "--site", "site", "--min-delta", "-1", "--out", "OUT"], ["--min-delta must be zero or positive"] },
        { "validation fraction of 1", ["train", "--site", "site", "--validation-fraction", "1", "--out", "OUT"], ["--validation-fraction must be between 0 and 1"] },
        { "dropout of 1", ["train", "--site", "site", "--dropout", "1", "--out", "OUT"], ["--dropout must be in [0, 1)"] },
        { "negative weight decay", ["train", "--site", "site", "--weight-decay", "-0.1", "--out", "OUT"], ["--weight-decay must be zero or positive"] },
        { "zero learning rate", ["train", "--site", "site", "--learning-rate", "0", "--out", "OUT"], ["--learning-rate must be positive"] },
        { "confidence below one half", ["validate", "--model", "model.onnx", "--site", "site", "--confidence", "0.4", "--out", "OUT"], ["confidence level must be between 0.5 and 1", "0.4"] },
        { "positive class not a label", ["train", "--site", "site", "--positive-class", "nope", "--out", "OUT"], ["--positive-class 'nope' is not a label"] },
        { "unknown device for the demo", ["demo", "--device", "tpu", "--out", "OUT"], ["--device 'tpu' is not a device"] },
        { "unknown demo modality", ["demo", "--modality", "audio", "--out", "OUT"], ["--modality 'audio' is not one of tabular, ecg, image"] },
        { "even convolution kernel", ["train", "--site", "site", "--kernel", "4", "--out", "OUT"], ["--kernel must be an odd number from 1 to 31"] },
        { "zero convolution width", ["train", "--site", "site", "--conv", "16,0", "--out", "OUT"], ["--conv '16,0' is not a list of layer widths"] },
        { "negative sampling rate", ["train", "--site", "site", "--sampling-rate", "-250", "--out", "OUT"], ["--sampling-rate must be a positive number of samples per second"] },
        { "CutMix on tabular rows", ["train", "--site", "site", "--cutmix", "1", "--out", "OUT"], ["cutmix"] },
        { "missing criteria file", ["validate", "--model", "model.onnx", "--site", "site", "--criteria", "none.json", "--out", "OUT"], ["none.json", "criteria file not found"] },
        { "one site twice in validation", ["validate", "--model", "model.onnx", "--site", "site", "--site", "site", "--out", "OUT"], ["two sites are named 'site'"] },
        { "one site twice in training", ["train", "--site", "site", "--site", "site", "--out", "OUT"], ["two training sites are named 'site'"] },
        { "unknown augmentation", ["train", "--site", "site", "--augment", "flip:0.5", "--out", "OUT"], ["--augment 'flip:0.5'", "'flip:0.5' is not an augmentation"] },
        { "missing-value augmentation of 1", ["train", "--site", "site", "--augment", "noise:0.05,missing:1", "--out", "OUT"], ["'missing:1' is not an augmentation"] },
        { "period start that is no date", ["train", "--site", "site", "--from", "2019-13-01", "--out", "OUT"], ["--from '2019-13-01' is not a date"] },
        { "period that ends before it starts", ["train", "--site", "site", "--from", "2020-01-01", "--until", "2019-01-01", "--out", "OUT"], ["--from must be on or before --until"] },
        { "unknown monitor", ["train", "--site", "site", "--monitor", "accuracy", "--out", "OUT"], ["--monitor must be val_loss or val_auroc"] },
        { "minimum beyond the epoch limit", ["train", "--site", "site", "--epochs", "10", "--min-epochs", "20", "--out", "OUT"], ["--min-epochs must be from 0 to --epochs"] },
        { "unknown schedule", ["train", "--site", "site", "--lr-schedule", "step", "--out", "OUT"], ["--lr-schedule must be none, cosine or plateau"] },
        { "negative mixup", ["train", "--site", "site", "--mixup", "-1", "--out", "OUT"], ["--mixup must be from 0 (off) to 10"] },
        { "categorical column that is no feature", ["train", "--site", "site", "--categorical", "x,z", "--out", "OUT"], ["categorical names 'z', which is not a feature", "(x, y)"] },
        { "categorical column named twice", ["train", "--site", "site", "--categorical", "x,x", "--out", "OUT"], ["--categorical names 'x' twice"] },
        { "empty categorical column name", ["train", "--site", "site", "--categorical", "x,,y", "--out", "OUT"], ["--categorical 'x,,y' has an empty column name"] },
        { "measurement named categorical", ["train", "--site", "heart", "--positive-class", "disease", "--categorical", "cp,oldpeak", "--out", "OUT"], ["manifest.csv:2:12:", "'oldpeak' is a categorical feature, but 2.3 is not an integer code", "leave 'oldpeak' out of categorical"] },
        { "categorical column with too many levels", ["train", "--site", "heart", "--positive-class", "disease", "--categorical", "chol", "--out", "OUT"], ["categorical feature 'chol' has", "distinct values", "more than the 64 levels"] },
        { "creation time that is no time", ["train", "--site", "site", "--created-utc", "yesterday", "--out", "OUT"], ["--created-utc 'yesterday' is not a time"] },
        { "missing site", ["train", "--site", "nowhere", "--out", "OUT"], ["nowhere", "site folder not found"] },
        { "missing model", ["validate", "--model", "none.onnx", "--site", "site", "--out", "OUT"], ["none.onnx", "model file not found"] },
        { "periods of a site without dates", ["validate", "--model", "model.onnx", "--site", "heart", "--by", "year", "--out", "OUT"], ["cleveland/manifest.csv: --by year needs each row's date, but this manifest has no 'date' column", "Add a 'date' column (YYYY-MM-DD) to the manifest, or leave out --by year"] },
        { "unknown period", ["validate", "--model", "model.onnx", "--site", "site", "--by", "week", "--out", "OUT"], ["--by 'week' is not a period", "Write --by year, --by quarter or --by month"] },
        { "window start that is no date", ["validate", "--model", "model.onnx", "--site", "site", "--from", "2019-02-30", "--out", "OUT"], ["--from '2019-02-30' is not a date", "Write --from YYYY-MM-DD"] },
        { "window end that is no date", ["validate", "--model", "model.onnx", "--site", "site", "--to", "31/12/2020", "--out", "OUT"], ["--to '31/12/2020' is not a date", "Write --to YYYY-MM-DD"] },
        { "window that ends before it starts", ["validate", "--model", "model.onnx", "--site", "site", "--from", "2021-01-01", "--to", "2020-01-01", "--out", "OUT"], ["--from must be on or before --to (--from 2021-01-01 is after --to 2020-01-01)", "Change --from or --to"] },
        { "window holding no row", ["validate", "--model", "model.onnx", "--site", "dated", "--from", "2030-01-01", "--by", "month", "--out", "OUT"], ["dated/manifest.csv: no row of this manifest is dated within --from/--to (2030-01-01 to any): 60 rows dated outside it, 0 rows without a date", "Widen --from/--to, or leave this site out"] },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Bad_command_lines_fail_cleanly(string why, string[] args, string[] expected)
    {
        using var temp = new TempFolder();
        temp.WriteSite("site", Valid);
        DatedHeartSite.Write(temp.Combine("dated"), firstYear: 2019, years: 2, rowsPerYear: 30, noisePerYear: 0, undatedEvery: 0, seed: 1);
        File.Copy(heart.ModelPath, temp.Combine("model.onnx"));
        string[] resolved = args.Select(a => a switch
        {
            "site" or "dated" or "nowhere" or "model.onnx" or "none.onnx" or "none.json" => temp.Combine(a),
            "OUT" => temp.Combine("out"),
            "heart" => RepoPaths.Sites("heart", "cleveland"),
            _ => a,
        }).ToArray();

        CliAssert.CleanFailure(CliRunner.Run(resolved), temp.Path, "out", expected);
        Assert.NotNull(why);
    }

    private static readonly Encoding Latin1 = Encoding.Latin1;

    /// <summary>Training manifests as bytes (encodings matter here), with what the one error line must say.</summary>
    public static TheoryData<string, byte[], string[]> TrainingManifests => new()
    {
        { "Latin-1 header", Latin1.GetBytes("id,label,âge,y\n" + Valid[Valid.IndexOf('\n')..].TrimStart('\n')), ["manifest.csv:1:", "byte 10 of this line", "not valid UTF-8", "Save it as UTF-8"] },
        { "Latin-1 cell on line 3", Latin1.GetBytes(Valid.Replace("2,1,2,3", "2,1,2,3é")), ["manifest.csv:3:", "0xE9", "not valid UTF-8"] },
        { "UTF-16 file", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Valid)).ToArray(), ["manifest.csv:1:", "not valid UTF-8"] },
        { "truncated character at the end", Encoding.UTF8.GetBytes(Valid).Concat(new byte[] { 0xC3 }).ToArray(), ["manifest.csv:14:", "not valid UTF-8"] },
        { "feature missing in every row", Encoding.UTF8.GetBytes(string.Join("\n", Valid.Split('\n').Select((l, i) => l.Length == 0 ? l : i == 0 ? l + ",chol" : l + ",?"))), ["feature 'chol' is missing in every one of the 12 training rows", "Remove the column"] },
        { "class with one patient", Encoding.UTF8.GetBytes(Valid + "13,2,1,1\n"), ["at least 5 patients of each class", "'2' has 1", "--cv"] },
        { "only one class", Encoding.UTF8.GetBytes("id,label,x\n1,a,1\n2,a,2\n"), ["only one class"] },
    };

    [Theory]
    [MemberData(nameof(TrainingManifests))]
    public void Bad_training_manifests_fail_cleanly(string why, byte[] manifest, string[] expected)
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("site"));
        File.WriteAllBytes(temp.Combine("site", "manifest.csv"), manifest);

        var result = CliRunner.Run("train", "--site", temp.Combine("site"), "--out", temp.Combine("out"), "--device", "cpu", "--epochs", "2");

        CliAssert.CleanFailure(result, temp.Path, "out", expected);
        Assert.True(result.Errors.Length < 600, $"{why}: the error line is {result.Errors.Length} characters long");
    }

    [Fact]
    public void A_ten_megabyte_cell_is_cut_in_the_error_line()
    {
        // (not theory data: xUnit would serialise ten megabytes at discovery)
        byte[] manifest = Encoding.UTF8.GetBytes(Valid.Replace("3,0,1,4", "3,0," + new string('z', 10_000_000) + ",4"));
        Bad_training_manifests_fail_cleanly("a ten-megabyte cell", manifest, ["manifest.csv:4:3:", "characters left out", "is not a number"]);
    }

    [Fact]
    public void A_latin1_validation_manifest_fails_cleanly_naming_the_line()
    {
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.Sites("heart", "switzerland", "manifest.csv"));
        lines[4] = lines[4].Replace(",", ",\u00e9", StringComparison.Ordinal)[..lines[4].Length]; // an é within line 5
        Directory.CreateDirectory(temp.Combine("site"));
        File.WriteAllBytes(temp.Combine("site", "manifest.csv"), Latin1.GetBytes(string.Join("\n", lines) + "\n"));

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", temp.Combine("site"), "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", ["manifest.csv:5:", "not valid UTF-8"]);
    }

    /// <summary>Switzerland's manifest (the heart model's features) broken one way each, for validation.</summary>
    public static TheoryData<string, string[]> BrokenValidationManifests()
    {
        string[] Lines() => File.ReadAllLines(RepoPaths.Sites("heart", "switzerland", "manifest.csv"));
        string Join(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";
        string Edit(int line, Func<string[], string[]> edit) { var l = Lines(); l[line] = string.Join(",", edit(l[line].Split(','))); return Join(l); }
        var lines = Lines();
        return new TheoryData<string, string[]>
        {
            { Edit(3, c => { c[1] = "maybe"; return c; }), ["manifest.csv:4:2:", "label 'maybe' is not one of the model's classes"] },
            { Edit(0, c => c.Where(x => x != "chol").ToArray()), ["manifest.csv:1:", "chol"] },
            { Edit(0, c => [.. c, "bmi"]), ["manifest.csv:1:", "bmi"] },
            { Edit(0, c => { c[2] = "sex"; return c; }), ["manifest.csv:1:", "'sex' appears twice"] },
            { Edit(2, c => { c[0] = ""; return c; }), ["manifest.csv:3:1:", "the id is empty"] },
            { Edit(2, c => { c[1] = " "; return c; }), ["manifest.csv:3:2:", "the label is empty"] },
            { Edit(4, c => { c[2] = "1e39"; return c; }), ["manifest.csv:5:3:", "beyond the float32 range"] },
            { Edit(4, c => { c[2] = "NaN"; return c; }), ["manifest.csv:5:3:", "'NaN'", "is not a number"] },
            { Edit(4, c => { c[2] = "3,5"; return c; }), ["manifest.csv:5:", "cells but the header has"] },
            { Join([lines[0]]), ["manifest.csv:", "header but no rows"] },
            { Join(lines.Take(3).Append(lines[1])), ["manifest.csv:4:1:", "is used again (first on line 2)"] },
            { Join(lines.Select((l, i) => i == 2 ? l.Replace("switzerland-002", "\"switzerland-002") : l)), ["manifest.csv:", "malformed CSV"] },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenValidationManifests))]
    public void Bad_validation_manifests_fail_cleanly(string manifest, string[] expected)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("site", manifest);

        var result = CliRunner.Run("validate", "--model", heart.ModelPath, "--site", site, "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", expected);
    }

    /// <summary>Files passed as --model that are no Harness model.</summary>
    public static TheoryData<string, byte[], string[]> BadModels => new()
    {
        { "empty file", [], ["bad.onnx", "ONNX Runtime cannot load the model"] },
        { "text file", Encoding.UTF8.GetBytes("this is not a model\n"), ["bad.onnx", "ONNX Runtime cannot load the model"] },
        { "manifest passed as model", Encoding.UTF8.GetBytes(Valid), ["bad.onnx", "ONNX Runtime cannot load the model"] },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Bad_model_files_fail_cleanly(string why, byte[] model, string[] expected)
    {
        using var temp = new TempFolder();
        string site = temp.WriteSite("site", Valid);
        File.WriteAllBytes(temp.Combine("bad.onnx"), model);

        var result = CliRunner.Run("validate", "--model", temp.Combine("bad.onnx"), "--site", site, "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", expected);
        Assert.NotNull(why);
    }

    [Fact]
    public void A_truncated_model_fails_cleanly()
    {
        using var temp = new TempFolder();
        byte[] bytes = File.ReadAllBytes(heart.ModelPath);
        File.WriteAllBytes(temp.Combine("bad.onnx"), bytes[..(bytes.Length / 2)]);

        var result = CliRunner.Run("validate", "--model", temp.Combine("bad.onnx"), "--site", RepoPaths.Sites("heart", "switzerland"), "--out", temp.Combine("out"), "--device", "cpu");

        CliAssert.CleanFailure(result, temp.Path, "out", ["bad.onnx"]);
    }
}
