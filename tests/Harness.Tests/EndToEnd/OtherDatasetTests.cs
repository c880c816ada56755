using Harness.Tests.Support;
using Harness.Results;

namespace Harness.Tests.EndToEnd;

/// <summary>
/// A second real dataset (Wisconsin Diagnostic Breast Cancer: other columns, other labels) goes
/// through train and validate as site folders, with no code change.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class OtherDatasetTests
{
    [Fact]
    public void Wdbc_sites_with_their_own_column_names_train_and_validate_unchanged()
    {
        // Given two sites cut from WDBC by row parity; site B's columns are in reverse order
        using var temp = new TempFolder();
        var lines = File.ReadAllLines(RepoPaths.TestData("wdbc", "wdbc.csv"));
        var rows = lines.Skip(1).ToList();
        temp.WriteSite("wisconsin-a", string.Join("\n", [lines[0], .. rows.Where((_, i) => i % 2 == 0)]) + "\n");
        string[] Reverse(string line) => line.Split(',').Reverse().ToArray();
        temp.WriteSite("wisconsin-b", string.Join("\n", rows.Where((_, i) => i % 2 == 1).Prepend(lines[0]).Select(l => string.Join(",", Reverse(l)))) + "\n");

        // When training on A (labels benign/malignant: the positive class is inferred) and validating on B
        var train = CliRunner.Run("train", "--site", temp.Combine("wisconsin-a"), "--out", temp.Combine("run"), "--device", "cpu");
        var validate = CliRunner.Run("validate", "--model", temp.Combine("run", "model.onnx"), "--site", temp.Combine("wisconsin-b"),
            "--out", temp.Combine("validation"), "--device", "cpu");

        // Then both succeed and the model separates the classes at the other site
        Assert.True(train.ExitCode == 0, train.Errors);
        Assert.True(validate.ExitCode == 0, validate.Errors);
        var results = ResultsJson.Read(temp.Combine("validation", "results.json"));
        var site = Assert.Single(results.Sites);
        Assert.Equal("malignant", results.Model.PositiveClass);
        Assert.Equal(30, results.Model.FeatureNames.Count);
        Assert.Contains("mean_radius", results.Model.FeatureNames);
        Assert.Equal(284, site.N);
        Assert.True(site.Metrics["auroc"].Value > 0.95, $"AUROC {site.Metrics["auroc"].Value}");
    }
}
