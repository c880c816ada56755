using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsvHelper;

namespace Harness.Core.Sites;

/// <summary>
/// Streams the rows of a site's manifest.csv, checking each as it goes: ragged rows, empty ids
/// and labels, duplicate ids, non-numeric features and unparsable dates are errors that name
/// the file, line and column. Memory stays flat apart from the set of ids seen.
/// </summary>
public sealed class ManifestReader : IDisposable
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"];

    private readonly ManifestStream _bytes;
    private readonly IncrementalHash _content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly int[] _columnsByName; // column indices in ordinal order of their names
    private readonly CsvReader _csv;
    private readonly string _file;
    private bool _rowsRead;

    private ManifestReader(SiteFolder site)
    {
        Site = site;
        _file = PathDisplay.Of(site.ManifestPath);
        _bytes = new ManifestStream(Guard(() => File.OpenRead(site.ManifestPath)), _file);
        _csv = CsvReader.Create(_bytes, new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // checked below, with a clearer message
            FormatProvider = CultureInfo.InvariantCulture,
        }, leaveOpen: false);
        try
        {
            var header = Guard(() => _csv.Headers);
            if (header.Count == 0)
                throw new InputException("the manifest is empty.",
                    "The first line must be a header naming the columns id, label and the features.", _file);
            Schema = ManifestSchema.FromHeader(header, _file);
            _columnsByName = Enumerable.Range(0, Schema.Columns.Count).OrderBy(c => Schema.Columns[c], StringComparer.Ordinal).ToArray();
            AppendContent(_columnsByName.Select(c => Schema.Columns[c]).ToArray(), Enumerable.Range(0, _columnsByName.Length).ToArray());
        }
        catch
        {
            _csv.Dispose(); // a bad header must not leave the file open
            throw;
        }
    }

    public SiteFolder Site { get; }
    public ManifestSchema Schema { get; }

    /// <summary>
    /// Lower-case hex SHA-256 of manifest.csv's bytes (what model cards record), hashed while the
    /// rows streamed past: available once <see cref="ReadRows"/> has been read to the end.
    /// </summary>
    public string Sha256 => _bytes.Sha256Hex;

    /// <summary>
    /// Lower-case hex SHA-256 of the manifest's content whatever its layout: the column names in
    /// ordinal order, then each row's cells, trimmed, in that column order. Line endings, quoting,
    /// a byte-order mark and the order of columns do not change it; any value, or the order of
    /// rows, does. Available once <see cref="ReadRows"/> has been read to the end.
    /// </summary>
    public string ContentSha256 => _rowsDone
        ? Convert.ToHexStringLower(_content.GetCurrentHash())
        : throw new InvalidOperationException("The rows have not been read to their end.");

    private bool _rowsDone;

    /// <summary>
    /// Adds one line of cells to the content hash: each cell's UTF-8 and a unit separator after it, a
    /// record separator at the end, encoded into one reused buffer and hashed in one call per line.
    /// </summary>
    private void AppendContent(string[] cells, int[] order)
    {
        int length = 1;
        foreach (int c in order) length += Encoding.UTF8.GetMaxByteCount(cells[c].Length) + 1;
        if (_line.Length < length) _line = new byte[Math.Max(length, 2 * _line.Length)];
        int at = 0;
        foreach (int c in order)
        {
            at += Encoding.UTF8.GetBytes(cells[c].AsSpan().Trim(), _line.AsSpan(at));
            _line[at++] = UnitSeparator;
        }
        _line[at++] = RecordSeparator;
        _content.AppendData(_line, 0, at);
    }

    private byte[] _line = new byte[256];

    private const byte UnitSeparator = 0x1F, RecordSeparator = 0x1E;

    /// <summary>Opens the manifest and validates its header.</summary>
    public static ManifestReader Open(SiteFolder site) => new(site);

    /// <summary>Reads all rows once, in file order. At least one row is required.</summary>
    public IEnumerable<ManifestRow> ReadRows()
    {
        if (_rowsRead) throw new InvalidOperationException("A manifest's rows can be read once.");
        _rowsRead = true;

        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        while (Guard(_csv.Read))
        {
            long line = _csv.LineNumber;
            if (_csv.FieldCount != Schema.Columns.Count)
                throw new InputException(
                    $"this row has {_csv.FieldCount} cells but the header has {Schema.Columns.Count}.",
                    "Give every row one cell per header column (leave a cell empty when a value is missing).",
                    _file, line);
            string[] cells = new string[_csv.FieldCount];
            for (int c = 0; c < cells.Length; c++) cells[c] = _csv.GetString(c);

            string id = cells[Schema.IdIndex].Trim();
            if (id.Length == 0)
                throw Cell(line, Schema.IdIndex, "the id is empty.", "Give every row an id, unique within the site.");
            if (ids.TryGetValue(id, out long firstLine))
                throw Cell(line, Schema.IdIndex, $"id '{id}' is used again (first on line {firstLine}).",
                    "Make ids unique within the site; use patient_id to group several rows of one patient.");
            ids.Add(id, line);

            string label = cells[Schema.LabelIndex].Trim();
            if (label.Length == 0)
                throw Cell(line, Schema.LabelIndex, "the label is empty.", "Give every row its class name in the label column.");

            string patient = Schema.PatientIdIndex is int p && cells[p].Trim() is { Length: > 0 } pid ? pid : id;
            DateOnly? date = Schema.DateIndex is int d ? ParseDate(cells[d], line, d) : null;

            var features = new float[Schema.FeatureColumnIndices.Length];
            for (int f = 0; f < features.Length; f++)
                features[f] = ParseFeature(cells[Schema.FeatureColumnIndices[f]], line, Schema.FeatureColumnIndices[f]);

            AppendContent(cells, _columnsByName);
            count++;
            yield return new ManifestRow(line, id, patient, date, label, features)
            {
                Groups = Schema.GroupColumnIndices.Length == 0 ? [] : Schema.GroupColumnIndices.Select(g => cells[g].Trim()).ToArray(),
            };
        }
        _rowsDone = true;
        if (count == 0)
            throw new InputException("the manifest has a header but no rows.", "Add one row per example below the header.", _file);
    }

    private float ParseFeature(string cell, long line, int column)
    {
        string text = cell.Trim();
        if (text.Length == 0 || text == "?") return float.NaN;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Cell(line, column, $"'{text}' in feature column '{Schema.Columns[column]}' is not a number.",
                "Write a number with '.' as the decimal point, or leave the cell empty (or '?') when the value is missing.");
        if (Math.Abs(value) > float.MaxValue)
            throw Cell(line, column, $"{text} in feature column '{Schema.Columns[column]}' is beyond the float32 range.",
                "Rescale the feature (for example change its unit).");
        return (float)value;
    }

    private DateOnly? ParseDate(string cell, long line, int column)
    {
        string text = cell.Trim();
        if (text.Length == 0) return null;
        // The date as written: a timestamp's offset never moves it to another calendar day.
        if (DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return DateOnly.FromDateTime(parsed.DateTime);
        throw Cell(line, column, $"'{text}' in column 'date' is not an ISO-8601 date.",
            "Write dates as YYYY-MM-DD (for example 2019-03-28), or leave the cell empty when unknown.");
    }

    /// <summary>
    /// CsvHelper's own format errors (stray quotes, say) become input errors with the line; the file
    /// system's refusals (permission denied, an I/O error) input errors with the reason.
    /// </summary>
    private T Guard<T>(Func<T> read)
    {
        try { return read(); }
        catch (CsvFormatException e)
        {
            throw new InputException($"malformed CSV ({e.Message.TrimEnd('.')}).",
                "Quote a cell that holds commas or quotes as \"...\" and double any quote inside it.",
                _file, e.LineNumber > 0 ? e.LineNumber : null);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot read the manifest", e, "Check that the file is readable (for example chmod a+r).", _file);
        }
    }

    private InputException Cell(long line, int column, string problem, string fix) => new(problem, fix, _file, line, column + 1);

    public void Dispose()
    {
        _csv.Dispose();
        _content.Dispose();
    }
}
