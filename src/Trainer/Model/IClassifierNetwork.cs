using TorchSharp;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// What training and export need from a classifier, whichever input it reads (a row of manifest
/// features, a signal, an image): its blocks in forward order (what the exporter walks), its
/// calibration, the split between preprocessing and the rest (where training augments and mixes
/// examples), and eval-mode prediction from flattened examples (the reference the ONNX export must match).
/// </summary>
public interface IClassifierNetwork
{
    /// <summary>The whole network as a TorchSharp module: parameters, train/eval mode, device moves, state_dict.</summary>
    nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>The blocks in forward order, with their names (the exported graph's node names come from them).</summary>
    IReadOnlyList<(string Name, nn.Module Block)> Blocks { get; }

    /// <summary>Applied to the logits before the softmax at inference (T = 1 until fitted); training's loss uses the raw logits.</summary>
    TemperatureScaling Calibration { get; }

    /// <summary>The shape of one raw example, without the batch dimension: [F], [C, L] or [C, H, W].</summary>
    long[] ExampleShape { get; }

    /// <summary>
    /// Raw examples [N, ..<see cref="ExampleShape"/>] to what <see cref="FromPreprocessed"/> reads:
    /// the tabular preprocessing (imputation, standardisation, one-hot), the identity for signals and
    /// images, which are augmented as decoded values and normalised inside the network.
    /// </summary>
    Tensor Preprocess(Tensor raw);

    /// <summary>The rest of the network, from <see cref="Preprocess"/>'s output to logits [N, classes].</summary>
    Tensor FromPreprocessed(Tensor preprocessed);

    /// <summary>
    /// Eval-mode logits, row-major [examples, classes], for raw examples flattened row-major, each
    /// <paramref name="exampleSize"/> floats (the product of <see cref="ExampleShape"/>).
    /// </summary>
    float[] PredictLogits(float[] examples, int exampleSize, Device device);

    /// <summary>Eval-mode class probabilities for raw examples as in <see cref="PredictLogits"/>, calibrated unless asked not to.</summary>
    float[] PredictProbabilities(float[] examples, int exampleSize, Device device, bool calibrated = true);
}

/// <summary>The eval-mode prediction every <see cref="IClassifierNetwork"/> shares.</summary>
internal static class ClassifierInference
{
    /// <summary>Examples per forward pass: bounds the activations' memory (a batch of 3 x 2500 signals through 64 channels is 41 MB).</summary>
    private const int ExamplesPerForward = 256;

    public static float[] Logits(IClassifierNetwork network, float[] examples, int exampleSize, Device device) =>
        Predict(network, examples, exampleSize, device, logits => logits);

    public static float[] Probabilities(IClassifierNetwork network, float[] examples, int exampleSize, Device device, bool calibrated) =>
        Predict(network, examples, exampleSize, device, logits => nn.functional.softmax(calibrated ? network.Calibration.forward(logits) : logits, 1));

    private static float[] Predict(IClassifierNetwork network, float[] examples, int exampleSize, Device device, Func<Tensor, Tensor> output)
    {
        long size = network.ExampleShape.Aggregate(1L, (a, b) => a * b);
        if (exampleSize != size || examples.Length % size != 0)
            throw new ArgumentException($"Examples of {string.Join(" x ", network.ExampleShape)} = {size} floats are expected; got {examples.Length} floats in examples of {exampleSize}.", nameof(examples));
        network.Module.eval();
        using var noGrad = no_grad();
        int count = examples.Length / exampleSize;
        var result = new List<float>();
        for (int start = 0; start < count; start += ExamplesPerForward)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(ExamplesPerForward, count - start);
            var x = tensor(examples.AsSpan(start * exampleSize, n * exampleSize).ToArray(), [n, .. network.ExampleShape]).to(device);
            result.AddRange(output(network.Module.forward(x)).cpu().data<float>());
        }
        return [.. result];
    }
}
