using System.Globalization;

namespace Harness.Cli.Rendering;

internal static class Formatting
{
    public static string Metric(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    public static string Gap(double? value) => value is { } v ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";

    public static string Percent(double? share) => share is { } s ? (100 * s).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";
}
