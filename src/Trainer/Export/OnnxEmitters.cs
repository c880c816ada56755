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

    /// <summary>NaN -> training median, then (x - mean) / SD.</summary>
    private static string Preprocess(OnnxGraph graph, string name, Preprocessing block, string input)
    {
        string missing = graph.Node("IsNaN", [input], $"{name}_missing");
        string imputed = graph.Node("Where", [missing, graph.Constant("impute_median", block.ImputeMedian), input], $"{name}_imputed");
        string centred = graph.Node("Sub", [imputed, graph.Constant("scale_mean", block.ScaleMean)], $"{name}_centred");
        return graph.Node("Div", [centred, graph.Constant("scale_std", block.ScaleStd)], $"{name}_scaled");
    }
}
