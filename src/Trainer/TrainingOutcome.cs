using Harness.Trainer.Data;
using Harness.Trainer.Export;
using Harness.Trainer.Training;
using Harness.Core.ModelCards;
using Onnx;

namespace Harness.Trainer;

/// <summary>The outcome of `harness train`: the network, its ONNX export and card, and the training report.</summary>
public sealed class TrainingOutcome(TrainedNetwork network, TrainingData data, IReadOnlyList<Fold> folds,
    ModelCard card, ModelProto onnx, TrainingReport report) : IDisposable
{
    public const string ModelFileName = "model.onnx";
    public const string ReportFileName = "training.json";

    public TrainedNetwork Network { get; } = network;
    public TrainingData Data { get; } = data;
    /// <summary>The folds' rows by role (one fold under --cv holdout, whose network is the exported one).</summary>
    public IReadOnlyList<Fold> Folds { get; } = folds;

    /// <summary>The rows the exported network was fitted on: the holdout fold's fit rows, or every row after cross-validation.</summary>
    public int[] ExportedFitRows => Folds is [{ Name: CrossValidation.Holdout } holdout] ? holdout.Fit : Enumerable.Range(0, Data.Count).ToArray();
    public ModelCard Card { get; } = card;
    public ModelProto Onnx { get; } = onnx;
    public TrainingReport Report { get; } = report;

    /// <summary>Writes model.onnx and training.json into <paramref name="folder"/> (the caller stages and moves it).</summary>
    public void WriteTo(string folder)
    {
        OnnxExport.Save(Onnx, Path.Combine(folder, ModelFileName));
        Report.Write(Path.Combine(folder, ReportFileName));
    }

    public void Dispose() => Network.Dispose();
}
