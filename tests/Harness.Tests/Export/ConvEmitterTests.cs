using Google.Protobuf;
using Harness.Core;
using Harness.Core.Inputs;
using Harness.Core.ModelCards;
using Harness.Trainer.Export;
using Harness.Trainer.Model;
using Harness.Tests.Support;
using Harness.Validator.Inference;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Tests.Export;

/// <summary>
/// Each block a convolutional classifier adds, its emitter against the block itself: random weights
/// and inputs [N, C, L] or [N, C, H, W], one block per graph, ONNX Runtime's output equal to
/// TorchSharp's eval-mode forward within 1e-5 (and batch normalisation to its formula by hand).
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class ConvEmitterTests
{
    private const double Tolerance = 1e-5;

    /// <summary>The block's eval-mode forward on <paramref name="input"/> and ONNX Runtime's run of its emitted graph; <paramref name="ops"/> gets the graph's op types.</summary>
    private static (float[] Torch, float[] Onnx) Both(nn.Module<Tensor, Tensor> block, Tensor input, out string[] ops)
    {
        block.eval();
        long[] shape = input.shape, outputShape;
        float[] expected;
        using (no_grad())
        using (var output = block.forward(input))
        {
            expected = output.data<float>().ToArray();
            outputShape = output.shape;
        }

        var graph = new OnnxGraph("one_block", "", ModelContract.OpsetVersion);
        string y = OnnxEmitters.Emit(graph, "block", block, graph.Input("x", shape[1..], ""));
        graph.Rename(y, "y");
        graph.Output("y", outputShape[1..], "");
        var model = graph.ToModel("test", "");
        ops = [.. model.Graph.Node.Select(n => n.OpType)];
        var (options, _) = ExecutionProviders.Create(DeviceRequest.Cpu);
        using (options)
        using (var session = new InferenceSession(model.ToByteArray(), options))
        using (var value = OrtValue.CreateTensorValueFromMemory(input.data<float>().ToArray(), shape))
        using (var outputs = session.Run(new RunOptions(), ["x"], [value], ["y"]))
        {
            Assert.Equal(outputShape, outputs[0].GetTensorTypeAndShape().Shape);
            return (expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]} vs {expected[i]}");
    }

    private static Tensor Random(int seed, params long[] shape)
    {
        manual_seed(seed);
        return randn(shape) * 2 + 0.5;
    }

    [Fact]
    public void Conv1d_emits_conv_with_its_padding_stride_dilation_and_bias()
    {
        manual_seed(1);
        using var conv = nn.Conv1d(3, 4, 5, stride: 2, padding: 3, dilation: 2, bias: true);
        var (torch, onnx) = Both(conv, Random(2, 4, 3, 40), out var ops);
        AssertClose(torch, onnx);
        Assert.Equal(["Conv"], ops);
    }

    [Fact]
    public void Conv2d_without_bias_emits_conv_with_same_padding()
    {
        manual_seed(3);
        using var conv = nn.Conv2d(3, 6, 3, padding: 1, bias: false);
        var (torch, onnx) = Both(conv, Random(4, 2, 3, 9, 11), out _);
        AssertClose(torch, onnx);
        Assert.Equal(2 * 6 * 9 * 11, onnx.Length); // "same": the output keeps the input's height and width
    }

    [Fact]
    public void Strided_dilated_conv2d_emits_its_attributes()
    {
        manual_seed(5);
        using var conv = nn.Conv2d(2, 3, 3, stride: 2, padding: 2, dilation: 2, bias: true);
        var (torch, onnx) = Both(conv, Random(6, 2, 2, 12, 9), out _);
        AssertClose(torch, onnx);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batch_norm_in_eval_mode_uses_its_running_statistics(int spatialAxes)
    {
        // Given a batch norm with set running statistics and affine parameters, and a batch whose own statistics differ from them
        const int channels = 4;
        using var norm = spatialAxes == 1 ? (nn.Module<Tensor, Tensor>)nn.BatchNorm1d(channels) : nn.BatchNorm2d(channels);
        var batchNorm = (TorchSharp.Modules.BatchNorm)norm;
        float[] mean = [0.5f, -1f, 2f, 0f], variance = [0.25f, 4f, 1.5f, 0.01f], weight = [1.5f, 0.5f, -1f, 2f], bias = [0.1f, -0.2f, 0.3f, 0f];
        using (no_grad())
        {
            batchNorm.running_mean!.copy_(tensor(mean));
            batchNorm.running_var!.copy_(tensor(variance));
            batchNorm.weight!.copy_(tensor(weight));
            batchNorm.bias!.copy_(tensor(bias));
        }
        long[] shape = spatialAxes == 1 ? [3, channels, 7] : [3, channels, 5, 6];
        using var input = Random(7, shape);

        // When TorchSharp and ONNX Runtime compute it
        var (torch, onnx) = Both(norm, input, out var ops);

        // Then both give (x - running mean) / sqrt(running var + 1e-5) * weight + bias, channel by channel
        float[] x = input.data<float>().ToArray();
        long perChannel = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        float[] expected = [.. x.Select((v, i) =>
        {
            int c = (int)(i / perChannel % channels);
            return (float)((v - mean[c]) / Math.Sqrt(variance[c] + 1e-5) * weight[c] + bias[c]);
        })];
        AssertClose(expected, torch, 1e-4);
        AssertClose(expected, onnx, 1e-4);
        AssertClose(torch, onnx);
        Assert.Equal(["BatchNormalization"], ops);
    }

    [Fact]
    public void Max_pools_emit_max_pool()
    {
        using var pool1 = nn.MaxPool1d(2, 2);
        var (torch, onnx) = Both(pool1, Random(8, 2, 3, 11), out var ops);
        AssertClose(torch, onnx);
        Assert.Equal(2 * 3 * 5, onnx.Length); // floor(11 / 2)
        Assert.Equal(["MaxPool"], ops);

        using var pool2 = nn.MaxPool2d(2, 2);
        (torch, onnx) = Both(pool2, Random(9, 2, 3, 7, 10), out _);
        AssertClose(torch, onnx);
        Assert.Equal(2 * 3 * 3 * 5, onnx.Length);
    }

    [Fact]
    public void Global_average_pools_and_flatten_emit_their_ops()
    {
        using var gap1 = nn.AdaptiveAvgPool1d(1);
        var (torch, onnx) = Both(gap1, Random(10, 2, 3, 13), out var ops);
        AssertClose(torch, onnx);
        Assert.Equal(["GlobalAveragePool"], ops);

        using var gap2 = nn.AdaptiveAvgPool2d(1);
        (torch, onnx) = Both(gap2, Random(11, 2, 3, 5, 4), out _);
        AssertClose(torch, onnx);

        using var flatten = nn.Flatten();
        (torch, onnx) = Both(flatten, Random(12, 2, 3, 2, 2), out ops);
        AssertClose(torch, onnx);
        Assert.Equal(["Flatten"], ops);
    }

    [Fact]
    public void Pools_and_flattens_onnx_cannot_express_as_emitted_are_errors()
    {
        var graph = new OnnxGraph("g", "", ModelContract.OpsetVersion);
        string x = graph.Input("x", [3, 8], "");
        using var adaptive = nn.AdaptiveAvgPool1d(2);
        using var partial = nn.Flatten(start_dim: 2);
        using var ceiling = nn.MaxPool1d(2, 2, ceil_mode: true);
        Assert.Throws<NotSupportedException>(() => OnnxEmitters.Emit(graph, "a", adaptive, x));
        Assert.Throws<NotSupportedException>(() => OnnxEmitters.Emit(graph, "f", partial, x));
        Assert.Throws<NotSupportedException>(() => OnnxEmitters.Emit(graph, "c", ceiling, x));
    }

    [Theory]
    [InlineData(InputKind.Signal)]
    [InlineData(InputKind.Image)]
    public void Channel_normalisation_subtracts_and_divides_channel_by_channel(InputKind kind)
    {
        // Given 3 channels with means 0.2, 0.3, 0.4 and SDs 0.5, 0.75, 1
        var spec = ConvExportTests.Spec(kind, 3, 6, 5);
        using var block = new ChannelNormalisation(spec);
        long[] shape = kind == InputKind.Signal ? [2, 3, 6] : [2, 3, 6, 5];
        using var input = Random(13, shape);

        var (torch, onnx) = Both(block, input, out var ops);

        // Then both are (x - mean[c]) / std[c], by hand
        long perChannel = shape.Skip(2).Aggregate(1L, (a, b) => a * b);
        float[] expected = [.. input.data<float>().ToArray().Select((v, i) =>
        {
            int c = (int)(i / perChannel % 3);
            return (float)((v - (0.2 + 0.1 * c)) / (0.5 + 0.25 * c));
        })];
        AssertClose(expected, torch);
        AssertClose(expected, onnx);
        Assert.Equal(["Sub", "Div"], ops);
    }

    [Fact]
    public void Channel_normalisation_needs_one_positive_sd_per_channel()
    {
        var spec = ConvExportTests.Spec(InputKind.Image, 3, 4, 4);
        Assert.Throws<ArgumentException>(() => new ChannelNormalisation(spec with { ChannelStd = [1, 0, 1] }));
        Assert.Throws<ArgumentException>(() => new ChannelNormalisation(spec with { ChannelMean = [0, 0] }));
        Assert.Throws<ArgumentException>(() => new ChannelNormalisation(spec with { ChannelMean = null }));
    }
}
