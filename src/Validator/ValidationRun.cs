using Harness.Core;
using Harness.Core.Sites;
using Harness.Validator.Inference;
using Harness.Validator.Results;
using Harness.Validator.Scoring;

namespace Harness.Validator;

public sealed record ValidationOptions
{
    public DeviceRequest Device { get; init; } = DeviceRequest.Auto;

    /// <summary>Rows per ONNX Runtime call.</summary>
    public int BatchSize { get; init; } = 4096;
}

/// <summary>
/// `harness validate`: score a Harness ONNX model on each site and compare with its development
/// reference. Every site's folder and header are checked against the model before any scoring.
/// </summary>
public static class ValidationRun
{
    /// <param name="predictionsDestination">Receives predictions.csv as scoring streams.</param>
    public static ValidationResults Run(string modelPath, IReadOnlyList<string> siteFolders, ValidationOptions options,
        TextWriter predictionsDestination, IValidationProgress? progress = null, CancellationToken cancellation = default)
    {
        if (options.BatchSize < 1) throw new InputException("--batch-size must be at least 1.", "Change --batch-size.");
        if (siteFolders.Count == 0) throw new InputException("no site was given.", "Pass at least one --site DIR.");
        var started = DateTimeOffset.UtcNow;
        var sites = siteFolders.Select(SiteFolder.Open).ToList();
        if (sites.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new InputException($"two sites are named '{twice.Key}'.", "Site names come from folder names; give each a distinct name.");

        using var model = HarnessModel.Load(modelPath, options.Device);
        progress?.DeviceChosen(model.Execution);
        foreach (var site in sites)
        {
            using var reader = ManifestReader.Open(site);
            reader.Schema.AlignTo(model.Card.FeatureNames, PathDisplay.Of(site.ManifestPath), "the model");
        }

        using var predictions = new PredictionsCsv(predictionsDestination, model.Card.ClassNames);
        var results = new List<SiteResult>();
        foreach (var site in sites)
        {
            progress?.SiteStarted(site.Name);
            results.Add(SiteScorer.Score(model, site, predictions, options.BatchSize, progress, cancellation));
        }

        var card = model.Card;
        return new ValidationResults
        {
            Model = new ModelIdentity
            {
                Path = model.FilePath,
                Sha256 = model.Sha256,
                HarnessVersion = card.HarnessVersion,
                CreatedUtc = card.CreatedUtc,
                FeatureNames = card.FeatureNames,
                ClassNames = card.ClassNames,
                PositiveClass = card.PositiveClass,
                TrainingSites = card.TrainingSites,
                TrainingConfig = card.TrainingConfig,
            },
            Execution = new ExecutionInfo(model.Execution.Requested, model.Execution.Used, model.Execution.Reason, HarnessInfo.Version, started),
            Development = card.Development,
            Sites = results,
        };
    }
}
