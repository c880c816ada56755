using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Harness.Core.Sites;

/// <summary>
/// Streams the rows of a site's manifest.csv, checking each as it goes: ragged rows, empty ids
/// and labels, duplicate ids, non-numeric features, unparsable dates, malformed quoting and
/// invalid UTF-8 are errors that name the file, line and column. The file is read once, in chunks
/// of whole records (<see cref="ManifestChunks"/>) that the cores parse in parallel
/// (<see cref="ManifestParser"/>), and rows come back in file order, in batches; the first error
/// in file order is the one raised, after every row before it. Memory stays flat apart from 8 bytes
/// per row for the duplicate-id check (<see cref="IdHashSet"/>).
/// </summary>
public sealed class ManifestReader : IDisposable
{
    internal const byte UnitSeparator = 0x1F, RecordSeparator = 0x1E;

    private readonly ManifestChunks _chunks;
    private readonly IncrementalHash _content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string _file;
    private readonly long _estimatedRows;
    private ManifestChunk? _first; // the chunk holding the header, with the rows after it
    private readonly int _firstRowsAt;
    private readonly long _firstRowsLine;
    private bool _rowsRead, _rowsDone;

    private ManifestReader(SiteFolder site, int chunkBytes)
    {
        Site = site;
        _file = PathDisplay.Of(site.ManifestPath);
        var stream = Guard(() => new FileStream(site.ManifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));
        _chunks = new ManifestChunks(stream, chunkBytes);
        try
        {
            _first = Guard(_chunks.Next);
            var data = _first is null ? [] : _first.Bytes;
            int position = data.StartsWith("\uFEFF"u8) ? 3 : 0;
            long line = 1;
            var header = ManifestParser.ReadHeader(data, ref position, ref line, _file);
            if (ManifestParser.FirstInvalidByte(data[..position]) is var invalid and < int.MaxValue)
                throw ManifestParser.InvalidUtf8(data, invalid, 1, 0, _file);
            if (header is null)
                throw new InputException("the manifest is empty.",
                    "The first line must be a header naming the columns id, label and the features.", _file);
            Schema = ManifestSchema.FromHeader(header, _file);
            _firstRowsAt = position;
            _firstRowsLine = line;
            _estimatedRows = stream.Length / Math.Max(1, data.Length / Math.Max(1, ManifestChunks.LineBreaks(data)));
            var names = new StringBuilder();
            foreach (string name in Schema.Columns.Order(StringComparer.Ordinal)) names.Append(name).Append((char)UnitSeparator);
            _content.AppendData(Encoding.UTF8.GetBytes(names.Append((char)RecordSeparator).ToString()));
        }
        catch
        {
            Dispose(); // a bad header must not leave the file open
            throw;
        }
    }

    public SiteFolder Site { get; }
    public ManifestSchema Schema { get; }

    /// <summary>
    /// Lower-case hex SHA-256 of manifest.csv's bytes (what model cards record), hashed while the
    /// rows streamed past: available once the rows have been read to the end.
    /// </summary>
    public string Sha256 => _chunks.Sha256Hex;

    /// <summary>
    /// Lower-case hex SHA-256 of the manifest's content whatever its layout: the column names in
    /// ordinal order, then each row's cells, trimmed, in that column order (each cell's UTF-8 and a
    /// unit separator after it, a record separator after each line). Line endings, quoting, a
    /// byte-order mark and the order of columns do not change it; any value, or the order of rows,
    /// does. Available once the rows have been read to the end.
    /// </summary>
    public string ContentSha256 => _rowsDone
        ? Convert.ToHexStringLower(_content.GetCurrentHash())
        : throw new InvalidOperationException("The rows have not been read to their end.");

    /// <summary>Opens the manifest and validates its header.</summary>
    public static ManifestReader Open(SiteFolder site) => new(site, ManifestChunks.DefaultChunkBytes);

    /// <summary>With chunks of <paramref name="chunkBytes"/>: small ones make tests cross chunk boundaries.</summary>
    internal static ManifestReader Open(SiteFolder site, int chunkBytes) => new(site, chunkBytes);

    /// <summary>Reads all rows once, in file order, one row at a time. At least one row is required.</summary>
    public IEnumerable<ManifestRow> ReadRows()
    {
        foreach (var batch in ReadBatches())
            for (int r = 0; r < batch.Count; r++)
                yield return batch.ToRow(r);
    }

    /// <summary>How many chunks are parsed ahead of the rows being handed out.</summary>
    private static int ChunksAhead => 2 * Environment.ProcessorCount;

    /// <summary>
    /// Reads all rows once, in file order, in batches of consecutive rows (each valid until the next is
    /// asked for). At least one row is required. The rows of a batch precede any error: a batch may be
    /// cut short at a problem, which is raised when the next batch is asked for.
    /// </summary>
    public IEnumerable<ManifestBatch> ReadBatches(CancellationToken cancellation = default) =>
        ReadBatches<object?>(_ => null, cancellation).Select(b => b.Batch);

