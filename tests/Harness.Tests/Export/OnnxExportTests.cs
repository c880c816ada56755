using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Tests.Support;
using Harness.Validator.Inference;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harness.Tests.Export;

/// <summary>The export is correct when ONNX Runtime computes what TorchSharp computes, row by row.</summary>
[Collection(NativeCollection.Name)]
public sealed class OnnxExportTests(HeartModelFixture heart, ITestOutputHelper log)
{
    private const float Tolerance = 1e-5f;

    public static TheoryData<string> AllSites => new() { "cleveland", "hungary", "switzerland", "va-long-beach" };

    [Theory]
    [MemberData(nameof(AllSites))]
    public void OnnxRuntime_probabilities_equal_TorchSharp_eval_probabilities_on_every_row(string siteName)
    {
        // Given every row of a site, raw (NaN where missing; Switzerland has no cholesterol at all)
        var site = SiteData.Load(SiteFolder.Open(RepoPaths.Sites("heart", siteName)));
        var card = heart.Outcome.Card;
        int[] columnOf = site.Schema.AlignTo(card.FeatureNames, site.Site.ManifestPath, "the model");
        int width = card.FeatureNames.Count;
        var features = new float[site.Rows.Count * width];
        for (int r = 0; r < site.Rows.Count; r++)
            for (int f = 0; f < width; f++) features[r * width + f] = site.Rows[r].Features[columnOf[f]];
        Assert.Contains(features, float.IsNaN);

        // When TorchSharp (eval mode) and ONNX Runtime (CPU) score them
        float[] torchP = heart.Outcome.Network.Model.PredictProbabilities(features, width, CPU);
        using var session = Session(heart.ModelPath);
        using var input = OrtValue.CreateTensorValueFromMemory(features, [site.Rows.Count, width]);
        using var outputs = session.Run(new RunOptions(), [ModelContract.FeaturesInput], [input], [ModelContract.ProbabilitiesOutput]);
        float[] ortP = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        // Then every probability agrees within 1e-5
        Assert.Equal(torchP.Length, ortP.Length);
        float worst = torchP.Zip(ortP, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"{siteName}: {site.Rows.Count} rows, largest |ORT - TorchSharp| = {worst:g3}");
        Assert.True(worst <= Tolerance, $"largest difference {worst:g3} at {siteName}");
    }

