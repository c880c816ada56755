using Harness.Core.Inputs;

namespace Harness.Core.ModelCards;

/// <summary>The shape every Harness ONNX model has, whichever trainer made it.</summary>
public static class ModelContract
{
    /// <summary>float32 [batch, F]: raw manifest values in <see cref="ModelCard.FeatureNames"/> order, NaN for missing.</summary>
    public const string FeaturesInput = "features";

    /// <summary>
    /// float32 [batch, C, L]: signals as the decoder for the model's <see cref="InputSpec"/> gives them,
    /// channels in <see cref="InputSpec.Channels"/> order, <see cref="InputSpec.Length"/> samples each,
    /// not normalised (the graph applies the spec's per-channel normalisation).
    /// </summary>
    public const string SignalInput = "signal";

    /// <summary>
    /// float32 [batch, C, H, W]: images as the decoder for the model's <see cref="InputSpec"/> gives them
    /// (scaled to [0, 1]), channels in <see cref="InputSpec.Channels"/> order, not normalised (the graph
    /// applies the spec's per-channel normalisation).
    /// </summary>
    public const string ImageInput = "image";

    /// <summary>The graph input a model reading <paramref name="kind"/> has.</summary>
    public static string InputName(InputKind kind) => kind switch
    {
        InputKind.Tabular => FeaturesInput,
        InputKind.Signal => SignalInput,
        InputKind.Image => ImageInput,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown input kind."),
    };

    /// <summary>float32 [batch, C]: unnormalised class scores.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>float32 [batch, C]: softmax of the logits, in <see cref="ModelCard.ClassNames"/> order.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>ONNX opset 17 and IR version 8: what onnx 1.12's checker (Debian 12) still accepts.</summary>
    public const int OpsetVersion = 17;
    public const int IrVersion = 8;
}
