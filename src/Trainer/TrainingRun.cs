using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Trainer.Data;
using Harness.Trainer.Export;
using Harness.Trainer.Model;
using Harness.Trainer.Training;

namespace Harness.Trainer;

public static class TrainingRun
{
    public static TrainingOutcome Run(IReadOnlyList<string> siteFolders, TrainingOptions options,
        ITrainingProgress? progress = null, CancellationToken cancellation = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var folders = siteFolders.Select(SiteFolder.Open).ToList(); // every folder checked before any is read
        var sites = folders.Select(f => InPeriod(SiteData.Load(f), options)).ToList();
        var data = TrainingData.FromSites(sites, options.PositiveClass, options.Categorical, cancellation);
        if (data.Input?.Kind == Harness.Core.Inputs.InputKind.Signal && options.Input.SamplingRate is null)
            throw new InputException("the training sites hold signals, whose files carry no sampling rate, and input.sampling_rate is not given.",
                "Give the signals' samples per second with input.sampling_rate (for example 250); the model card records it.");
        CheckRegularisers(data, options);
        var scheme = CrossValidation.Parse(options.Split.Cv);
        var folds = Folds.Make(data.SplitKeys, scheme, options.Split.ValidationFraction, options.Seed);

        var device = TorchDevices.Select(options.Device);
        // A tabular batch (32 x tens of features) is far too small to split across threads: libtorch's
        // intra-op threads then spin against each other and slow an epoch down several-fold on a busy
        // machine. One thread by default (--threads).
        options = options with { Threads = options.Threads ?? (data.Input is null ? TrainingOptions.Defaults.TabularThreads : Environment.ProcessorCount) };
        if (device.Device.type == TorchSharp.DeviceType.CPU) TorchSharp.torch.set_num_threads(options.Threads.Value);
        progress?.DeviceChosen(device.Choice);

        var trained = new List<TrainedFold>();
        TrainedNetwork? final = null;
        try
        {
            int models = folds.Count + (scheme.RefitsOnAllRows ? 1 : 0);
            for (int f = 0; f < folds.Count; f++)
            {
                var fold = folds[f];
                progress?.ModelStarted(fold.Name, f + 1, models, fold.Fit.Length, fold.EarlyStopping.Length, fold.Evaluate.Length, options.Optimiser.Epochs);
                var network = NetworkTrainer.Train(data, fold.Fit, fold.EarlyStopping, FoldOptions(options, scheme, f), device, progress, cancellation);
                try
                {
                    var stopLogits = scheme.RefitsOnAllRows ? null : NetworkTrainer.PredictLogits(network.Model, data, fold.EarlyStopping, device.Device);
                    trained.Add(new TrainedFold(fold, NetworkTrainer.PredictLogits(network.Model, data, fold.Evaluate, device.Device),
                        stopLogits, network.Epochs, network.BestEpoch, network.StopReason, network.LearningRatesToBest));
                }
                finally
                {
                    if (scheme.RefitsOnAllRows) network.Dispose(); else final = network;
                }
            }

            string finalRule;
            if (scheme.RefitsOnAllRows)
            {
                // The lower median of the folds' best epochs is one fold's: its learning rates are replayed epoch by epoch.
                var chosen = trained.OrderBy(t => t.BestEpoch).ElementAt((trained.Count - 1) / 2);
                var allRows = Enumerable.Range(0, data.Count).ToArray();
                progress?.ModelStarted("final model, every row", models, models, allRows.Length, 0, 0, chosen.BestEpoch);
                final = NetworkTrainer.Refit(data, allRows, chosen.LearningRates, options, device, progress, cancellation);
                finalRule = $"refitted on all {data.Count} rows for {chosen.BestEpoch} epochs: the lower median of the folds' best epochs " +
                    $"({string.Join(", ", trained.Select(t => t.BestEpoch))}; {chosen.Fold.Name}'s), with that fold's learning rate in each epoch; no early stopping, as no row is left to watch";
            }
            else
                finalRule = $"the holdout network: fitted on {folds[0].Fit.Length} rows, epoch {final!.BestEpoch} chosen by early stopping on {folds[0].EarlyStopping.Length} other rows";

            return Summarise(sites, data, options, scheme, trained, final!, finalRule, clock, cancellation);
        }
        catch
        {
            final?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The augmentation chain and batch mixing checked against what the examples are, before any
    /// training: a step of another kind (flip:0.5 on tabular rows), a frequency at or above the signals'
    /// Nyquist rate, a crop as large as the images, CutMix on tabular rows.
    /// </summary>
    private static void CheckRegularisers(TrainingData data, TrainingOptions options)
    {
        var kind = data.Input?.Kind ?? Harness.Core.Inputs.InputKind.Tabular;
        var chain = Harness.Trainer.Augmentation.AugmentationChain.Parse(options.Augmentation.Chain, kind);
        if (data.Input is { } input) chain.Build(input with { SamplingRateHz = options.Input.SamplingRate });
        Harness.Trainer.Augmentation.BatchMixing.From(options.Targets, kind, data.ClassNames.Count, options.Seed);
    }

    /// <summary>Each fold's network starts from its own seed; the holdout network is the exported one, so it keeps the run's seed.</summary>
    internal static TrainingOptions FoldOptions(TrainingOptions options, CrossValidation scheme, int fold) =>
        scheme.RefitsOnAllRows ? options with { Seed = unchecked(options.Seed + 1 + fold) } : options;

    /// <summary>A fold's model, gone after its predictions: the logits of its evaluated (and, for holdout, early-stopping) rows and its curve.</summary>
    private sealed record TrainedFold(Fold Fold, float[] EvaluateLogits, float[]? EarlyStoppingLogits, IReadOnlyList<EpochRecord> Epochs,
        int BestEpoch, string? StopReason, IReadOnlyList<double> LearningRates);

    /// <summary>Calibrates, scores the development reference and each fold, and writes the card and training.json.</summary>
    private static TrainingOutcome Summarise(List<SiteData> sites, TrainingData data, TrainingOptions options, CrossValidation scheme,
        List<TrainedFold> trained, TrainedNetwork final, string finalRule, Stopwatch clock, CancellationToken cancellation)
    {
        int classes = data.ClassNames.Count;
        var calibration = Calibrate(data, options, scheme, trained, final);
        // The development rows in row order; each fold's logits over its own temperature.
        var rows = trained.SelectMany(t => t.Fold.Evaluate).Order().ToArray();
        var position = rows.Select((row, i) => (row, i)).ToDictionary(x => x.row, x => x.i);
        var logits = new float[rows.Length * classes];
        var foldTemperature = new double[rows.Length];
        for (int f = 0; f < trained.Count; f++)
            for (int i = 0; i < trained[f].Fold.Evaluate.Length; i++)
            {
                int at = position[trained[f].Fold.Evaluate[i]];
                Array.Copy(trained[f].EvaluateLogits, i * classes, logits, at * classes, classes);
                foldTemperature[at] = calibration.FoldTemperatures[f];
            }
        var labels = rows.Select(i => data.Labels[i]).ToArray();
        var clusters = PatientIndex.Number(rows.Select(i => data.Groups[i]));
        var predictions = new DevelopmentPredictions(classes, labels, Softmax(logits, classes, foldTemperature), clusters);
        var scored = predictions.ToScored(data.ClassNames, data.PositiveClassIndex);
        var operatingPoint = scored.IsBinary ? OperatingThreshold.Choose(scored, options.Threshold) : null;
        var intervals = new IntervalOptions { Seed = options.Seed };
        var estimate = MetricEstimator.Estimate(scored, operatingPoint?.Threshold, intervals, DevelopmentEvaluation.SampleKey, cancellation);
        var development = new DevelopmentEvaluation(DevelopmentMethod(scheme), scored.Count, ClassCounts(data, rows), estimate.Metrics)
        {
            Intervals = intervals,
        };
        var uncalibrated = new ScoredExamples(data.ClassNames, data.PositiveClassIndex, labels, Softmax(logits, classes, null)) { Clusters = clusters };
        var before = MetricEstimator.Estimate(uncalibrated, operatingPoint?.Threshold, intervals with { Resamples = 0 }, DevelopmentEvaluation.SampleKey, cancellation);
        var calibrationRecord = new CalibrationRecord(options.Calibration.Method, calibration.Final, calibration.FittedOn,
            CalibrationMetrics(before.Metrics), CalibrationMetrics(estimate.Metrics));

        var foldEvaluations = trained.Select(t =>
        {
            var at = t.Fold.Evaluate.Select(row => position[row]).ToArray();
            var foldScored = new ScoredExamples(data.ClassNames, data.PositiveClassIndex, at.Select(i => labels[i]).ToArray(),
                at.SelectMany(i => predictions.Probabilities.AsSpan(i * classes, classes).ToArray()).ToArray())
            {
                Clusters = PatientIndex.Number(t.Fold.Evaluate.Select(r => data.Groups[r])),
            };
            var metrics = MetricEstimator.Estimate(foldScored, operatingPoint?.Threshold, intervals, $"{DevelopmentEvaluation.SampleKey}/{t.Fold.Name}", cancellation).Metrics;
            return new FoldEvaluation(t.Fold.Name, t.Fold.Evaluate.Length, ClassCounts(data, t.Fold.Evaluate), t.BestEpoch, metrics);
        }).ToList();
        var spread = estimate.Metrics.Names
            .Select(name => (name, spread: FoldSpread.Of(foldEvaluations.Select(e => e.Metrics.ValueOf(name)).OfType<double>().ToList())))
            .Where(x => x.spread is not null).ToDictionary(x => x.name, x => x.spread!);
        var crossValidation = new CrossValidationRecord(scheme.ToString(), foldEvaluations, spread, finalRule);

        var config = JsonSerializer.SerializeToNode(options, HarnessJson.Compact)!.AsObject();
        var trainingSites = sites.Select(s => new TrainingSite(s.Site.Name, s.Rows.Count, s.ManifestSha256, s.ContentSha256,
            s.Rows.Min(r => r.Date), s.Rows.Max(r => r.Date))).ToList();
        var created = options.CreatedUtc ?? DateTimeOffset.UtcNow;
        var descriptors = data.Descriptors();
        var distribution = TrainingDistribution.Of(descriptors, data.DescriptorNames, data.CategoricalColumns, data.Labels, data.ClassNames);
        var card = new ModelCard
        {
            HarnessVersion = HarnessInfo.Version,
            CreatedUtc = created,
            FeatureNames = data.FeatureNames,
            Input = (final.Model as ConvClassifier)?.Input,
            ClassNames = data.ClassNames,
            PositiveClass = data.PositiveClass,
            TrainingSites = trainingSites,
            Development = development,
            TrainingConfig = config,
            DevelopmentPredictions = predictions,
            OperatingPoint = operatingPoint,
            FeatureMissingRates = distribution.Features.ToDictionary(f => f.Name, f => f.MissingRate),
            Calibration = calibrationRecord,
            CrossValidation = crossValidation,
            CategoricalLevels = CategoricalLevels(final, data),
            TrainingDistribution = distribution,
            TrainingRows = RowFingerprint.Of(FingerprintSalt(options, sites), descriptors, data.DescriptorNames.Count,
                data.Labels.Select(l => data.ClassNames[l]).ToList()),
            TrainingDevice = final.DeviceChoice,
            TrainingHistory = new TrainingHistory([
                .. trained.Select(t => History(t.Fold.Name, t.BestEpoch, t.Epochs)),
                History("exported model", final.BestEpoch, final.Epochs),
            ]),
        };
        var onnx = OnnxExport.Build(final.Model, card);
        var report = new TrainingReport
        {
            HarnessVersion = HarnessInfo.Version,
            CreatedUtc = created,
            Config = (JsonObject)config.DeepClone(),
            Device = final.DeviceChoice,
            Sites = trainingSites,
            FeatureNames = data.FeatureNames,
            Input = card.Input,
            ClassNames = data.ClassNames,
            PositiveClass = data.PositiveClass,
            Folds = trained.Select(t => new FoldRecord(t.Fold.Name, Roles(data, t.Fold.Fit), Roles(data, t.Fold.EarlyStopping),
                Roles(data, t.Fold.Evaluate), t.Epochs, t.BestEpoch, t.StopReason)).ToList(),
            FinalModel = finalRule,
            Preprocessing = Preprocessing(final, data),
            Epochs = final.Epochs,
            BestEpoch = final.BestEpoch,
            StoppedEarly = final.StopReason is not null,
            StopReason = final.StopReason,
            Development = development,
            CrossValidation = crossValidation,
            Calibration = calibrationRecord,
            OperatingPoint = operatingPoint,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
        };
        return new TrainingOutcome(final, data, trained.Select(t => t.Fold).ToList(), card, onnx, report);
    }

    private static ModelHistory History(string name, int bestEpoch, IReadOnlyList<EpochRecord> epochs) =>
        new(name, bestEpoch, epochs.Select(e => e.TrainLoss).ToList(), epochs.Select(e => e.ValidationLoss).ToList());

    /// <param name="Final">The exported model's temperature.</param>
    /// <param name="FoldTemperatures">Per fold, the temperature its development rows are scored with: never fitted on them.</param>
    private sealed record Calibration(double Final, double[] FoldTemperatures, string FittedOn);

    /// <summary>
    /// Temperature scaling (or T = 1 for --calibration none). Holdout: T is fitted on the network's
    /// early-stopping rows. Cross-validation: the exported T is fitted on every out-of-fold logit, and
    /// each fold's development rows are scored with a T fitted on the other folds' logits only
    /// (cross-fitting), so that the development reference never scores rows its calibration saw.
    /// </summary>
    private static Calibration Calibrate(TrainingData data, TrainingOptions options, CrossValidation scheme, List<TrainedFold> trained, TrainedNetwork final)
    {
        int classes = data.ClassNames.Count;
        if (options.Calibration.Method == TrainingOptions.NoCalibration)
            return new Calibration(1, trained.Select(_ => 1.0).ToArray(), "not calibrated (calibration.method none)");
        double Fit(IEnumerable<TrainedFold> folds, Func<TrainedFold, (float[] Logits, int[] Rows)> pick)
        {
            var picked = folds.Select(pick).ToList();
            return TemperatureScaling.Fit(picked.SelectMany(p => p.Logits).ToArray(),
                picked.SelectMany(p => p.Rows.Select(r => data.Labels[r])).ToArray(), classes);
        }
        double t;
        double[] perFold;
        string fittedOn;
        if (!scheme.RefitsOnAllRows)
        {
            t = Fit(trained, f => (f.EarlyStoppingLogits!, f.Fold.EarlyStopping));
            perFold = [t];
            fittedOn = $"the holdout network's {trained[0].Fold.EarlyStopping.Length} early-stopping rows";
        }
        else
        {
            t = Fit(trained, f => (f.EvaluateLogits, f.Fold.Evaluate));
            perFold = trained.Select(held => Fit(trained.Where(f => f != held), f => (f.EvaluateLogits, f.Fold.Evaluate))).ToArray();
            fittedOn = $"the {trained.Sum(f => f.Fold.Evaluate.Length)} out-of-fold predictions (each fold's development rows are scored with a temperature fitted on the other folds)";
        }
        final.Model.Calibration.Value = t;
        return new Calibration(t, perFold, fittedOn);
    }

    private static string DevelopmentMethod(CrossValidation scheme) => scheme.Kind switch
    {
        CrossValidation.KFold => $"out-of-fold predictions of {scheme.K}-fold cross-validation (stratified by label, grouped by patient, seeded): each row predicted by the fold model that never saw its patient",
        CrossValidation.LeaveOneSiteOut => "out-of-site predictions of leave-one-site-out cross-validation: each site's rows predicted by a model trained on the other sites",
        _ => "holdout: development rows held out from fitting, early stopping and calibration (stratified by label, grouped by patient, seeded)",
    };

    /// <summary>The fingerprint's salt: fixed by the seed and the training manifests, so a retrained model is byte-identical.</summary>
    private static ulong FingerprintSalt(TrainingOptions options, List<SiteData> sites) =>
        sites.Aggregate((ulong)(uint)options.Seed, (salt, site) => salt * 31 + Convert.ToUInt64(site.ManifestSha256[..16], 16));

    /// <summary>Row-major softmax of logits divided by each row's temperature (none: 1).</summary>
    private static float[] Softmax(float[] logits, int classes, double[]? temperature)
    {
        var p = new float[logits.Length];
        for (int r = 0; r < logits.Length / classes; r++)
        {
            double t = temperature?[r] ?? 1, max = double.NegativeInfinity, sum = 0;
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[r * classes + c] / t);
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[r * classes + c] / t - max);
            for (int c = 0; c < classes; c++) p[r * classes + c] = (float)(Math.Exp(logits[r * classes + c] / t - max) / sum);
        }
        return p;
    }

