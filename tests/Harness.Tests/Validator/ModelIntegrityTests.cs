using System.Globalization;
using System.Text;
using Google.Protobuf;
using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Tests.Support;
using Harness.Validator;
using Harness.Validator.Inference;
using Harness.Validator.Scoring;

namespace Harness.Tests.Validator;

/// <summary>A model file edited after export is refused; a model whose outputs are not probabilities is never scored.</summary>
[Collection(NativeCollection.Name)]
public sealed class ModelIntegrityTests(HeartModelFixture heart)
{
    private static readonly ValidationOptions Cpu = new() { Device = DeviceRequest.Cpu };

    private Onnx.ModelProto HeartModel() => Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath));

    private static InputException Validating(string model, string site) =>
        Assert.Throws<InputException>(() => ValidationRun.Run(model, [site], Cpu, TextWriter.Null));

    [Fact]
    public void A_card_with_reordered_feature_names_is_refused_as_altered()
    {
        // Given the heart model with its first two feature names swapped in the card
        using var temp = new TempFolder();
        var onnx = HeartModel();
        var entry = onnx.MetadataProps.Single(p => p.Key == ModelCard.Keys.FeatureNames);
        var names = System.Text.Json.JsonSerializer.Deserialize<string[]>(entry.Value)!;
        (names[0], names[1]) = (names[1], names[0]);
        entry.Value = System.Text.Json.JsonSerializer.Serialize(names);
        string model = temp.Combine("swapped.onnx");
        File.WriteAllBytes(model, onnx.ToByteArray());

        // When validated, Then it is refused before anything is scored
        var e = Validating(model, RepoPaths.Sites("heart", "switzerland"));
        Assert.Contains("altered after export", e.Message);
        Assert.Contains("swapped.onnx", e.Message);
    }

    [Fact]
    public void A_changed_weight_is_refused_and_the_untouched_file_is_accepted()
    {
        using var temp = new TempFolder();
        byte[] bytes = File.ReadAllBytes(heart.ModelPath);
        var onnx = HeartModel();
        var weights = onnx.Graph.Initializer.First(t => t.RawData.Length > 0).RawData.ToByteArray();
        int at = bytes.AsSpan().IndexOf(weights);
        Assert.True(at >= 0);
        bytes[at] ^= 1; // the lowest bit of the first float of the first weight matrix
        string model = temp.Combine("edited.onnx");
        File.WriteAllBytes(model, bytes);

        Assert.Contains("altered after export", Validating(model, RepoPaths.Sites("heart", "switzerland")).Message);
        ValidationRun.Run(heart.ModelPath, [RepoPaths.Sites("heart", "switzerland")], Cpu, TextWriter.Null); // the original passes
    }

    [Fact]
    public void A_model_whose_outputs_are_nan_is_refused_naming_the_first_row()
    {
        // Given the heart model with one weight NaN, sealed as the exporter seals (so only its outputs are wrong)
        using var temp = new TempFolder();
        var onnx = HeartModel();
        var tensor = onnx.Graph.Initializer.Last(t => t.Name.EndsWith("_bias", StringComparison.Ordinal)); // the logits' bias
        var raw = tensor.RawData.ToByteArray();
        BitConverter.GetBytes(float.NaN).CopyTo(raw, 0);
        tensor.RawData = ByteString.CopyFrom(raw);
        onnx.MetadataProps.Single(p => p.Key == ModelDigest.Key).Value = ModelDigest.Placeholder;
        byte[] bytes = onnx.ToByteArray();
        ModelDigest.Seal(bytes);
        string model = temp.Combine("nan.onnx");
        File.WriteAllBytes(model, bytes);

        // When validated, Then the first row's line is named and nothing is scored
        var e = Validating(model, RepoPaths.Sites("heart", "switzerland"));
        Assert.Contains("manifest.csv:2:", e.Message);
        Assert.Contains("not a probability distribution", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Theory]
    [InlineData(new[] { 0.25f, 0.75f }, null)]
    [InlineData(new[] { 0.2f, 0.3f, 0.5f }, null)]
    [InlineData(new[] { float.NaN, 0.5f }, "class 1 has probability NaN")]
    [InlineData(new[] { 0.5f, float.PositiveInfinity }, "class 2 has probability")]
    [InlineData(new[] { -0.1f, 1.1f }, "outside [0, 1]")]
    [InlineData(new[] { 0.4f, 0.4f }, "sum to 0.8")]
    public void Probability_rows_are_checked(float[] p, string? problem)
    {
        string? found = SiteScorer.NotADistribution(p);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }
}
