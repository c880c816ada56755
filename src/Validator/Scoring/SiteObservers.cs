using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;

namespace Harness.Validator.Scoring;

/// <summary>
/// One batch of a site's rows after the model scored it: where they are in the manifest's batch
/// (<paramref name="Source"/>, rows <paramref name="SourceRows"/>), their features in the model's
/// order (row-major, NaN = missing), class indices and the model's probabilities (row-major).
/// Valid only during <see cref="ISiteObserver.Observe"/>: the scorer and the reader reuse the buffers.
/// </summary>
internal readonly record struct ScoredBatch(ManifestBatch Source, ReadOnlyMemory<int> SourceRows, ReadOnlyMemory<float> Features, int Width,
    ReadOnlyMemory<int> Labels, ReadOnlyMemory<float> Probabilities, int Classes)
{
    public int Count => Labels.Length;
    public ReadOnlySpan<float> FeaturesOf(int row) => Features.Span.Slice(row * Width, Width);
    public ReadOnlySpan<float> ProbabilitiesOf(int row) => Probabilities.Span.Slice(row * Classes, Classes);
    public long Line(int row) => Source.Line(SourceRows.Span[row]);
    public string Id(int row) => Source.Id(SourceRows.Span[row]);
    public string Label(int row) => Source.Label(SourceRows.Span[row]);
    public string PatientId(int row) => Source.PatientId(SourceRows.Span[row]);
    public DateOnly? Date(int row) => Source.Date(SourceRows.Span[row]);
    public string Group(int group, int row) => Source.Group(group, SourceRows.Span[row]);
}

/// <summary>
/// What <see cref="SiteScorer"/> feeds each batch to as it streams a site: one observer per concern
/// (predictions file, the examples the metrics need, missing values, unseen categories, ...), each
/// keeping only its own summary, so a site of any size is scored in bounded memory.
/// </summary>
internal interface ISiteObserver
{
    void Observe(in ScoredBatch batch);
}

/// <summary>
/// An observer whose result does not depend on the order of rows, so that the cores can share its
/// work: each chunk of the manifest is observed by a fresh copy (<see cref="Fork"/>) on the worker
/// that parsed and scored it, and the copies are merged into the site's observer in file order
/// (so that sums add up in the same order whatever the scheduling).
/// </summary>
internal interface IChunkObserver : ISiteObserver
{
    /// <summary>An empty observer of the same kind and settings.</summary>
    IChunkObserver Fork();

    /// <summary>Adds what <paramref name="chunk"/> (a <see cref="Fork"/> of this one) observed.</summary>
    void Merge(IChunkObserver chunk);
}

/// <summary>
/// Keeps what the rank-based metrics and the patient bootstrap need: labels, probabilities and
/// patient indices (without a patient_id column every row is its own patient: no index), never features.
/// </summary>
internal sealed class ExampleCollector(ModelCard card, bool hasPatientId) : ISiteObserver
{
    private readonly ChunkedList<int> _labels = new();
    private readonly ChunkedList<float> _probabilities = new();
    private readonly ChunkedList<int>? _clusters = hasPatientId ? new() : null;
    private readonly PatientIndex _patients = new();

    public long Count => _labels.Count;

    public void Observe(in ScoredBatch batch)
    {
        _labels.AddRange(batch.Labels.Span);
        _probabilities.AddRange(batch.Probabilities.Span);
        if (_clusters is null) return;
        for (int r = 0; r < batch.Count; r++) _clusters.Add(_patients.Of(batch.PatientId(r)));
    }

    /// <summary>One row of a batch: for observers that keep some rows only (<see cref="SliceCollector"/>).</summary>
    public void Add(in ScoredBatch batch, int row)
    {
        _labels.Add(batch.Labels.Span[row]);
        _probabilities.AddRange(batch.ProbabilitiesOf(row));
        _clusters?.Add(_patients.Of(batch.PatientId(row)));
    }

    /// <summary>The examples kept; the collector is emptied (its memory goes to the arrays).</summary>
    public ScoredExamples Examples() =>
        new(card.ClassNames, card.PositiveClassIndex, _labels.MoveToArray(), _probabilities.MoveToArray()) { Clusters = _clusters?.MoveToArray() };
}

/// <summary>
/// Splits a site into slices by a key of each row (a subgroup's level, a calendar period), keeping
/// each slice's examples as <see cref="ExampleCollector"/> does (never features). A row whose key is
/// null belongs to no slice and is counted (<see cref="Unsliced"/>: undated rows, for periods). More
/// than <paramref name="maxSlices"/> keys is the error <paramref name="tooMany"/> words.
/// </summary>
internal sealed class SliceCollector(ModelCard card, bool hasPatientId, SliceCollector.KeyOf keyOf,
    int maxSlices = int.MaxValue, Func<int, Exception>? tooMany = null) : ISiteObserver
{
    public delegate string? KeyOf(in ScoredBatch batch, int row);

    private readonly SortedDictionary<string, ExampleCollector> _slices = new(StringComparer.Ordinal);

    /// <summary>Rows whose key was null.</summary>
    public long Unsliced { get; private set; }

    public void Observe(in ScoredBatch batch)
    {
        for (int r = 0; r < batch.Count; r++)
        {
            if (keyOf(batch, r) is not { } key)
            {
                Unsliced++;
                continue;
            }
            if (!_slices.TryGetValue(key, out var slice))
            {
                if (_slices.Count == maxSlices) throw tooMany?.Invoke(maxSlices) ?? new InvalidOperationException($"More than {maxSlices} slices.");
                _slices[key] = slice = new ExampleCollector(card, hasPatientId);
            }
            slice.Add(batch, r);
        }
    }

    /// <summary>Each slice's examples, in ordinal key order.</summary>
    public IReadOnlyList<(string Key, ScoredExamples Examples)> Slices() => _slices.Select(s => (s.Key, s.Value.Examples())).ToList();
}

