using System.Runtime.CompilerServices;
using System.Buffers;

namespace Harness.Core.Sites;

/// <summary>
/// Splits CSV records held in UTF-8 bytes into cells, as RFC 4180 has it: a cell in double quotes
/// may hold commas, quotes (doubled) and line breaks; a quote elsewhere, or text after a closing
/// quote, is malformed; LF, CRLF and a lone CR end a record; an empty line is a blank record. The
/// cells of the record last split stay readable (<see cref="CellBytes"/>) until the next split.
/// </summary>
internal sealed class CsvSplitter
{
    public enum Record { Row, Blank, Malformed }

    private record struct Cell(int Start, int Length, bool InScratch);

    private Cell[] _cells = new Cell[32];
    private byte[] _scratch = new byte[256]; // unescaped quoted cells that held a doubled quote
    private int _scratchLength;

    private static readonly SearchValues<byte> BreakOrQuote = SearchValues.Create("\n\r\""u8);
    private static readonly SearchValues<byte> CommaBreakOrQuote = SearchValues.Create(",\n\r\""u8);

    /// <summary>
    /// Splits the record at <paramref name="position"/> into cells (<see cref="CellBytes"/>), moving past
    /// it and its line break; <paramref name="line"/> counts the line breaks passed, quoted ones too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Record Split(ReadOnlySpan<byte> data, ref int position, ref long line, out int cells, out string? problem)
    {
        cells = 0;
        problem = null;
        _scratchLength = 0;
        int start = position;
        if (data[start] is (byte)'\n' or (byte)'\r')
        {
            position = PastBreak(data, start, ref line);
            return Record.Blank;
        }
        int stop = data[start..].IndexOfAny(BreakOrQuote);
        int end = stop < 0 ? data.Length : start + stop;
        if (end == data.Length || data[end] != (byte)'"')
        {
            // No quote in the record (the usual case): cells are what the commas separate.
            for (int from = start; ; )
            {
                int comma = data[from..end].IndexOf((byte)',');
                if (comma < 0)
                {
                    Add(ref cells, from, end - from, false);
                    break;
                }
                Add(ref cells, from, comma, false);
                from += comma + 1;
            }
            position = PastBreak(data, end, ref line);
            return Record.Row;
        }
        return SplitQuoted(data, ref position, ref line, ref cells, out problem);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Record SplitQuoted(ReadOnlySpan<byte> data, ref int position, ref long line, ref int cells, out string? problem)
    {
        problem = null;
        int at = position;
        while (true)
        {
            if (at < data.Length && data[at] == (byte)'"')
            {
                int content = ++at, segment = at, scratchStart = -1;
                while (true)
                {
                    int quote = data[at..].IndexOf((byte)'"');
                    if (quote < 0)
                    {
                        problem = "a quoted cell is never closed";
                        position = data.Length;
                        return Record.Malformed;
                    }
                    line += ManifestChunks.LineBreaks(data.Slice(at, quote));
                    at += quote;
                    if (at + 1 < data.Length && data[at + 1] == (byte)'"')
                    {
                        if (scratchStart < 0) scratchStart = _scratchLength;
                        AppendScratch(data[segment..(at + 1)]); // up to and with one quote of the pair
                        segment = at += 2;
                        continue;
                    }
                    if (scratchStart < 0) Add(ref cells, content, at - content, false);
                    else
                    {
                        AppendScratch(data[segment..at]);
                        Add(ref cells, scratchStart, _scratchLength - scratchStart, true);
                    }
                    at++;
                    break;
                }
                if (at == data.Length || data[at] is (byte)'\n' or (byte)'\r') break;
                if (data[at] != (byte)',')
                {
                    problem = $"text after the closing quote of cell {cells}";
                    position = at;
                    return Record.Malformed;
                }
                at++;
                continue;
            }
            int next = data[at..].IndexOfAny(CommaBreakOrQuote);
            int end = next < 0 ? data.Length : at + next;
            if (end < data.Length && data[end] == (byte)'"')
            {
                problem = $"a quote inside unquoted cell {cells + 1}";
                position = end;
                return Record.Malformed;
            }
            Add(ref cells, at, end - at, false);
            at = end;
            if (end == data.Length || data[end] != (byte)',') break;
            at++;
        }
        position = PastBreak(data, at, ref line);
        return Record.Row;
    }

    /// <summary>Past the line break at <paramref name="at"/> (LF, CRLF or CR; nothing at the end of the data).</summary>
    private static int PastBreak(ReadOnlySpan<byte> data, int at, ref long line)
    {
        if (at == data.Length) return at;
        line++;
        return data[at] == (byte)'\r' && at + 1 < data.Length && data[at + 1] == (byte)'\n' ? at + 2 : at + 1;
    }

    private void Add(ref int cells, int start, int length, bool inScratch)
    {
        if (cells == _cells.Length) Array.Resize(ref _cells, 2 * _cells.Length);
        _cells[cells++] = new Cell(start, length, inScratch);
    }

    private void AppendScratch(ReadOnlySpan<byte> bytes)
    {
        if (_scratch.Length - _scratchLength < bytes.Length) Array.Resize(ref _scratch, Math.Max(2 * _scratch.Length, _scratchLength + bytes.Length));
        bytes.CopyTo(_scratch.AsSpan(_scratchLength));
        _scratchLength += bytes.Length;
    }

    /// <summary>Cell <paramref name="c"/> of the record last split, unquoted and unescaped, untrimmed.</summary>
    public ReadOnlySpan<byte> CellBytes(ReadOnlySpan<byte> data, int c) =>
        _cells[c].InScratch ? _scratch.AsSpan(_cells[c].Start, _cells[c].Length) : data.Slice(_cells[c].Start, _cells[c].Length);

}
