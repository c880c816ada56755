using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Sites;
using Harness.Validator.Inference;
using Harness.Results;

namespace Harness.Validator.Scoring;

/// <summary>What scoring one site produced: its predictions (labels, probabilities, patients) and how complete its features were.</summary>
/// <param name="MissingByFeature">Per descriptor (<see cref="ModelCard.DescriptorNames"/>: the model's features, or a signal or image's channel summaries), the rows where it was missing.</param>
/// <param name="ContentSha256">The manifest's content hash, whatever its line endings or column order (<see cref="ManifestReader.ContentSha256"/>).</param>
/// <param name="UnseenLevels">Per categorical feature of the model with any, the rows whose value is a level training never saw, and those values.</param>
/// <param name="RowsSeenInTraining">Rows found in the model's training-row fingerprint; null when the card has none.</param>
/// <param name="Dates">The site's first and last date and its undated rows.</param>
/// <param name="Shift">How the site's rows differ from the training rows (or why that is not known).</param>
internal sealed record ScoredSite(SiteFolder Site, string ManifestSha256, string ContentSha256, ScoredExamples Examples, long[] MissingByFeature,
    IReadOnlyList<UnseenLevels> UnseenLevels, long? RowsSeenInTraining, DateRange Dates, SiteShift Shift);

/// <summary>The rows of a site where a categorical feature holds a level training never saw (the model reads it as missing).</summary>
/// <param name="Values">The unseen values, ascending: all of them, or <see cref="UnseenLevelCounter.ValuesKept"/> of the first met.</param>
/// <param name="MoreValues">Whether there were more unseen values than <paramref name="Values"/> lists.</param>
internal sealed record UnseenLevels(string Feature, long Rows, IReadOnlyList<float> Values, bool MoreValues);

/// <summary>
/// Scores one site: streams its manifest in batches through the model and hands each scored batch
/// to the observers (<see cref="ISiteObserver"/>): the predictions file, the examples the metrics
/// need, missing values, unseen categories, the shift statistics, and whatever else the caller adds. A row filter
/// (<see cref="IRowFilter"/>: the --from/--to window) decides first which rows are scored at all:
/// the others reach no observer. No observer keeps features; a site of any size is scored in
/// bounded memory.
/// </summary>
internal static class SiteScorer
{
    /// <param name="extra">More observers of this site's batches (after the standard ones).</param>
    /// <param name="filter">Which rows to score (a date window); the others are read and left out before anything sees them.</param>
    public static ScoredSite Score(HarnessModel model, SiteFolder site, PredictionsCsv predictions, int batchSize,
        IValidationProgress? progress, CancellationToken cancellation, IReadOnlyList<ISiteObserver>? extra = null, IRowFilter? filter = null)
    {
        var card = model.Card;
        int classes = card.ClassNames.Count;
        var classIndex = card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        string file = PathDisplay.Of(site.ManifestPath);

        using var reader = ManifestReader.Open(site);
        var inputs = ModelInputs.For(card, site, reader.Schema, batchSize);
        int width = inputs.DescriptorWidth;
        int labelColumn = reader.Schema.Columns.ToList().IndexOf(ManifestSchema.LabelColumn) + 1;

        var examples = new ExampleCollector(card, reader.Schema.HasPatientId);
        var missing = new MissingCounter(width);
        var unseen = new UnseenLevelCounter(card);
        var seen = new TrainingRowCounter(card.TrainingRows);
        var dates = new DateRange();
        var shift = new ShiftAccumulator(card);
        ISiteObserver[] observers = [new PredictionsWriter(predictions, site.Name), examples, missing, unseen, seen, dates, shift, .. extra ?? []];
        var labels = new int[batchSize];
        var sourceRows = new int[batchSize];
        int count = 0;
        long rows = 0;

        // Scores the rows gathered from one manifest batch (never more: the reader reuses it).
        void Flush(ManifestBatch source)
        {
            if (count == 0) return;
            var (input, descriptors) = inputs.Complete(count, cancellation);
            float[] p = model.Predict(input, count);
            for (int r = 0; r < count; r++)
                if (NotADistribution(p.AsSpan(r * classes, classes)) is { } problem)
                    throw new InputException($"the model's output for this row is not a probability distribution ({problem}), so nothing can be scored.",
                        "The model is broken (its graph yields NaN, infinite, negative or unnormalised outputs, here perhaps from an extreme feature value): check this row, and re-export the model with 'harness train'.",
                        file, source.Line(sourceRows[r]));
            var scored = new ScoredBatch(source, sourceRows.AsMemory(0, count), descriptors, width, labels.AsMemory(0, count), p, classes);
            foreach (var observer in observers) observer.Observe(scored);
            rows += count;
            progress?.RowsScored(rows);
            count = 0;
        }

        foreach (var batch in reader.ReadBatches(cancellation))
        {
            for (int r = 0; r < batch.Count; r++)
            {
                if (filter is not null && !filter.Keep(batch.Date(r))) continue;
                inputs.Add(batch, r, count);
                if (!classIndex.TryGetValue(batch.Label(r), out int label))
                    throw new InputException($"label '{batch.Label(r)}' is not one of the model's classes ({string.Join(", ", card.ClassNames)}).",
                        "Use the class names the model was trained with, or leave this site out.", file, batch.Line(r), labelColumn);
                labels[count] = label;
                sourceRows[count++] = r;
                if (count == batchSize) Flush(batch);
            }
            Flush(batch);
        }
        if (rows == 0 && filter is WindowFilter window)
            throw NoRowInWindow(window, file);
        if (rows == 0)
            throw new InputException("the manifest has a header but no rows.", "Add the site's examples, or leave this site out.", file);
        return new ScoredSite(site, reader.Sha256, reader.ContentSha256, examples.Examples(), missing.Missing, unseen.Result(), seen.Seen, dates, shift.Result());
    }

    /// <summary>A site none of whose rows falls in the window: an input error naming the manifest.</summary>
    internal static InputException NoRowInWindow(WindowFilter window, string file) =>
        new($"no row of this manifest is dated within --from/--to ({window.Window}): {Rows(window.DatedOutside)} dated outside it, {Rows(window.Undated)} without a date.",
            "Widen --from/--to, or leave this site out.", file);

    private static string Rows(long n) => n == 1 ? "1 row" : n.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture) + " rows";

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