    private static readonly string[] CalibrationKeys = [MetricKeys.LogLoss, MetricKeys.Ece, MetricKeys.CalibrationIntercept, MetricKeys.CalibrationSlope];

    private static Dictionary<string, double?> CalibrationMetrics(MetricSet metrics) =>
        CalibrationKeys.Where(k => metrics.TryGet(k, out _)).ToDictionary(k => k, k => metrics.ValueOf(k));

    /// <summary>The site's rows within the training period (--from/--until); a site left without rows is an error.</summary>
    private static SiteData InPeriod(SiteData site, TrainingOptions options)
    {
        var kept = site.InPeriod(options.From, options.Until);
        if (kept.Rows.Count == 0)
            throw new InputException(
                $"no row of this site is dated within the training period ({options.From?.ToString("yyyy-MM-dd") ?? "any"} to {options.Until?.ToString("yyyy-MM-dd") ?? "any"}; undated rows are left out when a period is given).",
                "Widen the training period (from/until), give the rows dates, or leave this site out.", PathDisplay.Of(site.Site.ManifestPath));
        return kept;
    }

    private static Dictionary<string, int> ClassCounts(TrainingData data, IEnumerable<int> rows)
    {
        var counts = data.ClassNames.ToDictionary(c => c, _ => 0);
        foreach (int r in rows) counts[data.ClassNames[data.Labels[r]]]++;
        return counts;
    }

