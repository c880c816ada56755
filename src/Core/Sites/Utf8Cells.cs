using System.Runtime.CompilerServices;
using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Harness.Core.Sites;

/// <summary>
/// What the manifest parser does to one cell's UTF-8 bytes without making a string of it: trim as
/// <see cref="string.Trim()"/> does (Unicode White_Space, not only ASCII), parse a number to the
/// same double as <see cref="double.TryParse(string, NumberStyles, IFormatProvider, out double)"/>,
/// parse an ISO date, and hash an id.
/// </summary>
internal static class Utf8Cells
{
    /// <summary>The cell without leading and trailing white space (char.IsWhiteSpace's set, decoded from UTF-8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> cell)
    {
        while (cell.Length > 0)
        {
            byte b = cell[0];
            if (b < 0x80)
            {
                if (!IsAsciiWhite(b)) break;
                cell = cell[1..];
            }
            else if (Rune.DecodeFromUtf8(cell, out var rune, out int used) == OperationStatus.Done && Rune.IsWhiteSpace(rune)) cell = cell[used..];
            else break;
        }
        while (cell.Length > 0)
        {
            byte b = cell[^1];
            if (b < 0x80)
            {
                if (!IsAsciiWhite(b)) break;
                cell = cell[..^1];
            }
            else if (Rune.DecodeLastFromUtf8(cell, out var rune, out int used) == OperationStatus.Done && Rune.IsWhiteSpace(rune)) cell = cell[..^used];
            else break;
        }
        return cell;
    }

    private static bool IsAsciiWhite(byte b) => b == (byte)' ' || (b >= 0x09 && b <= 0x0D);

    private static readonly double[] PowersOfTen =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>
    /// Parses a trimmed cell as <c>double.TryParse(text, NumberStyles.Float, InvariantCulture)</c> would.
    /// Plain decimals ([sign] digits [. digits], the digits as an integer of at most 2^53 and at most 22
    /// of them after the point) take Clinger's fast path: that integer and the power of ten are exact
    /// doubles, so one IEEE division is the correctly rounded value, the same double the full parser
    /// returns. Anything else (an exponent, more digits, a symbol, not a number) goes to the full parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == (byte)'-' || text[i] == (byte)'+'))
        {
            negative = text[i] == (byte)'-';
            i++;
        }
        ulong mantissa = 0;
        int significant = 0, seen = 0, fraction = -1; // fraction: digits after the point, -1 while no point was met
        for (; i < text.Length; i++)
        {
            uint d = (uint)(text[i] - '0');
            if (d <= 9)
            {
                if (significant == 19) return Full(text, out value); // could overflow: let the full parser round it
                mantissa = mantissa * 10 + d;
                if (mantissa != 0) significant++;
                seen++;
                if (fraction >= 0) fraction++;
            }
            else if (text[i] == (byte)'.' && fraction < 0) fraction = 0;
            else return Full(text, out value);
        }
        int scale = Math.Max(fraction, 0);
        if (seen == 0 || mantissa > (1UL << 53) || scale > 22) return Full(text, out value);
        value = scale == 0 ? mantissa : mantissa / PowersOfTen[scale];
        if (negative) value = -value;
        return true;
    }

    private static bool Full(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// A trimmed cell of exactly YYYY-MM-DD that is a real calendar date; false for anything else
    /// (a timestamp, or no date at all), which the caller parses the slow way.
    /// </summary>
    public static bool TryParseIsoDay(ReadOnlySpan<byte> text, out DateOnly date)
    {
        date = default;
        if (text.Length != 10 || text[4] != (byte)'-' || text[7] != (byte)'-') return false;
        if (!TryDigits(text[..4], out int year) || !TryDigits(text.Slice(5, 2), out int month) || !TryDigits(text.Slice(8, 2), out int day)) return false;
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        date = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (byte b in text)
        {
            uint d = (uint)(b - '0');
            if (d > 9) return false;
            value = value * 10 + (int)d;
        }
        return true;
    }

    /// <summary>
    /// A 64-bit hash of an id's bytes (splitmix64's finaliser over 8-byte words): equal ids hash
    /// alike; unequal ones collide with probability about 2^-64, and a collision is re-checked exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = Mix(0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length);
        while (bytes.Length >= 8)
        {
            h = Mix(h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < bytes.Length; i++) tail |= (ulong)bytes[i] << (8 * i);
        return Mix(h ^ tail ^ 0xFF00000000000000UL);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
