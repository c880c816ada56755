using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Trainer.Data;
using Harness.Trainer.Export;
using Harness.Trainer.Training;

namespace Harness.Trainer;

public static class TrainingRun
{
    public const string SplitMethod = "internal validation: stratified by label, grouped by patient_id (site + patient), seeded";

    public static TrainingOutcome Run(IReadOnlyList<string> siteFolders, TrainingOptions options,
        ITrainingProgress? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var folders = siteFolders.Select(SiteFolder.Open).ToList(); // every folder checked before any is read
        var sites = folders.Select(f => InPeriod(SiteData.Load(f), options)).ToList();
        var data = TrainingData.FromSites(sites, options.PositiveClass, options.Categorical);
        var split = StratifiedGroupSplit.Create(data.Labels, data.Groups, data.ClassNames, options.ValidationFraction, options.Seed);

        var network = TabularTrainer.Train(data, split, options, progress, cancellation);
        try
        {
            var probabilities = network.Model.PredictProbabilities(data.FeatureRows(split.Validation), data.FeatureCount, network.Device);
            var predictions = new DevelopmentPredictions(data.ClassNames.Count, split.Validation.Select(i => data.Labels[i]).ToArray(),
                probabilities, ClusterIndices(split.Validation.Select(i => data.Groups[i])));
            var scored = predictions.ToScored(data.ClassNames, data.PositiveClassIndex);
            var operatingPoint = scored.IsBinary ? OperatingThreshold.Choose(scored, options.Threshold) : null;
            var intervals = new IntervalOptions { Seed = options.Seed };
            var estimate = MetricEstimator.Estimate(scored, operatingPoint?.Threshold, intervals, DevelopmentEvaluation.SampleKey, cancellation);
            var development = new DevelopmentEvaluation(SplitMethod, scored.Count, ClassCounts(data, split.Validation), estimate.Metrics)
            {
                Intervals = intervals,
            };

            var config = JsonSerializer.SerializeToNode(options, HarnessJson.Compact)!.AsObject();
            var trainingSites = sites.Select(s => new TrainingSite(s.Site.Name, s.Rows.Count, s.ManifestSha256, s.ContentSha256,
                s.Rows.Min(r => r.Date), s.Rows.Max(r => r.Date))).ToList();
            var created = options.CreatedUtc ?? DateTimeOffset.UtcNow;
            var card = new ModelCard
            {
                HarnessVersion = HarnessInfo.Version,
                CreatedUtc = created,
                FeatureNames = data.FeatureNames,
                ClassNames = data.ClassNames,
                PositiveClass = data.PositiveClass,
                TrainingSites = trainingSites,
                Development = development,
                TrainingConfig = config,
                DevelopmentPredictions = predictions,
                OperatingPoint = operatingPoint,
                FeatureMissingRates = MissingRates(data),
                CategoricalLevels = CategoricalLevels(network, data),
            };
            var onnx = OnnxExport.Build(network.Model, card);
            var report = new TrainingReport
            {
                HarnessVersion = HarnessInfo.Version,
                CreatedUtc = created,
                Config = (JsonObject)config.DeepClone(),
                Device = network.DeviceChoice,
                Sites = trainingSites,
                FeatureNames = data.FeatureNames,
                ClassNames = data.ClassNames,
                PositiveClass = data.PositiveClass,
                Split = Summarise(data, split, options),
                Preprocessing = Preprocessing(network, data),
                Epochs = network.Epochs,
                BestEpoch = network.BestEpoch,
                StoppedEarly = network.StopReason is not null,
                StopReason = network.StopReason,
                InternalValidation = development,
                OperatingPoint = operatingPoint,
                Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            };
            return new TrainingOutcome(network, data, split, card, onnx, report);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The site's rows within the training period (--from/--until); a site left without rows is an error.</summary>
    private static SiteData InPeriod(SiteData site, TrainingOptions options)
    {
        var kept = site.InPeriod(options.From, options.Until);
        if (kept.Rows.Count == 0)
            throw new InputException(
                $"no row of this site is dated within the training period ({options.From?.ToString("yyyy-MM-dd") ?? "any"} to {options.Until?.ToString("yyyy-MM-dd") ?? "any"}; undated rows are left out when a period is given).",
                "Widen --from/--until, give the rows dates, or leave this site out.", PathDisplay.Of(site.Site.ManifestPath));
        return kept;
    }

    /// <summary>Patients as indices 0..K-1 in order of first appearance.</summary>
    private static int[] ClusterIndices(IEnumerable<string> groups)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        return groups.Select(g => index.TryGetValue(g, out int i) ? i : index[g] = index.Count).ToArray();
    }

    private static Dictionary<string, double> MissingRates(TrainingData data) =>
        data.FeatureNames.Select((name, f) => (name, f)).ToDictionary(x => x.name, x =>
        {
            int missing = 0;
            for (int r = 0; r < data.Count; r++) if (float.IsNaN(data.Features[r * data.FeatureCount + x.f])) missing++;
            return (double)missing / data.Count;
        });

    private static Dictionary<string, int> ClassCounts(TrainingData data, IEnumerable<int> rows)
    {
        var counts = data.ClassNames.ToDictionary(c => c, _ => 0);
        foreach (int r in rows) counts[data.ClassNames[data.Labels[r]]]++;
        return counts;
    }

    private static SplitSummary Summarise(TrainingData data, StratifiedGroupSplit.Split split, TrainingOptions options) =>
        new(SplitMethod, options.Seed, options.ValidationFraction, split.Train.Length, split.Validation.Length,
            split.Train.Select(i => data.Groups[i]).Distinct().Count(), split.Validation.Select(i => data.Groups[i]).Distinct().Count(),
            ClassCounts(data, split.Train), ClassCounts(data, split.Validation));

    /// <summary>Per feature in input order: a numeric one's median, mean and SD, a categorical one's levels, as the model holds them.</summary>
    private static Dictionary<string, FeaturePreprocessing> Preprocessing(TrainedNetwork network, TrainingData data)
    {
        float[] Read(TorchSharp.torch.Tensor t) => t.cpu().data<float>().ToArray();
        var block = network.Model.Preprocessing;
        var (median, mean, sd) = (Read(block.ImputeMedian), Read(block.ScaleMean), Read(block.ScaleStd));
        var numeric = block.NumericColumns.Select((column, i) => (column, i)).ToDictionary(x => x.column, x => x.i);
        var levels = CategoricalLevels(network, data);
        return data.FeatureNames.Select((name, f) => (name, f)).ToDictionary(x => x.name, x =>
            numeric.TryGetValue(x.f, out int i) ? new FeaturePreprocessing(median[i], mean[i], sd[i])
            : new FeaturePreprocessing(null, null, null) { OneHotLevels = levels![x.name] });
    }

    /// <summary>Per categorical feature, the levels the model one-hot encodes; null when every feature is numeric.</summary>
    private static Dictionary<string, double[]>? CategoricalLevels(TrainedNetwork network, TrainingData data) =>
        network.Model.Preprocessing.Categorical is { Count: > 0 } categorical
            ? categorical.ToDictionary(c => data.FeatureNames[c.Column], c => c.Levels.Select(l => (double)l).ToArray())
            : null;
}
