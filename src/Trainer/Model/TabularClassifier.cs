using Harness.Trainer.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// The whole deployed model as one sequence of blocks: <see cref="Model.Preprocessing"/> (median
/// imputation of NaNs, standardisation, one-hot encoding of categorical features), then an MLP (Linear-ReLU-Dropout blocks and a Linear
/// head) producing logits. Training and export use these same blocks: the exporter walks them.
/// </summary>
public sealed class TabularClassifier : nn.Module<Tensor, Tensor>, IClassifierNetwork
{
    private readonly Sequential blocks;

    public TabularClassifier(FeatureStatistics statistics, IReadOnlyList<int> hidden, int classCount, double dropoutRate)
        : base(nameof(TabularClassifier))
    {
        Preprocessing = new Preprocessing(statistics);
        var named = new List<(string, nn.Module<Tensor, Tensor>)> { ("preprocess", Preprocessing) };
        int width = statistics.EncodedWidth;
        for (int i = 0; i < hidden.Count; i++)
        {
            named.Add(($"linear{i}", nn.Linear(width, hidden[i])));
            named.Add(($"relu{i}", nn.ReLU()));
            named.Add(($"dropout{i}", nn.Dropout(dropoutRate)));
            width = hidden[i];
        }
        named.Add(("head", nn.Linear(width, classCount)));
        blocks = nn.Sequential(named.ToArray());
        calibration = new TemperatureScaling();
        RegisterComponents();
    }

    private readonly TemperatureScaling calibration;

    public Preprocessing Preprocessing { get; }

    public nn.Module<Tensor, Tensor> Module => this;

    public TemperatureScaling Calibration => calibration;

    /// <summary>[F]: one row of raw features.</summary>
    public long[] ExampleShape => [Preprocessing.FeatureCount];

    public IReadOnlyList<(string Name, nn.Module Block)> Blocks => blocks.named_children().ToList();

    public override Tensor forward(Tensor features) => blocks.forward(features);

    /// <summary>The <see cref="Model.Preprocessing"/> block: imputation, standardisation, one-hot encoding.</summary>
    public Tensor Preprocess(Tensor raw) => Preprocessing.forward(raw);

    /// <summary>The blocks after <see cref="Preprocessing"/> applied to already preprocessed features (where training augments and mixes).</summary>
    public Tensor FromPreprocessed(Tensor preprocessed)
    {
        var x = preprocessed;
        foreach (var (_, block) in Blocks.Skip(1)) x = ((nn.Module<Tensor, Tensor>)block).forward(x);
        return x;
    }

    /// <summary>Eval-mode logits for raw feature rows, row-major [rows, classes].</summary>
    public float[] PredictLogits(float[] features, int featureCount, Device device) =>
        ClassifierInference.Logits(this, features, featureCount, device);

    /// <summary>Eval-mode class probabilities for raw feature rows, calibrated unless asked not to: the reference the ONNX export must match.</summary>
    public float[] PredictProbabilities(float[] features, int featureCount, Device device, bool calibrated = true) =>
        ClassifierInference.Probabilities(this, features, featureCount, device, calibrated);
}
