using System.Globalization;
using Google.Protobuf;
using Harness.Core.Inputs;
using Harness.Core.ModelCards;
using Harness.Trainer.Model;
using Onnx;

namespace Harness.Trainer.Export;

/// <summary>
/// Writes a classifier (<see cref="IClassifierNetwork"/>) as a self-contained ONNX graph by walking
/// its blocks, each through its emitter (<see cref="OnnxEmitters"/>), node names from block names,
/// with the model card in metadata_props. A tabular model:
/// <code>
/// features -> IsNaN -> Where(median) -> Sub(mean) -> Div(std) -> [Gemm -> Relu]* -> Gemm -> logits -> Div(temperature) -> Softmax -> probabilities
/// </code>
/// With categorical features the preprocessing gathers the numeric columns into that chain and
/// one-hot encodes the others (Gather -> Equal(levels) -> Cast), concatenated after them.
/// A signal or image model (<see cref="ConvClassifier"/>):
/// <code>
/// signal | image -> Sub(mean) -> Div(std) -> [Conv -> BatchNormalization -> Relu -> MaxPool?]* -> GlobalAveragePool -> Flatten -> Gemm -> logits -> Div(temperature) -> Softmax -> probabilities
/// </code>
/// Batch normalisation is exported as BatchNormalization with its running statistics (not folded into
/// the convolution) so that each block keeps its own node and constants. Dropout is the identity at
/// inference and has no node.
/// </summary>
public static class OnnxExport
{
    /// <summary>
    /// The model in eval mode as ONNX. The card's <see cref="ModelCard.Input"/> describes a signal or image
    /// model's input (graph input <see cref="ModelContract.SignalInput"/> or <see cref="ModelContract.ImageInput"/>);
    /// a tabular model's input (<see cref="ModelContract.FeaturesInput"/>) is the card's feature names.
    /// </summary>
    public static ModelProto Build(IClassifierNetwork model, ModelCard card)
    {
        model.Module.eval();
        var input = card.Input;
        var kind = card.InputKind;
        long[] shape = input is null ? [card.FeatureNames.Count] : [.. input.Shape.Select(d => (long)d)];
        if (!shape.SequenceEqual(model.ExampleShape))
            throw new ArgumentException($"The model reads examples of {string.Join(" x ", model.ExampleShape)}, the card describes {string.Join(" x ", shape)}.", nameof(card));
        string what = kind.ToString().ToLowerInvariant();
        int classCount = card.ClassNames.Count;
        var graph = new OnnxGraph($"harness_{what}_classifier",
            $"{Chain(kind, card)} -> {string.Join(" -> ", model.Blocks.Skip(1).Select(b => b.Name))} -> logits -> / temperature -> softmax -> probabilities.",
            ModelContract.OpsetVersion);
        string x = graph.Input(ModelContract.InputName(kind), shape, input is null ? FeaturesDescription(card) : ExampleDescription(input));
        foreach (var (name, block) in model.Blocks) x = OnnxEmitters.Emit(graph, name, block, x);
        graph.Rename(x, ModelContract.LogitsOutput);
        graph.Output(ModelContract.LogitsOutput, classCount, "Unnormalised class scores.");
        string calibrated = OnnxEmitters.Emit(graph, "temperature", model.Calibration, ModelContract.LogitsOutput);
        graph.Node("Softmax", [calibrated], ModelContract.ProbabilitiesOutput, OnnxGraph.Int("axis", 1));
        graph.Output(ModelContract.ProbabilitiesOutput, classCount,
            $"Softmax probabilities in this class order: {string.Join(", ", card.ClassNames)}.");

        var onnx = graph.ToModel(card.HarnessVersion, $"Harness {what} classifier trained on {string.Join(", ", card.TrainingSites.Select(s => s.Name))}.");
        foreach (var (key, value) in card.ToMetadata())
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return onnx;
    }

    /// <summary>What the graph reads, and its first block ("preprocess" or "normalise") with what it does.</summary>
    private static string Chain(InputKind kind, ModelCard card) => kind switch
    {
        InputKind.Tabular => "Raw manifest features (NaN = missing) -> preprocess (median imputation, standardisation"
            + (card.CategoricalLevels is { Count: > 0 } ? ", one-hot encoding)" : ")"),
        InputKind.Signal => "Decoded signals [batch, channels, samples] -> normalise (per-channel (x - mean) / std)",
        _ => "Decoded images [batch, channels, height, width] in [0, 1] -> normalise (per-channel (x - mean) / std)",
    };

    private static string FeaturesDescription(ModelCard card)
    {
        string categorical = card.CategoricalLevels is { Count: > 0 } levels
            ? $" {string.Join(", ", levels.Keys)} hold integer category codes, one-hot encoded over the training levels (others count as missing)."
            : "";
        return $"Raw feature values in this order: {string.Join(", ", card.FeatureNames)}. NaN marks a missing value.{categorical}";
    }

    private static string ExampleDescription(InputSpec input) => input.Kind == InputKind.Signal
        ? $"Decoded signals, not normalised: channels {string.Join(", ", input.Channels)}, {input.Length} samples each"
            + (input.SamplingRateHz is { } hz ? $" at {hz.ToString("0.###", CultureInfo.InvariantCulture)} Hz." : ".")
        : $"Decoded images scaled to [0, 1], not normalised: channels {string.Join(", ", input.Channels)}, {input.Height} x {input.Width} pixels.";

    /// <summary>Writes the model sealed: its card's digest placeholder replaced by the file's digest (<see cref="ModelDigest"/>).</summary>
    public static void Save(ModelProto onnx, string path)
    {
        byte[] bytes = onnx.ToByteArray();
        ModelDigest.Seal(bytes);
        File.WriteAllBytes(path, bytes);
    }
}
