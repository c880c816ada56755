using TorchSharp;
using static TorchSharp.torch;
using Harness.Trainer.Data;

namespace Harness.Trainer.Model;

/// <summary>Median imputation of missing values (NaN) and standardisation, with the training statistics as buffers.</summary>
public sealed class Preprocessing : nn.Module<Tensor, Tensor>
{
    // Buffers (not parameters): moved with .to(device) and saved in state_dict, never trained.
    private readonly Tensor impute_median;
    private readonly Tensor scale_mean;
    private readonly Tensor scale_std;

    public Preprocessing(FeatureStatistics statistics) : base(nameof(Preprocessing))
    {
        impute_median = tensor(statistics.Medians);
        scale_mean = tensor(statistics.Means);
        scale_std = tensor(statistics.StandardDeviations);
        RegisterComponents();
    }

    /// <summary>What an imputed (missing) value becomes after standardisation, per feature.</summary>
    public Tensor ImputedStandardised => (impute_median - scale_mean) / scale_std;

    public Tensor ImputeMedian => impute_median;
    public Tensor ScaleMean => scale_mean;
    public Tensor ScaleStd => scale_std;

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        var imputed = where(features.isnan(), impute_median, features);
        return ((imputed - scale_mean) / scale_std).MoveToOuterDisposeScope();
    }
}
