using System.Collections.Concurrent;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
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
/// <param name="Values">The unseen values, ascending: all of them, or <see cref="UnseenLevelCounter.ValuesKept"/> of those met first (chunk by chunk in file order; within a chunk in row order).</param>
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
/// <remarks>
/// The cores share the work chunk by chunk (<see cref="ManifestReader.ReadBatches{T}"/>): the worker
/// that parsed a chunk also filters its rows, checks their labels, runs the model on them (in
/// batches of the batch size), checks its outputs, formats their predictions.csv records and feeds
/// them to its own copies of the order-free observers (<see cref="IChunkObserver"/>). In file order,
/// the thread that reads the chunks then raises a chunk's first problem (so the error named is the
/// first in the file, as row by row), merges its observers, writes its records and hands its rows
/// to the observers that keep rows in order (the examples, the caller's slices).
/// </remarks>
internal static class SiteScorer
{
    /// <param name="extra">More observers of this site's batches (after the standard ones), fed in file order on one thread.</param>
    /// <param name="filter">Which rows to score (a date window); the others are read and left out before anything sees them.</param>
    public static ScoredSite Score(HarnessModel model, SiteFolder site, PredictionsCsv predictions, int batchSize,
        IValidationProgress? progress, CancellationToken cancellation, IReadOnlyList<ISiteObserver>? extra = null, IRowFilter? filter = null)
    {
        var card = model.Card;
        using var reader = ManifestReader.Open(site);
        var chunks = new ChunkScorer(model, site, reader.Schema, batchSize, filter, cancellation);
        var examples = new ExampleCollector(card, reader.Schema.HasPatientId);
        var missing = new MissingCounter(chunks.Width);
        var unseen = new UnseenLevelCounter(card);
        var seen = new TrainingRowCounter(card.TrainingRows);
        var dates = new DateRange();
        var shift = new ShiftAccumulator(card);
        IChunkObserver[] shared = [missing, unseen, seen, dates, shift];
        ISiteObserver[] ordered = [examples, .. extra ?? []];
        long rows = 0;

        foreach (var (batch, chunk) in reader.ReadBatches(b => chunks.Score(b, shared), cancellation))
        {
            if (chunk.Problem is { } first && first.Row < batch.Count) throw first.Error;
            if (chunk.RowsSeen != batch.Count) continue; // cut short at a repeated id: the reader raises it next
            if (filter is not null) filter.Merge(chunk.Filter!);
            for (int o = 0; o < shared.Length; o++) shared[o].Merge(chunk.Observers[o]);
            predictions.Append(chunk.Text);
            if (chunk.Count > 0)
            {
                var scored = chunk.Scored(batch, 0, chunk.Count);
                foreach (var observer in ordered) observer.Observe(scored);
            }
            rows += chunk.Count;
            progress?.RowsScored(rows);
            chunks.Return(chunk);
        }
        if (rows == 0 && filter is WindowFilter window)
            throw NoRowInWindow(window, PathDisplay.Of(site.ManifestPath));
        if (rows == 0)
            throw new InputException("the manifest has a header but no rows.", "Add the site's examples, or leave this site out.", PathDisplay.Of(site.ManifestPath));
        return new ScoredSite(site, reader.Sha256, reader.ContentSha256, examples.Examples(), missing.Missing, unseen.Result(), seen.Seen, dates, shift.Result());
    }

    /// <summary>One chunk's rows after its worker scored them: what the reading thread merges, writes and hands on.</summary>
    private sealed class ScoredChunk(int width, int classes)
    {
        /// <summary>The batch's rows when the worker took it (the reader may cut it short after, at a repeated id).</summary>
        public int RowsSeen;

        /// <summary>Rows scored (kept by the filter), and each one's row in the batch, class, descriptors and probabilities.</summary>
        public int Count;
        public int[] SourceRows = [], Labels = [];
        public float[] Descriptors = [], Probabilities = [];
        public readonly PredictionsCsv.Lines Text = new();
        public IChunkObserver[] Observers = [];
        public IRowFilter? Filter;

        /// <summary>The first problem of the chunk and the batch row it is at; the rows before it were scored.</summary>
        public (int Row, InputException Error)? Problem;

        public void Reset(int rows, IChunkObserver[] shared, IRowFilter? filter)
        {
            RowsSeen = rows;
            Count = 0;
            Problem = null;
            Text.Clear();
            if (SourceRows.Length < rows)
            {
                SourceRows = new int[rows];
                Labels = new int[rows];
                Descriptors = new float[rows * width];
                Probabilities = new float[rows * classes];
            }
            Observers = shared.Select(o => o.Fork()).ToArray();
            Filter = filter?.Fork();
        }

        public ScoredBatch Scored(ManifestBatch source, int from, int count) =>
            new(source, SourceRows.AsMemory(from, count), Descriptors.AsMemory(from * width, count * width), width,
                Labels.AsMemory(from, count), Probabilities.AsMemory(from * classes, count * classes), classes);
    }