    private static RoleRows Roles(TrainingData data, int[] rows) =>
        new(rows.Length, rows.Select(i => data.Groups[i]).Distinct().Count(), ClassCounts(data, rows));

    /// <summary>
    /// Per feature in input order: a numeric one's median, mean and SD, a categorical one's levels, as the
    /// model holds them. Signals and images: per channel, the mean and SD the network normalises with.
    /// </summary>
    private static Dictionary<string, FeaturePreprocessing> Preprocessing(TrainedNetwork network, TrainingData data)
    {
        if (network.Tabular is null)
        {
            var input = ((ConvClassifier)network.Model).Input;
            return input.Channels.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => new FeaturePreprocessing(null, input.ChannelMean![x.i], input.ChannelStd![x.i]));
        }
        float[] Read(TorchSharp.torch.Tensor t) => t.cpu().data<float>().ToArray();
        var block = network.Tabular.Preprocessing;
        var (median, mean, sd) = (Read(block.ImputeMedian), Read(block.ScaleMean), Read(block.ScaleStd));
        var numeric = block.NumericColumns.Select((column, i) => (column, i)).ToDictionary(x => x.column, x => x.i);
        var levels = CategoricalLevels(network, data);
        return data.FeatureNames.Select((name, f) => (name, f)).ToDictionary(x => x.name, x =>
            numeric.TryGetValue(x.f, out int i) ? new FeaturePreprocessing(median[i], mean[i], sd[i])
            : new FeaturePreprocessing(null, null, null) { OneHotLevels = levels![x.name] });
    }

    /// <summary>Per categorical feature, the levels the model one-hot encodes; null when every feature is numeric.</summary>
    private static Dictionary<string, double[]>? CategoricalLevels(TrainedNetwork network, TrainingData data) =>
        network.Tabular?.Preprocessing.Categorical is { Count: > 0 } categorical
            ? categorical.ToDictionary(c => data.FeatureNames[c.Column], c => c.Levels.Select(l => (double)l).ToArray())
            : null;
}
