using Harness.Trainer.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// The whole deployed model as one module: median imputation of NaNs, standardisation, then an
/// MLP (Linear-ReLU-Dropout blocks and a Linear head) producing logits. Training and export use
/// this same forward pass, so the ONNX graph can mirror it op for op.
/// </summary>
public sealed class TabularClassifier : nn.Module<Tensor, Tensor>
{
    // Buffers (not parameters): moved with .to(device) and saved in state_dict, never trained.
    private readonly Tensor impute_median;
    private readonly Tensor scale_mean;
    private readonly Tensor scale_std;
    private readonly ModuleList<Linear> layers;
    private readonly Dropout dropout;

    public TabularClassifier(FeatureStatistics statistics, IReadOnlyList<int> hidden, int classCount, double dropoutRate)
        : base(nameof(TabularClassifier))
    {
        impute_median = tensor(statistics.Medians);
        scale_mean = tensor(statistics.Means);
        scale_std = tensor(statistics.StandardDeviations);
        var widths = new List<int> { statistics.Medians.Length };
        widths.AddRange(hidden);
        widths.Add(classCount);
        layers = new ModuleList<Linear>(Enumerable.Range(0, widths.Count - 1)
            .Select(i => nn.Linear(widths[i], widths[i + 1])).ToArray());
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    public IReadOnlyList<Linear> Layers => layers.ToList();
    public Tensor ImputeMedian => impute_median;
    public Tensor ScaleMean => scale_mean;
    public Tensor ScaleStd => scale_std;

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var imputed = where(features.isnan(), impute_median, features);
        var x = (imputed - scale_mean) / scale_std;
        for (int i = 0; i < layers.Count - 1; i++)
            x = dropout.forward(nn.functional.relu(layers[i].forward(x)));
        return layers[^1].forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Eval-mode class probabilities for raw feature rows: the reference the ONNX export must match.</summary>
    public float[] PredictProbabilities(float[] features, int featureCount, Device device)
    {
        eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = tensor(features, [features.Length / featureCount, featureCount]).to(device);
        return nn.functional.softmax(forward(input), 1).cpu().data<float>().ToArray();
    }
}
