using Google.Protobuf;
using Harness.Core;
using Harness.Core.Inputs;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Trainer.Export;
using Harness.Trainer.Model;
using Harness.Tests.Support;
using Harness.Validator.Inference;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harness.Tests.Export;

/// <summary>
/// Signal (1-D) and image (2-D) convolutional classifiers exported to ONNX: ONNX Runtime computes
/// what TorchSharp's eval-mode forward computes, batch normalisation's running statistics included,
/// at batch 1 and at batch 16; each new block's emitter against the block alone; the graph's
/// contract (input names and shapes, no integer initializers, node names from block names).
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class ConvExportTests(ITestOutputHelper log)
{
    private const float Tolerance = 1e-4f;
    private const int Classes = 3, Examples = 16;

    /// <summary>A signal (height = samples, width 0) or image spec with per-channel statistics that differ by channel.</summary>
    internal static InputSpec Spec(InputKind kind, int channels, int height, int width = 0) => new()
    {
        Kind = kind,
        Channels = kind == InputKind.Signal ? [.. Enumerable.Range(0, channels).Select(c => $"lead{c}")]
            : channels == 1 ? [InputSpec.Grey] : InputSpec.Rgb,
        Length = kind == InputKind.Signal ? height : null,
        SamplingRateHz = kind == InputKind.Signal ? 250 : null,
        Height = kind == InputKind.Image ? height : null,
        Width = kind == InputKind.Image ? width : null,
        ChannelMean = [.. Enumerable.Range(0, channels).Select(c => 0.2 + 0.1 * c)],
        ChannelStd = [.. Enumerable.Range(0, channels).Select(c => 0.5 + 0.25 * c)],
    };

    /// <summary>
    /// A model as training leaves it: random weights, batch normalisation with running statistics
    /// from a few train-mode forwards (of inputs far from mean 0, SD 1) and random affine parameters,
    /// a head scaled up so that examples' probabilities spread well away from 1/3, a fitted
    /// temperature; in eval mode.
    /// </summary>
    private static ConvClassifier TrainedLooking(InputSpec spec, int seed)
    {
        manual_seed(seed);
        var model = new ConvClassifier(spec, ConvArchitecture.Default(spec.Kind), Classes);
        model.train();
        using (no_grad())
        {
            for (int i = 0; i < 5; i++)
            {
                using var scope = NewDisposeScope();
                model.forward(randn([8, .. model.ExampleShape]) * 3 + 2);
            }
            foreach (var norm in model.Blocks.Select(b => b.Block).OfType<BatchNorm>())
            {
                norm.weight!.uniform_(0.5, 1.5);
                norm.bias!.normal_(0, 0.3);
            }
            ((TorchSharp.Modules.Linear)model.Blocks[^1].Block).weight!.mul_(20);
        }
        model.Calibration.Value = 1.7;
        model.eval();
        return model;
    }

    /// <summary>
    /// Decoded-looking examples, flattened, each with its own level so that the network (whose global
    /// pool averages noise away) scores them differently: images in [0, 1], brighter or darker by a
    /// power of the noise; signals Gaussian noise with a per-example offset and scale.
    /// </summary>
    private static float[] Inputs(InputSpec spec, int count, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return [.. Enumerable.Range(0, count).SelectMany(_ =>
        {
            double level = random.NextDouble() * 2 - 1;
            return Enumerable.Range(0, spec.Size).Select(_ => spec.Kind == InputKind.Image
                ? (float)Math.Pow(random.NextDouble(), Math.Exp(1.5 * level))
                : (float)(2 * level + Gaussian() * Math.Exp(level)));
        })];
    }

    private static ModelCard Card(InputSpec spec) => new()
    {
        HarnessVersion = "test",
        CreatedUtc = DateTimeOffset.UnixEpoch,
        FeatureNames = [],
        Input = spec,
        ClassNames = ["normal", "af", "other"],
        TrainingSites = [new TrainingSite("north", 100, "manifest-north")],
        Development = new DevelopmentEvaluation("test", 10, new Dictionary<string, int>(), new MetricSet()),
        TrainingConfig = [],
    };

    private static InferenceSession Session(byte[] model)
    {
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options) return new InferenceSession(model, options);
    }

    private static float[] Run(InferenceSession session, string input, float[] values, long[] shape, string output)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(values, shape);
        using var outputs = session.Run(new RunOptions(), [input], [value], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float WorstDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
    }

    [Theory]
    [InlineData(InputKind.Signal, 3, 250, 0)]
    [InlineData(InputKind.Image, 1, 32, 32)]
    [InlineData(InputKind.Image, 3, 32, 32)]
    [InlineData(InputKind.Signal, 2, 9, 0)] // too short for the third pool
    [InlineData(InputKind.Image, 1, 5, 12)] // too low for the second pool
    public void OnnxRuntime_probabilities_equal_TorchSharp_eval_probabilities_at_batch_1_and_16(InputKind kind, int channels, int height, int width)
    {
        // Given a model with non-trivial running statistics, and 16 examples
        var spec = Spec(kind, channels, height, width);
        using var model = TrainedLooking(spec, seed: channels * 100 + height);
        var norms = model.Blocks.Select(b => b.Block).OfType<BatchNorm>().ToList();
        Assert.All(norms, n => Assert.True((n.running_var! - 1).abs().max().item<float>() > 0.1f, "running variance still 1"));
        Assert.All(norms, n => Assert.Equal(5L, n.num_batches_tracked!.item<long>()));
        float[] inputs = Inputs(spec, Examples, seed: 7);

        // When TorchSharp (eval mode) and ONNX Runtime score them, all together and one by one
        float[] torchP = model.PredictProbabilities(inputs, spec.Size, CPU);
        float[] torchLogits = model.PredictLogits(inputs, spec.Size, CPU);
        using var session = Session(OnnxExport.Build(model, Card(spec)).ToByteArray());
        string input = ModelContract.InputName(kind);
        long[] shape = [Examples, .. model.ExampleShape];
        float[] batched = Run(session, input, inputs, shape, ModelContract.ProbabilitiesOutput);
        float[] logits = Run(session, input, inputs, shape, ModelContract.LogitsOutput);
        float[] single = [.. Enumerable.Range(0, Examples).SelectMany(i =>
            Run(session, input, inputs[(i * spec.Size)..((i + 1) * spec.Size)], [1, .. model.ExampleShape], ModelContract.ProbabilitiesOutput))];

        // Then every probability agrees within 1e-4, and every logit within 1e-4 relative to its size,
        float worstBatched = WorstDifference(torchP, batched), worstSingle = WorstDifference(torchP, single);
        float worstLogit = torchLogits.Zip(logits, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(a))).Max();
        double spread = Enumerable.Range(0, Classes).Max(c => torchP.Where((_, i) => i % Classes == c).Max() - torchP.Where((_, i) => i % Classes == c).Min());
        log.WriteLine($"{kind} {string.Join("x", model.ExampleShape)}: largest |ORT - TorchSharp| {worstBatched:g3} at batch 16, {worstSingle:g3} at batch 1, "
            + $"relative logit difference {worstLogit:g3}; logits {torchLogits.Min():g3} to {torchLogits.Max():g3}, probabilities spread over {spread:g3}");
        Assert.True(worstBatched <= Tolerance, $"batch 16: largest difference {worstBatched:g3}");
        Assert.True(worstSingle <= Tolerance, $"batch 1: largest difference {worstSingle:g3}");
        Assert.True(worstLogit <= Tolerance, $"logits: largest relative difference {worstLogit:g3}");
        // and the examples' probabilities spread widely (so the test can fail)
        Assert.True(spread > 0.03, "the examples are scored alike");
    }

    [Fact]
    public void A_pool_is_left_out_where_it_would_leave_fewer_than_two_positions()
    {
        // 9 samples -> pool0 -> 4 -> pool1 -> 2, where a third pool would leave 1;
        // a 5 x 12 image -> pool0 -> 2 x 6, where a second pool would leave 1 row
        using var signal = new ConvClassifier(Spec(InputKind.Signal, 2, 9), ConvArchitecture.Default(InputKind.Signal), Classes);
        using var image = new ConvClassifier(Spec(InputKind.Image, 1, 5, 12), ConvArchitecture.Default(InputKind.Image), Classes);

        Assert.Equal(["pool0", "pool1"], signal.Blocks.Select(b => b.Name).Where(n => n.StartsWith("pool")));
        Assert.Equal(["pool0"], image.Blocks.Select(b => b.Name).Where(n => n.StartsWith("pool")));
        Assert.Equal(["normalise", "conv0", "bn0", "relu0", "pool0", "conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "gap", "flatten", "dropout", "head"],
            image.Blocks.Select(b => b.Name));
    }

    [Theory]
    // By hand, kernel k, d spatial axes, 2 classes: convolutions (no bias) c0*16*k^d + 16*32*k^d + 32*64*k^d,
    // batch norms 2 * (16 + 32 + 64) = 224, head 64 * 2 + 2 = 130.
    [InlineData(InputKind.Signal, 3, 2500, 0, 3 * 16 * 7 + 16 * 32 * 7 + 32 * 64 * 7 + 224 + 130)] // 18,610
    [InlineData(InputKind.Image, 1, 64, 64, 1 * 16 * 9 + 16 * 32 * 9 + 32 * 64 * 9 + 224 + 130)] // 23,538
    public void The_default_models_have_the_parameters_counted_by_hand(InputKind kind, int channels, int height, int width, long expected)
    {
        using var model = new ConvClassifier(Spec(kind, channels, height, width), ConvArchitecture.Default(kind), 2);

        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void The_graph_reads_the_documented_input_and_holds_no_batch_counter()
    {
        // Given a signal model exported
        var spec = Spec(InputKind.Signal, 3, 250);
        using var model = TrainedLooking(spec, seed: 1);
        var onnx = OnnxExport.Build(model, Card(spec));

        // Then its input is "signal" [batch, 3, 250], its nodes are named after the blocks, in order,
        var input = onnx.Graph.Input.Single();
        Assert.Equal(ModelContract.SignalInput, input.Name);
        Assert.Equal(["batch", "", ""], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        Assert.Equal([0, 3, 250], input.Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([ModelContract.LogitsOutput, ModelContract.ProbabilitiesOutput], onnx.Graph.Output.Select(o => o.Name));
        string[] stage = ["Conv", "BatchNormalization", "Relu", "MaxPool"];
        Assert.Equal(["Sub", "Div", .. stage, .. stage, .. stage, "GlobalAveragePool", "Flatten", "Gemm", "Div", "Softmax"],
            onnx.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["normalise_centred", "normalise_scaled", "conv0", "bn0", "relu0", "pool0"], onnx.Graph.Node.Take(6).Select(n => n.Output.Single()));
        Assert.StartsWith("Decoded signals [batch, channels, samples] -> normalise (per-channel (x - mean) / std) -> conv0 -> bn0 -> relu0 -> pool0 -> conv1", onnx.Graph.DocString);
        // and its constants are all float: weights, batch-norm statistics, the normalisation, the temperature, no num_batches_tracked
        Assert.All(onnx.Graph.Initializer, t => Assert.Equal((int)TensorProto.Types.DataType.Float, t.DataType));
        Assert.DoesNotContain(onnx.Graph.Initializer, t => t.Name.Contains("num_batches"));
        Assert.Equal(2 + 3 * 5 + 2 + 1, onnx.Graph.Initializer.Count);
        Assert.Equal([3, 1], onnx.Graph.Initializer.Single(t => t.Name == "normalise_mean").Dims);
    }

    [Fact]
    public void An_input_spec_that_does_not_match_the_model_is_refused()
    {
        using var model = new ConvClassifier(Spec(InputKind.Image, 1, 32, 32), ConvArchitecture.Default(InputKind.Image), Classes);

        Assert.Throws<ArgumentException>(() => OnnxExport.Build(model, Card(Spec(InputKind.Image, 3, 32, 32))));
        Assert.Throws<ArgumentException>(() => model.PredictLogits(new float[2 * 1024], 512, CPU));
    }

    [PythonFact("onnx")]
    public void The_onnx_checker_accepts_signal_and_image_models_with_full_shape_inference()
    {
        using var folder = new TempFolder();
        foreach (var spec in new[] { Spec(InputKind.Signal, 3, 250), Spec(InputKind.Image, 3, 32, 32) })
        {
            using var model = TrainedLooking(spec, seed: 2);
            string path = folder.Combine($"{spec.Kind}.onnx");
            OnnxExport.Save(OnnxExport.Build(model, Card(spec)), path);

            var (exit, output) = IndependentChecks.CheckOnnx(path);

            Assert.True(exit == 0, output);
            Assert.Contains(spec.Kind == InputKind.Signal ? "signal: tensor(FLOAT) [batch, 3, 250]" : "image: tensor(FLOAT) [batch, 3, 32, 32]", output);
        }
    }
}
