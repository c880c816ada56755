using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Harness.Core.Sites;

/// <summary>
/// Turns a chunk of whole manifest records (UTF-8 bytes) into a <see cref="ManifestBatch"/>, checking
/// each row as it goes: ragged rows, empty ids and labels, non-numeric features, unparsable dates,
/// malformed quoting (<see cref="CsvSplitter"/>) and invalid UTF-8 are errors that name the file, line
/// and column. Cells are parsed from bytes: a cell becomes a string only when it is text the caller
/// keeps (an id, a patient, a label, an audit group). One parser per thread at a time.
/// </summary>
internal sealed class ManifestParser(ManifestSchema schema, string file)
{
    private readonly int[] _columnsByName = Enumerable.Range(0, schema.Columns.Count).OrderBy(c => schema.Columns[c], StringComparer.Ordinal).ToArray();
    private readonly Interned _labels = new();
    private readonly Interned[] _groups = schema.GroupColumnIndices.Select(_ => new Interned()).ToArray();
    private readonly CsvSplitter _csv = new();

    /// <summary>The header's cells (as written, untrimmed) from the first record that is not blank; null when there is none.</summary>
    public static string[]? ReadHeader(ReadOnlySpan<byte> data, ref int position, ref long line, string file)
    {
        var csv = new CsvSplitter();
        while (position < data.Length)
        {
            long at = line;
            var record = csv.Split(data, ref position, ref line, out int cells, out string? problem);
            if (record == CsvSplitter.Record.Blank) continue;
            if (record == CsvSplitter.Record.Malformed) throw Malformed(problem!, file, at);
            var header = new string[cells];
            for (int c = 0; c < cells; c++) header[c] = Encoding.UTF8.GetString(csv.CellBytes(data, c));
            return header;
        }
        return null;
    }

    /// <summary>
    /// Parses the records of <paramref name="data"/> (line <paramref name="firstLine"/> at file offset
    /// <paramref name="offset"/>) into <paramref name="batch"/>, stopping at the first problem, which
    /// <see cref="ManifestBatch.Error"/> then holds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Parse(ReadOnlySpan<byte> data, long firstLine, long offset, ManifestBatch batch)
    {
        batch.Reset(ManifestChunks.LineBreaks(data) + 1);
        int invalid = Utf8.IsValid(data) ? int.MaxValue : FirstInvalidByte(data);
        int position = 0;
        long line = firstLine;
        while (position < data.Length)
        {
            long at = line;
            var record = _csv.Split(data, ref position, ref line, out int cells, out string? problem);
            if (invalid < position || (record == CsvSplitter.Record.Malformed && invalid == position))
            {
                batch.Error = InvalidUtf8(data, invalid, firstLine, offset, file);
                return;
            }
            if (record == CsvSplitter.Record.Blank) continue;
            if (record == CsvSplitter.Record.Malformed)
            {
                batch.Error = Malformed(problem!, file, at);
                return;
            }
            if (!AddRow(data, cells, at, batch)) return;
        }
    }

    private ReadOnlySpan<byte> Trimmed(ReadOnlySpan<byte> data, int c) => Utf8Cells.Trim(_csv.CellBytes(data, c));

    /// <summary>Checks the record last split and adds it as the batch's next row; false (with the batch's error set) when it is bad.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool AddRow(ReadOnlySpan<byte> data, int cells, long line, ManifestBatch batch)
    {
        int row = batch.Count;
        if (cells != schema.Columns.Count)
            return Fail(batch, new InputException($"this row has {cells} cells but the header has {schema.Columns.Count}.",
                "Give every row one cell per header column (leave a cell empty when a value is missing).", file, line));

        var id = Trimmed(data, schema.IdIndex);
        if (id.IsEmpty) return Fail(batch, Cell(line, schema.IdIndex, "the id is empty.", "Give every row an id, unique within the site."));
        string idText = Encoding.UTF8.GetString(id);
        ulong idHash = Utf8Cells.Hash(id);

        var label = Trimmed(data, schema.LabelIndex);
        if (label.IsEmpty)
            return Fail(batch, Cell(line, schema.LabelIndex, "the label is empty.", "Give every row its class name in the label column."), (idText, idHash, line));

        if (schema.PatientIdIndex is int p)
            batch.Patients[row] = Trimmed(data, p) is { IsEmpty: false } patient ? Encoding.UTF8.GetString(patient) : null;
        if (schema.DateIndex is int d)
        {
            var text = Trimmed(data, d);
            if (text.IsEmpty) batch.Days[row] = ManifestBatch.NoDate;
            else if (Utf8Cells.TryParseIsoDay(text, out var day) || TryParseDate(Encoding.UTF8.GetString(text), out day)) batch.Days[row] = day.DayNumber;
            else
                return Fail(batch, Cell(line, d, $"'{Encoding.UTF8.GetString(text)}' in column 'date' is not an ISO-8601 date.",
                    "Write dates as YYYY-MM-DD (for example 2019-03-28), or leave the cell empty when unknown."), (idText, idHash, line));
        }

        if (schema.PathIndex is int pathIndex)
        {
            var path = Trimmed(data, pathIndex);
            if (path.IsEmpty)
                return Fail(batch, Cell(line, pathIndex, "the path is empty.", "Name each example's file, relative to the site folder (for example ecg/0001.csv)."), (idText, idHash, line));
            batch.Paths[row] = Encoding.UTF8.GetString(path);
        }

        var features = batch.FeatureValues.AsSpan(row * batch.FeatureCount, batch.FeatureCount);
        var columns = schema.FeatureColumnIndices;
        for (int f = 0; f < columns.Length; f++)
            if (ParseFeature(Trimmed(data, columns[f]), line, columns[f], out features[f]) is { } problem)
                return Fail(batch, problem, (idText, idHash, line));

        for (int g = 0; g < _groups.Length; g++) batch.GroupIds[g][row] = _groups[g].Of(Trimmed(data, schema.GroupColumnIndices[g]));

        int contentBytes = cells + 1;
        for (int c = 0; c < cells; c++) contentBytes += _csv.CellBytes(data, c).Length;
        var content = batch.ContentSpace(contentBytes);
        int at = 0;
        foreach (int c in _columnsByName)
        {
            var cell = Trimmed(data, c);
            cell.CopyTo(content[at..]);
            at += cell.Length;
            content[at++] = ManifestReader.UnitSeparator;
        }
        content[at++] = ManifestReader.RecordSeparator;
        batch.ContentLength += at;

        batch.Lines[row] = line;
        batch.Ids[row] = idText;
        batch.IdHashes[row] = idHash;
        batch.Labels[row] = _labels.Of(label);
        batch.Count++;
        return true;
    }

