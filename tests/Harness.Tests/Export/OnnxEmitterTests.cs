using Google.Protobuf;
using Harness.Core;
using Harness.Trainer.Data;
using Harness.Trainer.Export;
using Harness.Trainer.Model;
using Harness.Tests.Support;
using Harness.Validator.Inference;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Harness.Tests.Export;

/// <summary>
/// Each block's emitter against the block itself: random weights and inputs (NaNs included), one
/// block per graph, ONNX Runtime's output equal to TorchSharp's eval-mode forward within 1e-5. And
/// the builder's own rules: unique names, opset checks, no block silently skipped.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class OnnxEmitterTests
{
    private const int Rows = 7, Width = 5;

    /// <summary>The block's forward on <paramref name="input"/> and ONNX Runtime's run of its emitted graph.</summary>
    private static (float[] Torch, float[] Onnx) Both(nn.Module<Tensor, Tensor> block, float[] input, int outputWidth) =>
        Both(block, input, Width, outputWidth, out _);

    /// <summary>As above for input rows of <paramref name="width"/> values; <paramref name="ops"/> gets the graph's op types.</summary>
    private static (float[] Torch, float[] Onnx) Both(nn.Module<Tensor, Tensor> block, float[] input, int width, int outputWidth, out string[] ops)
    {
        int rows = input.Length / width;
        block.eval();
        float[] expected;
        using (no_grad()) expected = block.forward(tensor(input, [rows, width])).data<float>().ToArray();

        var graph = new OnnxGraph("one_block", "", 17);
        string x = OnnxEmitters.Emit(graph, "block", block, graph.Input("x", width, ""));
        graph.Rename(x, "y");
        graph.Output("y", outputWidth, "");
        var model = graph.ToModel("test", "");
        ops = model.Graph.Node.Select(n => n.OpType).ToArray();
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options)
        using (var session = new InferenceSession(model.ToByteArray(), options))
        using (var value = OrtValue.CreateTensorValueFromMemory(input, [rows, width]))
        using (var outputs = session.Run(new RunOptions(), ["x"], [value], ["y"]))
            return (expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static float[] RandomInput(int seed, bool withMissing = false)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Rows * Width).Select(i => withMissing && i % 6 == 1 ? float.NaN : (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void Linear_emits_gemm_with_its_weights()
    {
        manual_seed(3);
        using var linear = nn.Linear(Width, 3);
        var (torch, onnx) = Both(linear, RandomInput(1), 3);
        AssertClose(torch, onnx);
    }

    [Fact]
    public void Relu_emits_relu()
    {
        using var relu = nn.ReLU();
        var (torch, onnx) = Both(relu, RandomInput(2), Width);
        AssertClose(torch, onnx);
        Assert.Contains(0f, onnx);
    }

    [Fact]
    public void Preprocessing_imputes_and_standardises_as_the_block_does()
    {
        var random = new Random(4);
        float[] Draw(double scale, double shift) => Enumerable.Range(0, Width).Select(_ => (float)(random.NextDouble() * scale + shift)).ToArray();
        using var block = new Preprocessing(new FeatureStatistics(Draw(2, -1), Draw(2, -1), Draw(1, 0.5)));
        var (torch, onnx) = Both(block, RandomInput(5, withMissing: true), Width);
        AssertClose(torch, onnx);
    }

    [Fact]
    public void Preprocessing_with_categorical_features_one_hot_encodes_as_the_block_does()
    {
        // Given 5 features, 1 and 3 categorical (levels {1, 2, 4} and {0, 3}), and 200 rows whose
        // categorical cells are codes 0-5 (so levels unseen in training too) or missing
        var random = new Random(6);
        var statistics = new FeatureStatistics([0.5f, -1f, 2f], [0.2f, 0.1f, -0.3f], [1.5f, 0.7f, 2f])
        {
            Categorical = [new(1, [1f, 2f, 4f]), new(3, [0f, 3f])],
        };
        using var block = new Preprocessing(statistics);
        const int rows = 200;
        float[] input = Enumerable.Range(0, rows * Width).Select(i =>
            random.Next(7) == 0 ? float.NaN
            : i % Width is 1 or 3 ? random.Next(6)
            : (float)(random.NextDouble() * 4 - 2)).ToArray();
        Assert.Contains(input.Where((_, i) => i % Width == 1), v => v == 5f); // unseen in training
        Assert.Contains(input.Where((_, i) => i % Width == 3), float.IsNaN);

        // When TorchSharp and ONNX Runtime compute it
        var (torch, onnx) = Both(block, input, Width, 3 + 5, out var ops);

        // Then they agree, through the categorical nodes
        AssertClose(torch, onnx, 1e-6);
        Assert.Equal(["Gather", "IsNaN", "Where", "Sub", "Div", "Gather", "Equal", "Cast", "Concat"], ops);
        Assert.Equal(3 + 5, block.EncodedWidth);
    }

    [Fact]
    public void One_hot_columns_are_1_at_the_level_and_0_for_missing_and_unseen_values()
    {
        // Given a numeric feature (median 10, mean 1, SD 2) and a categorical one with levels {1, 2, 4}
        var statistics = new FeatureStatistics([10f], [1f], [2f]) { Categorical = [new(1, [1f, 2f, 4f])] };
        using var block = new Preprocessing(statistics);

        // When rows (3, 2), (NaN, NaN) and (5, 3) go through it
        float[] input = [3, 2, float.NaN, float.NaN, 5, 3];
        var (torch, onnx) = Both(block, input, 2, 4, out _);

        // Then, by hand: (3 - 1) / 2 = 1, (10 - 1) / 2 = 4.5, (5 - 1) / 2 = 2, followed by
        // 2 -> [0, 1, 0]; missing -> [0, 0, 0]; 3, a level training never saw -> [0, 0, 0]
        float[] expected = [1, 0, 1, 0, 4.5f, 0, 0, 0, 2, 0, 0, 0];
        AssertClose(expected, torch, 1e-6);
        AssertClose(expected, onnx, 1e-6);
        // and a missing value preprocesses to: the median standardised, zeros for the one-hot columns
        Assert.Equal([4.5f, 0, 0, 0], block.ImputedStandardised.data<float>().ToArray());
        Assert.Equal([1f, 0, 0, 0], block.NumericMask.data<float>().ToArray());
    }

    [Fact]
    public void Temperature_emits_a_division_of_the_logits_and_none_at_one()
    {
        using var scaling = new TemperatureScaling { Value = 0.7 };
        var input = RandomInput(8);
        var (torch, onnx) = Both(scaling, input, Width, Width, out var ops);
        AssertClose(torch, onnx);
        AssertClose(input.Select(v => (float)(v / 0.7)).ToArray(), onnx); // by hand
        Assert.Equal(["Div"], ops);

        // T = 1 (--calibration none) divides by nothing: the logits pass through, no node
        scaling.Value = 1;
        var graph = new OnnxGraph("one_block", "", 17);
        string x = graph.Input("x", Width, "");
        Assert.Equal(x, OnnxEmitters.Emit(graph, "block", scaling, x));
        Assert.Empty(graph.ToModel("test", "").Graph.Node);
    }

    [Fact]
    public void Dropout_emits_nothing()
    {
        var graph = new OnnxGraph("g", "", 17);
        string x = graph.Input("x", Width, "");
        using var dropout = nn.Dropout(0.5);
        Assert.Equal(x, OnnxEmitters.Emit(graph, "dropout", dropout, x));
    }

    [Fact]
    public void A_block_without_an_emitter_is_an_error()
    {
        var graph = new OnnxGraph("g", "", 17);
        using var sigmoid = nn.Sigmoid();
        var e = Assert.Throws<NotSupportedException>(() => OnnxEmitters.Emit(graph, "s", sigmoid, graph.Input("x", Width, "")));
        Assert.Contains("Sigmoid", e.Message);
    }

    [Fact]
    public void Names_are_made_unique_and_ops_are_checked_against_the_opset()
    {
        var graph = new OnnxGraph("g", "", 12);
        string x = graph.Input("x", Width, "");
        Assert.Equal("r", graph.Node("Relu", [x], "r"));
        Assert.Equal("r_2", graph.Node("Relu", [x], "r"));
        Assert.Contains("needs opset 13", Assert.Throws<InvalidOperationException>(() => graph.Node("Softmax", [x], "p")).Message);
        Assert.Contains("No opset requirement", Assert.Throws<InvalidOperationException>(() => graph.Node("Gelu", [x], "g")).Message);
        Assert.Throws<InvalidOperationException>(() => graph.Input("x", Width, "")); // an input's name is exact
    }
}
