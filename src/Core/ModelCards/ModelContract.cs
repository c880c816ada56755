namespace Harness.Core.ModelCards;

/// <summary>The shape every Harness ONNX model has, whichever trainer made it.</summary>
public static class ModelContract
{
    /// <summary>float32 [batch, F]: raw manifest values in <see cref="ModelCard.FeatureNames"/> order, NaN for missing.</summary>
    public const string FeaturesInput = "features";

    /// <summary>The graph input's name for a model with this input (null: tabular, <see cref="FeaturesInput"/>).</summary>
    public static string InputOf(Inputs.InputSpec? input) => input?.Kind switch
    {
        null or Inputs.InputKind.Tabular => FeaturesInput,
        Inputs.InputKind.Signal => "signal",
        _ => "image",
    };

    /// <summary>float32 [batch, C]: unnormalised class scores.</summary>
    public const string LogitsOutput = "logits";

    /// <summary>float32 [batch, C]: softmax of the logits, in <see cref="ModelCard.ClassNames"/> order.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>ONNX opset 17 and IR version 8: what onnx 1.12's checker (Debian 12) still accepts.</summary>
    public const int OpsetVersion = 17;
    public const int IrVersion = 8;
}
