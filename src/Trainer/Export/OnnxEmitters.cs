using Harness.Trainer.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Trainer.Export;

/// <summary>
/// One emitter per block of a network: each writes the ONNX nodes computing what the block's
/// eval-mode forward computes, reading the block's own tensors. The exporter walks the network's
/// blocks through these; a block without an emitter is an error, never silently skipped.
/// </summary>
internal static class OnnxEmitters
{
    /// <summary>Emits <paramref name="block"/> (named <paramref name="name"/> in its network) reading <paramref name="input"/>; returns its output value.</summary>
    public static string Emit(OnnxGraph graph, string name, nn.Module block, string input) => block switch
    {
        Preprocessing p => Preprocess(graph, name, p, input),
        ChannelNormalisation n => graph.Node("Div", [graph.Node("Sub", [input, graph.Constant($"{name}_mean", n.Mean)], $"{name}_centred"),
            graph.Constant($"{name}_std", n.Std)], $"{name}_scaled"),
        Convolution conv => Conv(graph, name, conv, input),
        BatchNorm norm => BatchNormalization(graph, name, norm, input),
        // ceil_mode is left to the error below: PyTorch drops a last window that would start in the right padding, ONNX does not.
        MaxPool1d { ceil_mode: false } pool => MaxPool(graph, name, input, [pool.kernel_size], pool.stride is { } s ? [s] : null,
            pool.padding is { } p ? [p] : null, pool.dilation is { } d ? [d] : null),
        MaxPool2d { ceil_mode: false } pool => MaxPool(graph, name, input, pool.kernel_size, pool.stride, pool.padding, pool.dilation),
        AdaptiveAvgPool1d { output_size: 1 } => graph.Node("GlobalAveragePool", [input], name),
        AdaptiveAvgPool2d pool when pool.output_size.All(s => s == 1) => graph.Node("GlobalAveragePool", [input], name),
        Flatten { start_dim: 1, end_dim: -1 } => graph.Node("Flatten", [input], name, OnnxGraph.Int("axis", 1)),
        Linear linear => graph.Node("Gemm", [input, graph.Constant($"{name}_weight", linear.weight!), graph.Constant($"{name}_bias", linear.bias!)],
            name, OnnxGraph.Int("transB", 1)), // weight kept [out, in]
        ReLU => graph.Node("Relu", [input], name),
        Dropout => input, // the identity at inference
        TemperatureScaling { Value: 1 } => input, // --calibration none: dividing by 1 needs no node
        TemperatureScaling t => graph.Node("Div", [input, graph.Constant(name, t.Temperature)], $"{name}_scaled"),
        _ => throw new NotSupportedException($"No ONNX emitter for {block.GetType().Name} ('{name}')."),
    };

    /// <summary>
    /// A 1-D or 2-D convolution with explicit zero padding (pads: every spatial axis's start, then
    /// every end, the same amount), its weights [O, I/groups, ..kernel] as they are.
    /// </summary>
    private static string Conv(OnnxGraph graph, string name, Convolution conv, string input)
    {
        if (conv.transposed || conv.padding_mode != PaddingModes.Zeros || conv.padding is not { } padding)
            throw new NotSupportedException($"'{name}': only convolutions with explicit zero padding have an ONNX emitter.");
        var inputs = new List<string> { input, graph.Constant($"{name}_weight", conv.weight) };
        if (conv.bias is { } bias) inputs.Add(graph.Constant($"{name}_bias", bias));
        return graph.Node("Conv", inputs, name,
            OnnxGraph.Ints("kernel_shape", conv.weight.shape[2..]), OnnxGraph.Ints("strides", conv.stride), OnnxGraph.Ints("dilations", conv.dilation),
            OnnxGraph.Ints("pads", [.. padding, .. padding]), OnnxGraph.Int("group", conv.groups));
    }

