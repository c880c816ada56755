using System.Security.Cryptography;
using Harness.Core;
using Harness.Core.ModelCards;
using Microsoft.ML.OnnxRuntime;

namespace Harness.Validator.Inference;

/// <summary>
/// A Harness ONNX model opened in an ONNX Runtime session: its card (read from the file's own
/// metadata), its identity (SHA-256), where it runs, and batched prediction.
/// </summary>
public sealed class HarnessModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private static readonly string[] OutputNames = [ModelContract.ProbabilitiesOutput];

    private readonly string[] _inputNames;
    private readonly long[] _exampleShape;

    private HarnessModel(string path, string sha256, InferenceSession session, ModelCard card, DeviceChoice execution)
    {
        _inputNames = [ModelContract.InputName(card.InputKind)];
        _exampleShape = ExampleShape(card);
        FilePath = path;
        Sha256 = sha256;
        _session = session;
        Card = card;
        Execution = execution;
    }

    public string FilePath { get; }
    public string Sha256 { get; }
    public ModelCard Card { get; }
    public DeviceChoice Execution { get; }

    /// <summary>Checks that <paramref name="path"/> is an existing regular file; does not read it.</summary>
    public static void CheckFile(string path)
    {
        string shown = PathDisplay.Of(path);
        const string fix = "Pass the model.onnx written by 'harness train' with --model.";
        if (Directory.Exists(path))
            throw new InputException("--model is a folder, not a model file.", fix, shown);
        if (!File.Exists(path))
            throw PathDisplay.NotUtf8(path, "file") ?? new InputException("model file not found.", fix, shown);
        UserPaths.RequireRegularFile(path, fix, shown);
    }

    public static HarnessModel Load(string path, DeviceRequest device)
    {
        string shown = PathDisplay.Of(path);
        CheckFile(path);

        // One read: the bytes ONNX Runtime loads are the bytes whose digest is checked and whose SHA-256 is reported.
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot read the model", e, "Check that the file is readable.", shown);
        }
        var (options, execution) = ExecutionProviders.Create(device);
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InputException($"ONNX Runtime cannot load the model ({e.Message.Split('\n')[0].TrimEnd('.')}).",
                "Pass a valid ONNX file written by 'harness train'.", shown);
        }
        finally
        {
            options.Dispose();
        }

        try
        {
            // The seal before the card's own consistency checks: an edited card is reported as altered,
            // not by whichever of its parts no longer fits another.
            var metadata = session.ModelMetadata.CustomMetadataMap;
            if (metadata.TryGetValue(ModelDigest.Key, out var digest) && !ModelDigest.Matches(bytes, digest))
                throw ModelCard.Altered(shown, "its digest does not match its graph and card");
            var card = ModelCard.FromMetadata(metadata, shown);
            CheckContract(session, card, shown);
            return new HarnessModel(Path.GetFullPath(path), Convert.ToHexStringLower(SHA256.HashData(bytes)), session, card, execution);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Class probabilities, row-major [rows, classes], for <paramref name="rows"/> examples as the model
    /// reads them: raw feature rows in the card's order, or decoded signals or images, channel-major.
    /// ONNX Runtime reads <paramref name="inputs"/> in place (pinned), without a copy. Several
    /// threads may call it at once (ONNX Runtime's sessions allow concurrent runs).
    /// </summary>
    public float[] Predict(Memory<float> inputs, int rows)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs, [rows, .. _exampleShape]);
        using var outputs = _session.Run(_run, _inputNames, [input], OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>One example's shape: [features], [channels, length] or [channels, height, width].</summary>
    private static long[] ExampleShape(ModelCard card) => card.Input is { } spec ? spec.Shape.Select(d => (long)d).ToArray() : [card.FeatureNames.Count];

    private static void CheckContract(InferenceSession session, ModelCard card, string shown)
    {
        string inputName = ModelContract.InputName(card.InputKind);
        long[] shape = ExampleShape(card);
        bool ok = session.InputMetadata.TryGetValue(inputName, out var input)
            && input.Dimensions.Length == shape.Length + 1 && input.Dimensions.Skip(1).Select(d => (long)d).SequenceEqual(shape)
            && session.OutputMetadata.TryGetValue(ModelContract.ProbabilitiesOutput, out var output)
            && output.Dimensions.Length == 2 && output.Dimensions[1] == card.ClassNames.Count;
        if (!ok)
            throw new InputException(
                $"the model's graph does not have input '{inputName}' [batch, {string.Join(", ", shape)}] and output '{ModelContract.ProbabilitiesOutput}' [batch, {card.ClassNames.Count}] as its card says.",
                "Re-export the model with 'harness train'.", shown);
    }

    public void Dispose()
    {
        _run.Dispose();
        _session.Dispose();
    }
}
