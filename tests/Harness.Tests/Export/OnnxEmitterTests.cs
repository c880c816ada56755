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
    private static (float[] Torch, float[] Onnx) Both(nn.Module<Tensor, Tensor> block, float[] input, int outputWidth)
    {
        block.eval();
        float[] expected;
        using (no_grad()) expected = block.forward(tensor(input, [Rows, Width])).data<float>().ToArray();

        var graph = new OnnxGraph("one_block", "", 17);
        string x = OnnxEmitters.Emit(graph, "block", block, graph.Input("x", Width, ""));
        graph.Rename(x, "y");
        graph.Output("y", outputWidth, "");
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options)
        using (var session = new InferenceSession(graph.ToModel("test", "").ToByteArray(), options))
        using (var value = OrtValue.CreateTensorValueFromMemory(input, [Rows, Width]))
        using (var outputs = session.Run(new RunOptions(), ["x"], [value], ["y"]))
            return (expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    private static float[] RandomInput(int seed, bool withMissing = false)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Rows * Width).Select(i => withMissing && i % 6 == 1 ? float.NaN : (float)(random.NextDouble() * 4 - 2)).ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: {actual[i]} vs {expected[i]}");
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