    /// <summary>
    /// Inference-mode batch normalisation with the running statistics: (x - mean) / sqrt(var + eps) * weight + bias
    /// per channel. The int64 num_batches_tracked buffer only counts training batches and is not read.
    /// </summary>
    private static string BatchNormalization(OnnxGraph graph, string name, BatchNorm norm, string input)
    {
        if (norm.running_mean is not { } mean || norm.running_var is not { } variance || norm.weight is not { } weight || norm.bias is not { } bias)
            throw new NotSupportedException($"'{name}': only batch normalisation with running statistics and affine parameters has an ONNX emitter.");
        return graph.Node("BatchNormalization",
            [input, graph.Constant($"{name}_weight", weight), graph.Constant($"{name}_bias", bias),
                graph.Constant($"{name}_running_mean", mean), graph.Constant($"{name}_running_var", variance)],
            name, OnnxGraph.FloatAttribute("epsilon", (float)norm.eps));
    }

    /// <summary>Max pooling, output sizes rounded down; padding (ignored by the maximum in both) begins and ends each spatial axis alike.</summary>
    private static string MaxPool(OnnxGraph graph, string name, string input, long[] kernel, long[]? stride, long[]? padding, long[]? dilation)
    {
        long[] pads = padding ?? new long[kernel.Length];
        return graph.Node("MaxPool", [input], name,
            OnnxGraph.Ints("kernel_shape", kernel), OnnxGraph.Ints("strides", stride ?? kernel), OnnxGraph.Ints("pads", [.. pads, .. pads]),
            OnnxGraph.Ints("dilations", dilation ?? [.. kernel.Select(_ => 1L)]), OnnxGraph.Int("ceil_mode", 0));
    }

    /// <summary>
    /// Numeric features: NaN -> training median, then (x - mean) / SD. With categorical features, the
    /// numeric columns are gathered first, and the categorical columns are gathered once per level,
    /// compared with the levels (Equal: NaN and unseen levels give false), cast to float and
    /// concatenated after the numeric ones. Without them the graph is imputation and scaling alone.
    /// </summary>
    private static string Preprocess(OnnxGraph graph, string name, Preprocessing block, string input)
    {
        if (block.Categorical.Count == 0) return Standardise(graph, name, block, input);

        var parts = new List<string>();
        if (block.NumericColumns.Count > 0)
        {
            string numeric = graph.Node("Gather", [input, graph.Constant("numeric_columns", block.NumericColumnIndices!)], $"{name}_numeric",
                OnnxGraph.Int("axis", 1));
            parts.Add(Standardise(graph, name, block, numeric));
        }
        if (block.CategoricalLevels!.shape[0] > 0) // a categorical feature without training levels has no column
        {
            string codes = graph.Node("Gather", [input, graph.Constant("categorical_columns", block.CategoricalColumnIndices!)], $"{name}_codes",
                OnnxGraph.Int("axis", 1));
            string matches = graph.Node("Equal", [codes, graph.Constant("categorical_levels", block.CategoricalLevels!)], $"{name}_matches");
            parts.Add(graph.Node("Cast", [matches], $"{name}_one_hot", OnnxGraph.Int("to", (long)Onnx.TensorProto.Types.DataType.Float)));
        }
        return parts.Count switch
        {
            0 => throw new InvalidOperationException($"'{name}' has no output column: no numeric feature and no categorical level."),
            1 => parts[0],
            _ => graph.Node("Concat", parts, $"{name}_encoded", OnnxGraph.Int("axis", 1)),
        };
    }

    private static string Standardise(OnnxGraph graph, string name, Preprocessing block, string input)
    {
        string missing = graph.Node("IsNaN", [input], $"{name}_missing");
        string imputed = graph.Node("Where", [missing, graph.Constant("impute_median", block.ImputeMedian), input], $"{name}_imputed");
        string centred = graph.Node("Sub", [imputed, graph.Constant("scale_mean", block.ScaleMean)], $"{name}_centred");
        return graph.Node("Div", [centred, graph.Constant("scale_std", block.ScaleStd)], $"{name}_scaled");
    }
}
