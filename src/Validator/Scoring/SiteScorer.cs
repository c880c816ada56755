using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Sites;
using Harness.Validator.Inference;

namespace Harness.Validator.Scoring;

/// <summary>What scoring one site produced: its predictions (labels, probabilities, patients) and how complete its features were.</summary>
/// <param name="MissingByFeature">Per model feature (card order), the rows where it was missing.</param>
/// <param name="ContentSha256">The manifest's content hash, whatever its line endings or column order (<see cref="ManifestReader.ContentSha256"/>).</param>
/// <param name="UnseenLevels">Per categorical feature of the model with any, the rows whose value is a level training never saw, and those values.</param>
internal sealed record ScoredSite(SiteFolder Site, string ManifestSha256, string ContentSha256, ScoredExamples Examples, long[] MissingByFeature,
    IReadOnlyList<UnseenLevels> UnseenLevels);

/// <summary>The rows of a site where a categorical feature holds a level training never saw (the model reads it as missing).</summary>
/// <param name="Values">The unseen values, ascending: all of them, or <see cref="SiteScorer.UnseenValuesKept"/> of the first met.</param>
/// <param name="MoreValues">Whether there were more unseen values than <paramref name="Values"/> lists.</param>
internal sealed record UnseenLevels(string Feature, long Rows, IReadOnlyList<float> Values, bool MoreValues);

/// <summary>
/// Scores one site: streams its manifest in batches through the model and writes each
/// prediction as it goes. Only labels, probabilities and patient indices are kept in memory
/// (what the rank-based metrics and the patient bootstrap need), never the features.
/// </summary>
internal static class SiteScorer
{
    public static ScoredSite Score(HarnessModel model, SiteFolder site, PredictionsCsv predictions, int batchSize,
        IValidationProgress? progress, CancellationToken cancellation)
    {
        var card = model.Card;
        int width = card.FeatureNames.Count, classes = card.ClassNames.Count;
        var classIndex = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        string file = PathDisplay.Of(site.ManifestPath);

        using var reader = ManifestReader.Open(site);
        int[] columnOf = reader.Schema.AlignTo(card.FeatureNames, file, "the model");
        int labelColumn = reader.Schema.Columns.ToList().IndexOf(ManifestSchema.LabelColumn) + 1;
        // Without a patient_id column every row is its own patient: no index to keep.
        var patients = reader.Schema.HasPatientId ? new Dictionary<string, int>(StringComparer.Ordinal) : null;

        var labels = new List<int>();
        var clusters = new List<int>();
        var probabilities = new List<float>();
        var missing = new long[width];
        var categorical = (card.CategoricalLevels ?? new Dictionary<string, double[]>())
            .Select(c => (Feature: c.Key, Column: card.FeatureNames.ToList().IndexOf(c.Key), Levels: c.Value.Select(l => (float)l).ToHashSet()))
            .ToList();
        var unseenRows = new long[categorical.Count];
        var unseenValues = categorical.Select(_ => new SortedSet<float>()).ToList();
        var batch = new float[batchSize * width];
        var batchRows = new List<ManifestRow>(batchSize);

        void Flush()
        {
            if (batchRows.Count == 0) return;
            float[] p = model.Predict(batch.AsMemory(0, batchRows.Count * width), batchRows.Count);
            for (int r = 0; r < batchRows.Count; r++)
            {
                if (NotADistribution(p.AsSpan(r * classes, classes)) is { } problem)
                    throw new InputException($"the model's output for this row is not a probability distribution ({problem}), so nothing can be scored.",
                        "The model is broken (its graph yields NaN, infinite, negative or unnormalised outputs, here perhaps from an extreme feature value): check this row, and re-export the model with 'harness train'.",
                        file, batchRows[r].Line);
                predictions.Write(site.Name, batchRows[r].Id, batchRows[r].Line, batchRows[r].Label, p.AsSpan(r * classes, classes));
            }
            probabilities.AddRange(p);
            progress?.RowsScored(labels.Count);
            batchRows.Clear();
        }

        foreach (var row in reader.ReadRows())
        {
            if (!classIndex.TryGetValue(row.Label, out int label))
                throw new InputException($"label '{row.Label}' is not one of the model's classes ({string.Join(", ", card.ClassNames)}).",
                    "Use the class names the model was trained with, or leave this site out.", file, row.Line, labelColumn);
            int offset = batchRows.Count * width;
            for (int f = 0; f < width; f++)
            {
                float value = row.Features[columnOf[f]];
                batch[offset + f] = value;
                if (float.IsNaN(value)) missing[f]++;
            }
            for (int c = 0; c < categorical.Count; c++)
            {
                float value = batch[offset + categorical[c].Column];
                if (float.IsNaN(value) || categorical[c].Levels.Contains(value)) continue;
                unseenRows[c]++;
                if (unseenValues[c].Count <= UnseenValuesKept) unseenValues[c].Add(value); // one more than shown: "..." when there are more
            }
            labels.Add(label);
            if (patients is not null)
                clusters.Add(patients.TryGetValue(row.PatientId, out int patient) ? patient : patients[row.PatientId] = patients.Count);
            batchRows.Add(row);
            if (batchRows.Count == batchSize)
            {
                cancellation.ThrowIfCancellationRequested();
                Flush();
            }
        }
        Flush();
        if (labels.Count == 0)
            throw new InputException("the manifest has a header but no rows.", "Add the site's examples, or leave this site out.", file);

        var scored = new ScoredExamples(card.ClassNames, card.PositiveClassIndex, labels.ToArray(), probabilities.ToArray())
        {
            Clusters = patients is null ? null : clusters.ToArray(),
        };
        var unseen = categorical.Select((c, i) => new UnseenLevels(c.Feature, unseenRows[i],
                unseenValues[i].Take(UnseenValuesKept).ToList(), unseenValues[i].Count > UnseenValuesKept))
            .Where(u => u.Rows > 0).ToList();
        return new ScoredSite(site, reader.Sha256, reader.ContentSha256, scored, missing, unseen);
    }

    /// <summary>How many distinct unseen values of a categorical feature the warning names at most.</summary>
    public const int UnseenValuesKept = 5;

    /// <summary>Float32 softmax outputs sum to 1 within about 1e-6; more than this is not a softmax.</summary>
    public const double SumTolerance = 1e-3;

    /// <summary>Why <paramref name="p"/> is not a probability distribution over the classes; null when it is.</summary>
    internal static string? NotADistribution(ReadOnlySpan<float> p)
    {
        double sum = 0;
        for (int c = 0; c < p.Length; c++)
        {
            if (!float.IsFinite(p[c])) return $"class {c + 1} has probability {p[c]}";
            if (p[c] is < 0 or > 1) return $"class {c + 1} has probability {p[c]:R}, outside [0, 1]";
            sum += p[c];
        }
        return Math.Abs(sum - 1) > SumTolerance ? $"the probabilities sum to {sum:G6}, not 1" : null;
    }
}