/// <summary>Per model feature, the rows where it was missing.</summary>
internal sealed class MissingCounter(int width) : IChunkObserver
{
    public long[] Missing { get; } = new long[width];

    public IChunkObserver Fork() => new MissingCounter(width);

    public void Merge(IChunkObserver chunk)
    {
        var other = ((MissingCounter)chunk).Missing;
        for (int f = 0; f < width; f++) Missing[f] += other[f];
    }

    public void Observe(in ScoredBatch batch)
    {
        var features = batch.Features.Span;
        for (int i = 0; i < batch.Count * width; i++)
            if (float.IsNaN(features[i])) Missing[i % width]++;
    }
}

/// <summary>Per categorical feature, the rows whose value is a level training never saw (the model reads it as missing), and some of those values.</summary>
internal sealed class UnseenLevelCounter : IChunkObserver
{
    /// <summary>How many distinct unseen values of a categorical feature the warning names at most.</summary>
    public const int ValuesKept = 5;

    private readonly List<(string Feature, int Column, HashSet<float> Levels)> _features;
    private readonly long[] _rows;
    private readonly SortedSet<float>[] _values;

    public UnseenLevelCounter(ModelCard card) : this((card.CategoricalLevels ?? new Dictionary<string, double[]>())
        .Select(c => (c.Key, card.FeatureNames.ToList().IndexOf(c.Key), c.Value.Select(l => (float)l).ToHashSet()))
        .ToList())
    {
    }

    private UnseenLevelCounter(List<(string Feature, int Column, HashSet<float> Levels)> features)
    {
        _features = features;
        _rows = new long[_features.Count];
        _values = _features.Select(_ => new SortedSet<float>()).ToArray();
    }

    public IChunkObserver Fork() => new UnseenLevelCounter(_features);

    /// <summary>The chunk's rows, and its values (ascending) while fewer than one more than shown are kept.</summary>
    public void Merge(IChunkObserver chunk)
    {
        var other = (UnseenLevelCounter)chunk;
        for (int c = 0; c < _features.Count; c++)
        {
            _rows[c] += other._rows[c];
            foreach (float value in other._values[c])
                if (_values[c].Count <= ValuesKept) _values[c].Add(value);
        }
    }

    public void Observe(in ScoredBatch batch)
    {
        for (int r = 0; r < batch.Count; r++)
        {
            var features = batch.FeaturesOf(r);
            for (int c = 0; c < _features.Count; c++)
            {
                float value = features[_features[c].Column];
                if (float.IsNaN(value) || _features[c].Levels.Contains(value)) continue;
                _rows[c]++;
                if (_values[c].Count <= ValuesKept) _values[c].Add(value); // one more than shown: "..." when there are more
            }
        }
    }

    public IReadOnlyList<UnseenLevels> Result() =>
        _features.Select((f, i) => new UnseenLevels(f.Feature, _rows[i], _values[i].Take(ValuesKept).ToList(), _values[i].Count > ValuesKept))
            .Where(u => u.Rows > 0).ToList();
}

/// <summary>Counts the rows the model was trained on (<see cref="RowFingerprint"/>); null without a fingerprint (cards before format 4).</summary>
internal sealed class TrainingRowCounter(RowFingerprint? fingerprint) : IChunkObserver
{
    private long _seen;

    public long? Seen => fingerprint is null ? null : _seen;

    public IChunkObserver Fork() => new TrainingRowCounter(fingerprint);

    public void Merge(IChunkObserver chunk) => _seen += ((TrainingRowCounter)chunk)._seen;

    public void Observe(in ScoredBatch batch)
    {
        if (fingerprint is null) return;
        for (int r = 0; r < batch.Count; r++)
            if (fingerprint.Contains(batch.FeaturesOf(r), batch.Label(r))) _seen++;
    }
}

/// <summary>The first and last date of a site's rows, and how many rows have none.</summary>
internal sealed class DateRange : IChunkObserver
{
    public DateOnly? First { get; private set; }
    public DateOnly? Last { get; private set; }
    public long Undated { get; private set; }

    public IChunkObserver Fork() => new DateRange();

    public void Merge(IChunkObserver chunk)
    {
        var other = (DateRange)chunk;
        Undated += other.Undated;
        if (other.First < First || First is null) First = other.First;
        if (other.Last > Last || Last is null) Last = other.Last;
    }

    public void Observe(in ScoredBatch batch)
    {
        for (int r = 0; r < batch.Count; r++)
        {
            if (batch.Date(r) is not { } date) { Undated++; continue; }
            if (First is null || date < First) First = date;
            if (Last is null || date > Last) Last = date;
        }
    }
}
