using Harness.Trainer.Model;
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
        Linear linear => graph.Node("Gemm", [input, graph.Constant($"{name}_weight", linear.weight!), graph.Constant($"{name}_bias", linear.bias!)],
            name, OnnxGraph.Int("transB", 1)), // weight kept [out, in]
        ReLU => graph.Node("Relu", [input], name),
        Dropout => input, // the identity at inference
        TemperatureScaling { Value: 1 } => input, // --calibration none: dividing by 1 needs no node
        TemperatureScaling t => graph.Node("Div", [input, graph.Constant(name, t.Temperature)], $"{name}_scaled"),
        _ => throw new NotSupportedException($"No ONNX emitter for {block.GetType().Name} ('{name}')."),
    };

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
