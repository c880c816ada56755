using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Sites;
using Harness.Validator.Inference;
using Harness.Validator.Results;

namespace Harness.Validator.Scoring;

/// <summary>
/// Scores one site: streams its manifest in batches through the model, writes each prediction
/// as it goes, and computes the site's metrics, gap and calibration at the end. Only labels and
/// probabilities are kept in memory (what the rank-based AUROC needs), never the features.
/// </summary>
internal static class SiteScorer
{
    public static SiteResult Score(HarnessModel model, SiteFolder site, PredictionsCsv predictions, int batchSize,
        IValidationProgress? progress, CancellationToken cancellation)
    {
        var card = model.Card;
        int width = card.FeatureNames.Count, classes = card.ClassNames.Count;
        var classIndex = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        string file = PathDisplay.Of(site.ManifestPath);

        using var reader = ManifestReader.Open(site);
        int[] columnOf = reader.Schema.AlignTo(card.FeatureNames, file, "the model");
        int labelColumn = reader.Schema.Columns.ToList().IndexOf(ManifestSchema.LabelColumn) + 1;

        var labels = new List<int>();
        var probabilities = new List<float>();
        var batch = new float[batchSize * width];
        var batchRows = new List<ManifestRow>(batchSize);

        void Flush()
        {
            if (batchRows.Count == 0) return;
            float[] p = model.Predict(batch.AsMemory(0, batchRows.Count * width), batchRows.Count);
            for (int r = 0; r < batchRows.Count; r++)
                predictions.Write(site.Name, batchRows[r].Id, batchRows[r].Label, p.AsSpan(r * classes, classes));
            probabilities.AddRange(p);
            progress?.RowsScored(labels.Count);
            batchRows.Clear();
        }

        foreach (var row in reader.ReadRows())
        {
            if (!classIndex.TryGetValue(row.Label, out int label))
                throw new InputException($"label '{row.Label}' is not one of the model's classes ({string.Join(", ", card.ClassNames)}).",
                    "Use the class names the model was trained with, or leave this site out.", file, row.Line, labelColumn);
            for (int f = 0; f < width; f++) batch[batchRows.Count * width + f] = row.Features[columnOf[f]];
            labels.Add(label);
            batchRows.Add(row);
            if (batchRows.Count == batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                Flush();
            }
        }
        Flush();

        var scored = new ScoredExamples(card.ClassNames, card.PositiveClassIndex, labels.ToArray(), probabilities.ToArray());
        var metrics = ClassificationMetrics.Compute(scored);
        var counts = scored.ClassCounts();
        string sha256 = reader.Sha256;
        return new SiteResult
        {
            Name = site.Name,
            ManifestPath = site.ManifestPath,
            ManifestSha256 = sha256,
            N = scored.Count,
            ClassCounts = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => counts[x.i]),
            Prevalence = scored.PositiveClass is int pos ? (double)counts[pos] / scored.Count : null,
            HeldOut = !card.TrainingSites.Any(t => t.Name == site.Name || t.ManifestSha256 == sha256),
            Metrics = metrics,
            Gap = metrics.Minus(card.Development.Metrics),
            Calibration = scored.PositiveClass is int positive
                ? new CalibrationCurve("positive_class", card.ClassNames[positive], ClassificationMetrics.ClassReliability(scored, positive))
                : new CalibrationCurve("top_label", null, ClassificationMetrics.TopLabelReliability(scored)),
        };
    }
}