    /// <summary>A CPU session made as the validator makes it: ONNX Runtime's environment gets Harness's logger, whichever test runs first.</summary>
    private static InferenceSession Session(string model)
    {
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options) return new InferenceSession(model, options);
    }

    [Fact]
    public void Logits_and_probabilities_are_consistent_and_rows_sum_to_one()
    {
        using var session = Session(heart.ModelPath);
        float[] rows = [63, 1, 1, 145, 233, 1, 2, 150, 0, 2.3f, 3, 0, 6, float.NaN, 1, 4, 120, float.NaN, 0, 0, 170, 1, 1, float.NaN, float.NaN, float.NaN];
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [2, 13]);
        using var outputs = session.Run(new RunOptions(), [ModelContract.FeaturesInput], [input],
            [ModelContract.LogitsOutput, ModelContract.ProbabilitiesOutput]);
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        var p = outputs[1].GetTensorDataAsSpan<float>().ToArray();

        double t = heart.Outcome.Card.Calibration!.Temperature;
        Assert.NotEqual(1.0, t); // fitted, so the division is exercised
        for (int r = 0; r < 2; r++)
        {
            // softmax of the logits over the temperature by hand: p1 = 1 / (1 + exp((z0 - z1) / T))
            double expected = 1 / (1 + Math.Exp((logits[r * 2] - logits[r * 2 + 1]) / t));
            Assert.Equal(expected, p[r * 2 + 1], 1e-6);
            Assert.Equal(1.0, p[r * 2] + p[r * 2 + 1], 1e-6);
        }
    }

    [Fact]
    public void Graph_uses_opset_17_ir_version_8_float_inputs_and_the_documented_names()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath));

        Assert.Equal(8, model.IrVersion);
        Assert.Equal(17, model.OpsetImport.Single(o => o.Domain == "").Version);
        var input = model.Graph.Input.Single();
        Assert.Equal(ModelContract.FeaturesInput, input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(13, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal([ModelContract.LogitsOutput, ModelContract.ProbabilitiesOutput], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(["IsNaN", "Where", "Sub", "Div", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Div", "Softmax"], model.Graph.Node.Select(n => n.OpType));
        Assert.All(model.Graph.Initializer, t => Assert.Equal((int)TensorProto.Types.DataType.Float, t.DataType));
    }

    [Fact]
    public void Preprocessing_constants_in_the_graph_are_the_training_split_statistics()
    {
        // Independent recomputation: medians of the training rows (NaNs ignored), straight from the data
        var data = heart.Outcome.Data;
        var train = heart.Outcome.ExportedFitRows;
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(heart.ModelPath));
        float[] graphMedians = Floats(model.Graph.Initializer.Single(t => t.Name == "impute_median"));

        for (int f = 0; f < data.ExampleSize; f++)
        {
            var observed = train.Select(r => data.Features[r * data.ExampleSize + f]).Where(v => !float.IsNaN(v)).Order().ToList();
            double median = observed.Count % 2 == 1 ? observed[observed.Count / 2]
                : (observed[observed.Count / 2 - 1] + (double)observed[observed.Count / 2]) / 2;
            Assert.Equal((float)median, graphMedians[f]);
        }
    }

    [Fact]
    public void Metadata_carries_the_model_card_and_round_trips()
    {
        using var session = Session(heart.ModelPath);
        var metadata = session.ModelMetadata.CustomMetadataMap;

        var card = ModelCard.FromMetadata(metadata, heart.ModelPath);

        var expected = heart.Outcome.Card;
        Assert.Equal(expected.FeatureNames, card.FeatureNames);
        Assert.Equal(["no_disease", "disease"], card.ClassNames);
        Assert.Equal("disease", card.PositiveClass);
        Assert.Equal(["cleveland", "hungary"], card.TrainingSites.Select(s => s.Name));
        Assert.Equal([303, 294], card.TrainingSites.Select(s => s.Rows));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(RepoPaths.Sites("heart", "cleveland", "manifest.csv")))), card.TrainingSites[0].ManifestSha256);
        Assert.Equal(expected.Development.N, card.Development.N);
        foreach (var (name, value) in expected.Development.Metrics)
            Assert.Equal(value.Value, card.Development.Metrics[name].Value);
        Assert.Equal(HarnessInfo.Version, card.HarnessVersion);
        Assert.Equal(0.01, card.TrainingConfig["optimiser"]!["weight_decay"]!.GetValue<double>());
        Assert.Equal(0.1, card.TrainingConfig["targets"]!["label_smoothing"]!.GetValue<double>());
        Assert.True(DateTimeOffset.UtcNow - card.CreatedUtc < TimeSpan.FromHours(1));
        Assert.Equal(ModelCard.FormatVersion, card.Format);
        Assert.Equal(expected.OperatingPoint, card.OperatingPoint);
        Assert.Equal(expected.FeatureMissingRates, card.FeatureMissingRates);
        // the development predictions survive their binary encoding bit for bit
        var stored = card.DevelopmentPredictions!;
        Assert.Equal(expected.DevelopmentPredictions!.Labels, stored.Labels);
        Assert.Equal(expected.DevelopmentPredictions.Probabilities, stored.Probabilities);
        Assert.Equal(expected.DevelopmentPredictions.Clusters, stored.Clusters);
        Assert.Equal(expected.Development.N, stored.Count);
    }

    [Fact]
    public void A_format_1_card_is_read_without_development_predictions()
    {
        // Given the card's metadata as format 1 wrote it: no predictions, threshold or missing rates
        var metadata = heart.Outcome.Card.ToMetadata()
            .Where(kv => kv.Key is not (ModelCard.Keys.DevelopmentPredictions or ModelCard.Keys.OperatingPoint or ModelCard.Keys.FeatureMissingRates or ModelDigest.Key))
            .ToDictionary(kv => kv.Key, kv => kv.Key == ModelCard.Keys.Format ? ModelCard.LegacyFormatVersion : kv.Value);

        // When read
        var card = ModelCard.FromMetadata(metadata, "model.onnx");

        // Then it is format 1, with its development metrics and nothing else
        Assert.Equal("1", card.Format);
        Assert.Null(card.DevelopmentPredictions);
        Assert.Null(card.OperatingPoint);
        Assert.Equal(heart.Outcome.Card.Development.Metrics["auroc"].Value, card.Development.Metrics["auroc"].Value);
    }

    [Fact]
    public void An_unknown_card_format_is_refused_naming_the_formats_read()
    {
        var metadata = heart.Outcome.Card.ToMetadata().ToDictionary(kv => kv.Key, kv => kv.Key == ModelCard.Keys.Format ? "9" : kv.Value);
        var e = Assert.Throws<InputException>(() => ModelCard.FromMetadata(metadata, "model.onnx"));
        Assert.Contains("'9'", e.Message);
        Assert.Contains("'1', '2', '3'", e.Message);
    }

    [PythonFact("onnx")]
    public void The_onnx_checker_accepts_the_model_with_full_shape_inference()
    {
        var (exit, output) = IndependentChecks.CheckOnnx(heart.ModelPath);

        Assert.True(exit == 0, output);
    }

    private static float[] Floats(TensorProto tensor) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
}