    /// <summary>
    /// As <see cref="ReadBatches(CancellationToken)"/>, and each batch's good rows are also handed to
    /// <paramref name="prepare"/> on the worker that parsed them, in parallel with the other chunks;
    /// its result comes with the batch, in file order. The duplicate-id check runs after it: when it
    /// cuts a batch short (<see cref="ManifestBatch.Count"/> below the rows <paramref name="prepare"/>
    /// saw), the error follows that batch. An exception from <paramref name="prepare"/> is raised in
    /// the batch's turn, after the batches before it.
    /// </summary>
    public IEnumerable<(ManifestBatch Batch, T Prepared)> ReadBatches<T>(Func<ManifestBatch, T> prepare, CancellationToken cancellation = default)
    {
        if (_rowsRead) throw new InvalidOperationException("A manifest's rows can be read once.");
        _rowsRead = true;

        var parsers = new ConcurrentBag<ManifestParser>();
        var spare = new ConcurrentBag<ManifestBatch>();
        var ahead = new Queue<Task<(ManifestBatch, T)>>();
        var ids = new IdHashSet(_estimatedRows);
        bool moreChunks = true;
        long rows = 0;

        (ManifestBatch, T) Parse(ManifestChunk chunk, int from, long line)
        {
            var parser = parsers.TryTake(out var p) ? p : new ManifestParser(Schema, _file);
            var batch = spare.TryTake(out var b) ? b : new ManifestBatch(Schema);
            try
            {
                parser.Parse(chunk.Bytes[from..], line, chunk.Offset + from, batch);
            }
            finally
            {
                chunk.Return();
                parsers.Add(parser);
            }
            return (batch, prepare(batch));
        }

        void ReadAhead()
        {
            while (moreChunks && ahead.Count < ChunksAhead)
            {
                if (_first is { } first)
                {
                    _first = null;
                    if (_firstRowsAt < first.Length) ahead.Enqueue(Task.Run(() => Parse(first, _firstRowsAt, _firstRowsLine)));
                    else first.Return();
                    continue;
                }
                try
                {
                    if (Guard(_chunks.Next) is { } chunk) ahead.Enqueue(Task.Run(() => Parse(chunk, 0, chunk.FirstLine)));
                    else moreChunks = false;
                }
                catch (Exception e)
                {
                    ahead.Enqueue(Task.FromException<(ManifestBatch, T)>(e)); // raised in its turn, after the rows before it
                    moreChunks = false;
                }
            }
        }

        try
        {
            while (true)
            {
                ReadAhead();
                if (!ahead.TryDequeue(out var next)) break;
                var (batch, prepared) = next.GetAwaiter().GetResult();
                cancellation.ThrowIfCancellationRequested();
                var error = batch.Error;
                for (int r = 0; r < batch.Count; r++)
                    if (!ids.Add(batch.IdHashes[r]) && Repeated(batch.Ids[r], batch.Lines[r]) is { } repeated)
                    {
                        batch.Count = r;
                        error = repeated;
                        break;
                    }
                if (error == batch.Error && batch.ErrorRowId is var (id, hash, line) && !ids.Add(hash) && Repeated(id, line) is { } repeatedInBadRow)
                    error = repeatedInBadRow; // the same order of checks as within a row: the id's before the rest
                if (error is null) _content.AppendData(batch.Content, 0, batch.ContentLength);
                rows += batch.Count;
                if (batch.Count > 0) yield return (batch, prepared);
                if (error is not null) throw error;
                spare.Add(batch);
            }
            _rowsDone = true;
            if (rows == 0)
                throw new InputException("the manifest has a header but no rows.", "Add one row per example below the header.", _file);
        }
        finally
        {
            foreach (var pending in ahead)
            {
                try { pending.Wait(); }
                catch (AggregateException) { } // abandoned: its error no longer matters
            }
        }
    }

    /// <summary>
    /// The error for an id whose hash was seen before, if an earlier row really has the same id: the
    /// manifest is read again up to <paramref name="line"/> (only on a repeat, or a 64-bit collision).
    /// </summary>
    private InputException? Repeated(string id, long line)
    {
        byte[] wanted = Encoding.UTF8.GetBytes(id);
        using var stream = Guard(() => new FileStream(Site.ManifestPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));
        using var chunks = new ManifestChunks(stream);
        var csv = new CsvSplitter();
        bool header = true;
        while (Guard(chunks.Next) is { } chunk)
        {
            try
            {
                var data = chunk.Bytes;
                int position = chunk.Offset == 0 && data.StartsWith("\uFEFF"u8) ? 3 : 0;
                for (long at = chunk.FirstLine; position < data.Length && at < line;)
                {
                    long recordLine = at;
                    if (csv.Split(data, ref position, ref at, out int cells, out _) != CsvSplitter.Record.Row) continue;
                    if (header) header = false;
                    else if (cells > Schema.IdIndex && Utf8Cells.Trim(csv.CellBytes(data, Schema.IdIndex)).SequenceEqual(wanted))
                        return new InputException($"id '{id}' is used again (first on line {recordLine}).",
                            "Make ids unique within the site; use patient_id to group several rows of one patient.", _file, line, Schema.IdIndex + 1);
                }
            }
            finally
            {
                chunk.Return();
            }
        }
        return null;
    }

    /// <summary>The file system's refusals (permission denied, an I/O error) become input errors with the reason.</summary>
    private T Guard<T>(Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot read the manifest", e, "Check that the file is readable (for example chmod a+r).", _file);
        }
    }

    public void Dispose()
    {
        _first?.Return();
        _first = null;
        _chunks.Dispose();
        _content.Dispose();
    }
}
