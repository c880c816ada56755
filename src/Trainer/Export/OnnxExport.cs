using Google.Protobuf;
using Harness.Core.ModelCards;
using Harness.Trainer.Model;
using Onnx;

namespace Harness.Trainer.Export;

/// <summary>
/// Writes a <see cref="TabularClassifier"/> as a self-contained ONNX graph by walking its blocks,
/// each through its emitter (<see cref="OnnxEmitters"/>):
/// <code>
/// features -> IsNaN -> Where(median) -> Sub(mean) -> Div(std) -> [Gemm -> Relu]* -> Gemm -> logits -> Div(temperature) -> Softmax -> probabilities
/// </code>
/// with the model card in metadata_props. Dropout is the identity at inference and has no node.
/// With categorical features the preprocessing gathers the numeric columns into that chain and
/// one-hot encodes the others (Gather -> Equal(levels) -> Cast), concatenated after them.
/// </summary>
public static class OnnxExport
{
    public static ModelProto Build(TabularClassifier model, ModelCard card)
    {
        model.eval();
        int featureCount = card.FeatureNames.Count, classCount = card.ClassNames.Count;
        var graph = new OnnxGraph("harness_tabular_classifier",
            "Raw manifest features (NaN = missing) -> median imputation -> standardisation -> MLP -> logits -> / temperature -> probabilities.",
            ModelContract.OpsetVersion);
        string categorical = card.CategoricalLevels is { Count: > 0 } levels
            ? $" {string.Join(", ", levels.Keys)} hold integer category codes, one-hot encoded over the training levels (others count as missing)."
            : "";
        string x = graph.Input(ModelContract.FeaturesInput, featureCount,
            $"Raw feature values in this order: {string.Join(", ", card.FeatureNames)}. NaN marks a missing value.{categorical}");
        foreach (var (name, block) in model.Blocks) x = OnnxEmitters.Emit(graph, name, block, x);
        graph.Rename(x, ModelContract.LogitsOutput);
        graph.Output(ModelContract.LogitsOutput, classCount, "Unnormalised class scores.");
        string calibrated = OnnxEmitters.Emit(graph, "temperature", model.Calibration, ModelContract.LogitsOutput);
        graph.Node("Softmax", [calibrated], ModelContract.ProbabilitiesOutput, OnnxGraph.Int("axis", 1));
        graph.Output(ModelContract.ProbabilitiesOutput, classCount,
            $"Softmax probabilities in this class order: {string.Join(", ", card.ClassNames)}.");

        var onnx = graph.ToModel(card.HarnessVersion, $"Harness tabular classifier trained on {string.Join(", ", card.TrainingSites.Select(s => s.Name))}.");
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
}
