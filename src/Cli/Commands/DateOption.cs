using System.Globalization;
using Harness.Core;

namespace Harness.Cli.Commands;

/// <summary>The date options (`train --from/--until`, `validate --from/--to`): a calendar day written YYYY-MM-DD.</summary>
internal static class DateOption
{
    public static DateOnly? Parse(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
        : throw new InputException($"{option} '{text}' is not a date.", $"Write {option} YYYY-MM-DD, e.g. {option} 2019-01-01.");
}
