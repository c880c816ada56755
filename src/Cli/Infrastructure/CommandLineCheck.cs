using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Harness.Core;
using Spectre.Console.Cli;

namespace Harness.Cli.Infrastructure;

/// <summary>
/// Checks a command line against the command's declared options before anything runs: an unknown
/// option (`--epoch` for `--epochs`) or a stray argument would otherwise be ignored, and a run with
/// defaults the user did not ask for would exit 0; a number that does not parse would get a
/// generic conversion error that does not name the option. Each is a one-line input error naming
/// the option, with a "did you mean" for near misses.
/// </summary>
internal static class CommandLineCheck
{
    private static readonly string[] HelpFlags = ["-h", "--help", "-?"];

    /// <param name="settings">Each command's name and settings type.</param>
    public static void Check(string[] args, IReadOnlyDictionary<string, Type> settings)
    {
        if (args.Length == 0 || args.Any(HelpFlags.Contains) || !settings.TryGetValue(args[0], out var type)) return; // Spectre's own usage messages
        var options = OptionsOf(type);
        int positional = type.GetProperties().Count(p => p.GetCustomAttribute<CommandArgumentAttribute>() is not null);
        string command = $"{HarnessApp.Name} {args[0]}";
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                if (positional-- > 0) continue; // the command's own arguments (verify's REPORT)
                throw new InputException($"unexpected argument '{arg}' for '{command}'.",
                    $"Options take the form --name VALUE; see '{command} --help'.");
            }
            int equals = arg.IndexOfAny(['=', ':']);
            string name = equals > 0 ? arg[..equals] : arg;
            if (!options.TryGetValue(name, out var option))
                throw new InputException($"unknown option '{name}' for '{command}'.",
                    $"{Suggestion(name, options.Keys)}See '{command} --help' for its options.");
            if (option.Attribute.ValueName is null) continue; // a flag
            string? value = equals > 0 ? arg[(equals + 1)..] : i + 1 < args.Length ? args[++i] : null;
            if (value is null)
                throw new InputException($"option '{name}' needs a value ({option.Attribute.ValueName}).", $"Write {name} {option.Attribute.ValueName}.");
            CheckValue(name, value, option.Property);
        }
    }

    /// <summary>The long options (and flags) a command line gives, as "--name", whether written "--name VALUE" or "--name=VALUE".</summary>
    public static HashSet<string> Given(IEnumerable<string> arguments) =>
        arguments.Where(a => a.StartsWith("--", StringComparison.Ordinal))
            .Select(a => a.IndexOfAny(['=', ':']) is var at and > 0 ? a[..at] : a).ToHashSet(StringComparer.Ordinal);

    private sealed record Option(CommandOptionAttribute Attribute, PropertyInfo Property);

    private static Dictionary<string, Option> OptionsOf(Type settings)
    {
        var options = new Dictionary<string, Option>(StringComparer.Ordinal);
        foreach (var property in settings.GetProperties())
            if (property.GetCustomAttribute<CommandOptionAttribute>() is { } attribute)
            {
                foreach (string name in attribute.LongNames) options["--" + name] = new(attribute, property);
                foreach (string name in attribute.ShortNames) options["-" + name] = new(attribute, property);
            }
        return options;
    }

    private static void CheckValue(string name, string value, PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        string? kind =
            type == typeof(int) && !int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? "a whole number written in digits" + (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? $" (at most {int.MaxValue:N0})" : "")
            : type == typeof(double) && !(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
                ? "a number (with '.' as the decimal point)"
            : null;
        if (kind is null) return;
        string example = property.GetCustomAttribute<DefaultValueAttribute>()?.Value is { } fallback
            ? $"for example {name} {Convert.ToString(fallback, CultureInfo.InvariantCulture)} (the default)"
            : $"for example {name} 1";
        throw new InputException($"{name} takes {kind}; got '{value}'.", $"Write {example}.");
    }

    /// <summary>"Did you mean --epochs? " for the known option closest to a misspelt one (at most 2 edits, or a prefix).</summary>
    private static string Suggestion(string name, IEnumerable<string> known)
    {
        var best = known.Where(k => k.StartsWith("--", StringComparison.Ordinal))
            .Select(k => (Name: k, Distance: k.StartsWith(name, StringComparison.Ordinal) || name.StartsWith(k, StringComparison.Ordinal) ? 1 : Levenshtein(name, k)))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= 2 ? $"Did you mean {best.Name}? " : "";
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
