using TorchSharp;
using static TorchSharp.torch;
using Harness.Trainer.Data;

namespace Harness.Trainer.Model;

/// <summary>
/// The model's first block, from raw features (NaN = missing) to what the first layer reads:
/// numeric features imputed with the training median (NaN) and standardised; each categorical
/// feature one-hot encoded, one column per training level (ascending), all zeros where the value
/// is missing or a level training never saw. Output: the standardised numeric features in input
/// order, then the one-hot columns of each categorical feature in input order. Without categorical
/// features the block is imputation and standardisation alone, and reads the input as it is.
/// </summary>
public sealed class Preprocessing : nn.Module<Tensor, Tensor>
{
    // Buffers (not parameters): moved with .to(device) and saved in state_dict, never trained.
    private readonly Tensor impute_median;
    private readonly Tensor scale_mean;
    private readonly Tensor scale_std;

    // Only with categorical features (null, and no buffer, otherwise): the numeric columns' indices,
    // each categorical column's index repeated once per level, and those levels, aligned.
    private readonly Tensor? numeric_columns;
    private readonly Tensor? categorical_columns;
    private readonly Tensor? categorical_levels;

    public Preprocessing(FeatureStatistics statistics) : base(nameof(Preprocessing))
    {
        impute_median = tensor(statistics.Medians);
        scale_mean = tensor(statistics.Means);
        scale_std = tensor(statistics.StandardDeviations);
        FeatureCount = statistics.FeatureCount;
        NumericColumns = statistics.NumericColumns;
        Categorical = statistics.Categorical;
        EncodedWidth = statistics.EncodedWidth;
        if (Categorical.Count > 0)
        {
            numeric_columns = tensor(NumericColumns.Select(c => (long)c).ToArray());
            categorical_columns = tensor(Categorical.SelectMany(c => c.Levels.Select(_ => (long)c.Column)).ToArray(), ScalarType.Int64);
            categorical_levels = tensor(Categorical.SelectMany(c => c.Levels).ToArray(), ScalarType.Float32);
        }
        RegisterComponents();
    }

    /// <summary>Raw features read.</summary>
    public int FeatureCount { get; }

    /// <summary>Indices of the numeric features among the raw features, ascending.</summary>
    public IReadOnlyList<int> NumericColumns { get; }

    /// <summary>The categorical features and their training levels; empty: every feature is numeric.</summary>
    public IReadOnlyList<CategoricalColumn> Categorical { get; }

    /// <summary>Width of the output: numeric features plus one column per categorical level.</summary>
    public int EncodedWidth { get; }

    /// <summary>
    /// What each output column becomes for a missing value: the training median standardised for a
    /// numeric feature, 0 for a one-hot column (a missing category is all zeros).
    /// </summary>
    public Tensor ImputedStandardised
    {
        get
        {
            var numeric = (impute_median - scale_mean) / scale_std;
            if (categorical_levels is null) return numeric;
            using (numeric) return cat([numeric, zeros_like(categorical_levels)], 0);
        }
    }

    /// <summary>1 for each numeric output column, 0 for each one-hot column (Gaussian noise applies to the numeric ones only).</summary>
    public Tensor NumericMask => categorical_levels is null ? ones_like(impute_median)
        : cat([ones_like(impute_median), zeros_like(categorical_levels)], 0);

    public Tensor ImputeMedian => impute_median;
    public Tensor ScaleMean => scale_mean;
    public Tensor ScaleStd => scale_std;

    /// <summary>Numeric columns' indices (int64); null without categorical features (the input is all numeric).</summary>
    public Tensor? NumericColumnIndices => numeric_columns;

    /// <summary>Each categorical column's index once per level (int64), aligned with <see cref="CategoricalLevels"/>; null without categorical features.</summary>
    public Tensor? CategoricalColumnIndices => categorical_columns;

    /// <summary>The categorical levels, feature after feature, each feature's ascending; null without categorical features.</summary>
    public Tensor? CategoricalLevels => categorical_levels;

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        if (categorical_levels is null) return Standardised(features).MoveToOuterDisposeScope();
        var numeric = Standardised(features.index_select(1, numeric_columns!));
        // NaN equals nothing and an unseen level equals no level: both give a row of zeros.
        var oneHot = features.index_select(1, categorical_columns!).eq(categorical_levels).to_type(ScalarType.Float32);
        return cat([numeric, oneHot], 1).MoveToOuterDisposeScope();
    }

    private Tensor Standardised(Tensor numeric)
    {
        var imputed = where(numeric.isnan(), impute_median, numeric);
        return (imputed - scale_mean) / scale_std;
    }
}