    private static bool Fail(ManifestBatch batch, InputException error, (string, ulong, long)? rowId = null)
    {
        batch.Error = error;
        batch.ErrorRowId = rowId;
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private InputException? ParseFeature(ReadOnlySpan<byte> cell, long line, int column, out float value)
    {
        value = float.NaN;
        if (cell.IsEmpty || (cell.Length == 1 && cell[0] == (byte)'?')) return null;
        if (!Utf8Cells.TryParseDouble(cell, out double parsed) || !double.IsFinite(parsed))
            return Cell(line, column, $"'{Encoding.UTF8.GetString(cell)}' in feature column '{schema.Columns[column]}' is not a number.",
                "Write a number with '.' as the decimal point, or leave the cell empty (or '?') when the value is missing.");
        if (Math.Abs(parsed) > float.MaxValue)
            return Cell(line, column, $"{Encoding.UTF8.GetString(cell)} in feature column '{schema.Columns[column]}' is beyond the float32 range.",
                "Rescale the feature (for example change its unit).");
        value = (float)parsed;
        return null;
    }

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"];

    /// <summary>A date or timestamp as written: a timestamp's offset never moves it to another calendar day.</summary>
    private static bool TryParseDate(string text, out DateOnly date)
    {
        bool ok = DateTimeOffset.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed);
        date = ok ? DateOnly.FromDateTime(parsed.DateTime) : default;
        return ok;
    }

    private InputException Cell(long line, int column, string problem, string fix) => new(problem, fix, file, line, column + 1);

    public static InputException Malformed(string problem, string file, long line) =>
        new($"malformed CSV ({problem}).", "Quote a cell that holds commas or quotes as \"...\" and double any quote inside it.", file, line);

    internal static int FirstInvalidByte(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length;)
        {
            if (Rune.DecodeFromUtf8(data[i..], out _, out int used) != OperationStatus.Done) return i;
            i += used;
        }
        return int.MaxValue;
    }

    /// <summary>The error for the invalid byte at <paramref name="index"/> of <paramref name="data"/>, naming its line, its byte in the line and its file offset.</summary>
    internal static InputException InvalidUtf8(ReadOnlySpan<byte> data, int index, long firstLine, long offset, string file)
    {
        long line = firstLine + ManifestChunks.LineBreaks(data[..index]);
        int lineStart = data[..index].LastIndexOfAny((byte)'\n', (byte)'\r') + 1;
        return new InputException(
            $"byte {index - lineStart + 1} of this line (offset {offset + index} in the file, 0x{data[index]:X2}) is not valid UTF-8; the manifest must be UTF-8.",
            "Save it as UTF-8 (a spreadsheet's 'CSV UTF-8', or iconv -f latin1 -t utf-8 manifest.csv).", file, line);
    }

    /// <summary>Strings for cells that repeat (labels, audit groups): one string per distinct value, found without decoding.</summary>
    private sealed class Interned
    {
        private const int Kept = 64;
        private readonly List<(byte[] Bytes, string Text)> _values = [];

        public string Of(ReadOnlySpan<byte> bytes)
        {
            foreach (var (known, text) in _values)
                if (bytes.SequenceEqual(known)) return text;
            string value = Encoding.UTF8.GetString(bytes);
            if (_values.Count < Kept) _values.Add((bytes.ToArray(), value));
            return value;
        }
    }
}