    /// <summary>Scores the chunks on the workers that parsed them, each with inputs and chunk buffers of its own from a pool.</summary>
    private sealed class ChunkScorer
    {
        private readonly HarnessModel _model;
        private readonly ModelCard _card;
        private readonly SiteFolder _site;
        private readonly ManifestSchema _schema;
        private readonly int _batchSize, _classes, _labelColumn;
        private readonly IRowFilter? _filter;
        private readonly CancellationToken _cancellation;
        private readonly string _file;
        private readonly Dictionary<string, int> _classIndex;
        private readonly ConcurrentBag<ModelInputs> _inputs = new();
        private readonly ConcurrentBag<ScoredChunk> _chunks = new();

        public ChunkScorer(HarnessModel model, SiteFolder site, ManifestSchema schema, int batchSize, IRowFilter? filter, CancellationToken cancellation)
        {
            (_model, _card, _site, _schema, _batchSize, _filter, _cancellation) = (model, model.Card, site, schema, batchSize, filter, cancellation);
            _file = PathDisplay.Of(site.ManifestPath);
            _classes = _card.ClassNames.Count;
            _classIndex = _card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
            _labelColumn = schema.Columns.ToList().IndexOf(ManifestSchema.LabelColumn) + 1;
            var inputs = ModelInputs.For(_card, site, schema, batchSize); // checks the schema once, here
            Width = inputs.DescriptorWidth;
            _inputs.Add(inputs);
        }

        /// <summary>Floats per row the observers see (<see cref="ModelCard.DescriptorNames"/>).</summary>
        public int Width { get; }

        public void Return(ScoredChunk chunk) => _chunks.Add(chunk);

        /// <summary>Filters, labels and scores the good rows of <paramref name="batch"/>; stops at the first problem, which it records.</summary>
        public ScoredChunk Score(ManifestBatch batch, IChunkObserver[] shared)
        {
            var chunk = _chunks.TryTake(out var spare) ? spare : new ScoredChunk(Width, _classes);
            chunk.Reset(batch.Count, shared, _filter);
            var inputs = _inputs.TryTake(out var free) ? free : ModelInputs.For(_card, _site, _schema, _batchSize);
            int pending = 0; // rows added to the inputs, not yet scored
            try
            {
                for (int r = 0; r < batch.Count; r++)
                {
                    if (chunk.Filter is { } filter && !filter.Keep(batch.Date(r))) continue;
                    InputException? problem = null;
                    int label = -1;
                    try { inputs.Add(batch, r, pending); } // the row's file, checked before its label
                    catch (InputException e) { problem = e; }
                    if (problem is null && !_classIndex.TryGetValue(batch.Label(r), out label))
                        problem = new InputException($"label '{batch.Label(r)}' is not one of the model's classes ({string.Join(", ", _card.ClassNames)}).",
                            "Use the class names the model was trained with, or leave this site out.", _file, batch.Line(r), _labelColumn);
                    if (problem is not null)
                    {
                        Flush(batch, chunk, inputs, pending);
                        chunk.Problem ??= (r, problem);
                        return chunk;
                    }
                    chunk.SourceRows[chunk.Count + pending] = r;
                    chunk.Labels[chunk.Count + pending] = label;
                    if (++pending == _batchSize)
                    {
                        if (!Flush(batch, chunk, inputs, pending)) return chunk;
                        pending = 0;
                    }
                }
                Flush(batch, chunk, inputs, pending);
                return chunk;
            }
            finally
            {
                _inputs.Add(inputs);
            }
        }

        /// <summary>Scores the <paramref name="pending"/> rows after the chunk's scored ones; false (and the problem recorded) when one is bad.</summary>
        private bool Flush(ManifestBatch batch, ScoredChunk chunk, ModelInputs inputs, int pending)
        {
            if (pending == 0 || chunk.Problem is not null) return chunk.Problem is null;
            int from = chunk.Count, width = Width;
            try
            {
                var (input, descriptors) = inputs.Complete(pending, _cancellation);
                float[] p = _model.Predict(input, pending);
                for (int r = 0; r < pending; r++)
                    if (NotADistribution(p.AsSpan(r * _classes, _classes)) is { } problem)
                        throw new InputException($"the model's output for this row is not a probability distribution ({problem}), so nothing can be scored.",
                            "The model is broken (its graph yields NaN, infinite, negative or unnormalised outputs, here perhaps from an extreme feature value): check this row, and re-export the model with 'harness train'.",
                            _file, batch.Line(chunk.SourceRows[from + r]));
                p.CopyTo(chunk.Probabilities, from * _classes);
                descriptors.Span.CopyTo(chunk.Descriptors.AsSpan(from * width));
            }
            catch (InputException e)
            {
                // A bad file or output: at the row on its line, else (no line) at the first row of these.
                int at = from;
                for (int r = from; r < from + pending; r++)
                    if (batch.Line(chunk.SourceRows[r]) == e.Line) { at = r; break; }
                chunk.Problem = (chunk.SourceRows[at], e);
                return false;
            }
            var scored = chunk.Scored(batch, from, pending);
            foreach (var observer in chunk.Observers) observer.Observe(scored);
            string site = _site.Name;
            for (int r = 0; r < pending; r++)
                chunk.Text.Write(site, scored.Id(r), scored.Line(r), scored.Label(r), scored.ProbabilitiesOf(r));
            chunk.Count += pending;
            return true;
        }
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
