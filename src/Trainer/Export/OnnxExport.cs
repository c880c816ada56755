using System.Runtime.InteropServices;
using Google.Protobuf;
using Harness.Core;
using Harness.Core.ModelCards;
using Harness.Trainer.Model;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Trainer.Export;

/// <summary>
/// Writes a <see cref="TabularClassifier"/> as a self-contained ONNX graph, op for op:
/// <code>
/// features -> IsNaN -> Where(median) -> Sub(mean) -> Div(std) -> [Gemm -> Relu]* -> Gemm -> logits -> Softmax -> probabilities
/// </code>
/// with the model card in metadata_props. Dropout is the identity at inference and has no node.
/// </summary>
public static class OnnxExport
{
    private const int Float = (int)TensorProto.Types.DataType.Float;

    public static ModelProto Build(TabularClassifier model, ModelCard card)
    {
        model.eval();
        int featureCount = card.FeatureNames.Count, classCount = card.ClassNames.Count;
        var graph = new GraphProto
        {
            Name = "harness_tabular_classifier",
            DocString = "Raw manifest features (NaN = missing) -> median imputation -> standardisation -> MLP -> logits, probabilities.",
        };
        graph.Input.Add(FloatTensor(ModelContract.FeaturesInput, featureCount,
            $"Raw feature values in this order: {string.Join(", ", card.FeatureNames)}. NaN marks a missing value."));
        graph.Output.Add(FloatTensor(ModelContract.LogitsOutput, classCount, "Unnormalised class scores."));
        graph.Output.Add(FloatTensor(ModelContract.ProbabilitiesOutput, classCount,
            $"Softmax probabilities in this class order: {string.Join(", ", card.ClassNames)}."));

        graph.Initializer.Add(Initializer("impute_median", model.ImputeMedian));
        graph.Initializer.Add(Initializer("scale_mean", model.ScaleMean));
        graph.Initializer.Add(Initializer("scale_std", model.ScaleStd));
        graph.Node.Add(Node("IsNaN", [ModelContract.FeaturesInput], "missing"));
        graph.Node.Add(Node("Where", ["missing", "impute_median", ModelContract.FeaturesInput], "imputed"));
        graph.Node.Add(Node("Sub", ["imputed", "scale_mean"], "centred"));
        graph.Node.Add(Node("Div", ["centred", "scale_std"], "scaled"));

        string current = "scaled";
        var layers = model.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            bool last = i == layers.Count - 1;
            graph.Initializer.Add(Initializer($"layer{i}_weight", layers[i].weight!)); // [out, in], hence transB = 1
            graph.Initializer.Add(Initializer($"layer{i}_bias", layers[i].bias!));
            string linear = last ? ModelContract.LogitsOutput : $"layer{i}_linear";
            var gemm = Node("Gemm", [current, $"layer{i}_weight", $"layer{i}_bias"], linear);
            gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(gemm);
            if (last) break;
            graph.Node.Add(Node("Relu", [linear], $"layer{i}_relu"));
            current = $"layer{i}_relu";
        }
        var softmax = Node("Softmax", [ModelContract.LogitsOutput], ModelContract.ProbabilitiesOutput);
        softmax.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(softmax);

        var onnx = new ModelProto
        {
            IrVersion = ModelContract.IrVersion,
            ProducerName = "harness",
            ProducerVersion = card.HarnessVersion,
            Domain = "org.harness",
            ModelVersion = 1,
            DocString = $"Harness tabular classifier trained on {string.Join(", ", card.TrainingSites.Select(s => s.Name))}.",
            Graph = graph,
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = ModelContract.OpsetVersion });
        foreach (var (key, value) in card.ToMetadata())
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return onnx;
    }

    /// <summary>Writes the model sealed: its card's digest placeholder replaced by the file's digest (<see cref="ModelDigest"/>).</summary>
    public static void Save(ModelProto onnx, string path)
    {
        byte[] bytes = onnx.ToByteArray();
        ModelDigest.Seal(bytes);
        File.WriteAllBytes(path, bytes);
    }

    private static NodeProto Node(string op, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op.ToLowerInvariant() };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>A float32 [batch, width] graph input or output.</summary>
    private static ValueInfoProto FloatTensor(string name, int width, string doc)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Float, Shape = shape } },
        };
    }

    private static TensorProto Initializer(string name, Tensor value)
    {
        using var cpuValue = value.detach().cpu().to_type(ScalarType.Float32).contiguous();
        float[] data = cpuValue.data<float>().ToArray();
        var proto = new TensorProto { Name = name, DataType = Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())) };
        proto.Dims.AddRange(cpuValue.shape);
        return proto;
    }
}
