using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Harness.Core;
using Harness.Core.Metrics;

namespace Harness.Validator.Criteria;

/// <summary>
/// Reads the acceptance criteria of <c>harness validate --criteria FILE</c>: a JSON object whose
/// <c>"criteria"</c> list holds rules, each a string or an object with a <c>"rule"</c> and optional filters.
/// <code>
/// {
///   "criteria": [
///     "auroc >= 0.70",                                     // the whole 95% interval at or above 0.70
///     "calibration_slope between 0.6 and 1.6",             // inclusive at both ends
///     { "rule": "gap.auroc >= -0.25", "holdout": "external" },   // only at sites the model was not trained on
///     { "rule": "ece &lt;= 0.20", "sites": ["va-long-beach"] },     // only at the sites named
///   ],
/// }
/// </code>
/// A rule is <c>KEY OP NUMBER</c> with OP one of <c>&gt;=</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&lt;</c>, or
/// <c>KEY between A and B</c> (inclusive). KEY is a <see cref="MetricCatalog"/> key (as in results.json)
/// or <c>gap.KEY</c>, the site's value minus the development value. Numbers use a '.' decimal point.
/// <c>"holdout"</c> is <c>"external"</c> (temporal and institutional hold-outs, <see cref="HoldoutType"/>)
/// or <c>"internal"</c> (internal and unknown ones); <c>"sites"</c> is a non-empty list of site names. <c>//</c> and <c>/* */</c>
/// comments and trailing commas are allowed, though JSON has neither.
/// <para>
/// Everything is checked before any scoring: the JSON, the grammar, that each key is a metric of
/// this model and that each bound can be met at all (<c>auroc >= 1.2</c> cannot). Every problem is
/// an <see cref="InputException"/> at the file, line and column of the offending token, with the fix.
/// </para>
/// </summary>
public static class CriteriaFile
{
    /// <summary>How a rule is written, for error messages.</summary>
    public const string Grammar =
        "Write KEY OP NUMBER with OP one of >=, <=, >, < (e.g. \"auroc >= 0.70\"), or KEY between A and B " +
        "(e.g. \"calibration_slope between 0.6 and 1.6\"); KEY is a metric key or gap.KEY.";

    private const string Shape =
        "Write a JSON object {\"criteria\": [\"auroc >= 0.70\", {\"rule\": \"gap.auroc >= -0.25\", \"holdout\": \"external\"}]}.";

    private const string SyntaxFix = "Correct the JSON there (// comments and trailing commas are allowed). " + Shape;

    private const string EntryShape =
        "Write each entry as a rule string, e.g. \"auroc >= 0.70\", or as an object with \"rule\" and, optionally, " +
        "\"sites\" (a list of site names) and \"holdout\" (\"external\" or \"internal\").";

    private const string SitesFix =
        "Write \"sites\": [\"va-long-beach\"], naming sites as validate names them (by folder), or leave \"sites\" out to judge the rule at every site.";

    private const string HoldOutFix =
        "Write \"holdout\": \"external\" to judge the rule only at sites the model was not trained on, \"internal\" for its training sites, " +
        "or leave \"holdout\" out for both.";

    private static readonly string[] EntryProperties = ["rule", "sites", "holdout"];

    private static readonly Regex Comparison = new(@"^\s*(?<key>[A-Za-z0-9_.\-]+)\s*(?<op>>=|<=|>|<)\s*(?<a>\S+)\s*$", RegexOptions.CultureInvariant);

    private static readonly Regex Between = new(@"^\s*(?<key>[A-Za-z0-9_.\-]+)\s+between\s+(?<a>\S+)\s+and\s+(?<b>\S+)\s*$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>
    /// Parses and checks the file against the catalog for a binary or multiclass model; every problem
    /// is an <see cref="InputException"/> naming the file, line and column and the fix. Called before any scoring.
    /// </summary>
    public static IReadOnlyList<Criterion> Load(string path, bool binaryModel) => Load(path, binaryModel, out _);

    /// <summary>As <see cref="Load(string, bool)"/>, with the SHA-256 of the bytes parsed (the results record it): one read for both.</summary>
    public static IReadOnlyList<Criterion> Load(string path, bool binaryModel, out string sha256)
    {
        byte[] bytes = Read(path);
        sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var json = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[Encoding.UTF8.Preamble.Length..] : bytes;
        return new Parser(path, json, binaryModel).Parse();
    }

    /// <summary>Checks that <paramref name="path"/> is an existing regular file; does not read it.</summary>
    public static void CheckFile(string path)
    {
        if (Directory.Exists(path))
            throw new InputException("the criteria file is a folder.", "Pass a JSON file of acceptance rules with --criteria.", path);
        if (!File.Exists(path))
            throw PathDisplay.NotUtf8(path, "file") ?? new InputException("criteria file not found.", "Pass an existing JSON file of acceptance rules with --criteria.", path);
        UserPaths.RequireRegularFile(path, "Pass a JSON file of acceptance rules with --criteria.", path);
    }

    private static byte[] Read(string path)
    {
        CheckFile(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot read the criteria file", e, "Check that the file exists and is readable.", path);
        }
        return bytes;
    }

    /// <summary>One pass of a <see cref="Utf8JsonReader"/> over the file, remembering where each token started.</summary>
    private sealed class Parser(string path, byte[] json, bool binary)
    {
        public IReadOnlyList<Criterion> Parse()
        {
            CheckUtf8();
            if (json.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                throw new InputException("the criteria file is empty.", Shape, path);
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            try
            {
                var criteria = Document(ref reader);
                reader.Read(); // throws on anything but comments after the object
                return criteria;
            }
            catch (JsonException e)
            {
                throw Syntax(e);
            }
        }

        private void CheckUtf8()
        {
            try
            {
                _ = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(json);
            }
            catch (DecoderFallbackException e)
            {
                var (line, column) = At(Math.Max(0, e.Index));
                throw new InputException("the criteria file is not UTF-8 text.", "Save it as UTF-8 (plain JSON).", path, line, column);
            }
        }

        private List<Criterion> Document(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Error(reader.TokenStartIndex, $"the file holds {Describe(reader.TokenType)}, not an object with a \"criteria\" list.", Shape);
            long start = reader.TokenStartIndex;
            List<Criterion>? criteria = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                long at = reader.TokenStartIndex;
                if (name != "criteria")
                    throw Error(at, $"unknown property \"{name}\".", "The file holds one property, \"criteria\", the list of rules.");
                if (criteria is not null)
                    throw Error(at, "\"criteria\" appears twice.", "Merge the two lists into one.");
                reader.Read();
                criteria = List(ref reader);
            }
            return criteria ?? throw Error(start, "the file has no \"criteria\" list.", Shape);
        }

        private List<Criterion> List(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw Error(reader.TokenStartIndex, $"\"criteria\" is {Describe(reader.TokenType)}, not a list.", Shape);
            long start = reader.TokenStartIndex;
            var criteria = new List<Criterion>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String)
                    criteria.Add(Rule(reader.GetString()!, reader.TokenStartIndex, reader.ValueIsEscaped, null, null));
                else if (reader.TokenType == JsonTokenType.StartObject)
                    criteria.Add(Entry(ref reader));
                else
                    throw Error(reader.TokenStartIndex, $"a criteria entry is {Describe(reader.TokenType)}, not a rule.", EntryShape);
            }
            if (criteria.Count == 0)
                throw Error(start, "the criteria list is empty.", "Add at least one rule, e.g. \"auroc >= 0.70\": a file without rules would accept any model.");
            return criteria;
        }

        private Criterion Entry(ref Utf8JsonReader reader)
        {
            long start = reader.TokenStartIndex;
            (string Text, long At, bool Escaped)? rule = null;
            List<string>? sites = null;
            string? holdOut = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                long at = reader.TokenStartIndex;
                if (!EntryProperties.Contains(name))
                {
                    string? like = Closest(name, EntryProperties, 2);
                    throw Error(at, $"unknown property \"{name}\" in a criteria entry{(like is null ? "." : $"; did you mean \"{like}\"?")}", EntryShape);
                }
                if (!seen.Add(name)) throw Error(at, $"\"{name}\" appears twice in this entry.", "Keep one.");
                reader.Read();
                switch (name)
                {
                    case "rule":
                        if (reader.TokenType != JsonTokenType.String)
                            throw Error(reader.TokenStartIndex, $"\"rule\" is {Describe(reader.TokenType)}, not a string.", Grammar);
                        rule = (reader.GetString()!, reader.TokenStartIndex, reader.ValueIsEscaped);
                        break;
                    case "sites":
                        sites = Sites(ref reader);
                        break;
                    default:
                        if (reader.TokenType != JsonTokenType.String)
                            throw Error(reader.TokenStartIndex, $"\"holdout\" is {Describe(reader.TokenType)}, not \"external\" or \"internal\".", HoldOutFix);
                        holdOut = reader.GetString()!;
                        if (holdOut is not (Criterion.External or Criterion.Internal))
                            throw Error(reader.TokenStartIndex, $"\"holdout\" is \"{holdOut}\", neither \"external\" nor \"internal\".", HoldOutFix);
                        break;
                }
            }
            if (rule is not { } r) throw Error(start, "a criteria entry has no \"rule\".", EntryShape);
            return Rule(r.Text, r.At, r.Escaped, sites, holdOut);
        }

        private List<string> Sites(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
                throw Error(reader.TokenStartIndex, $"\"sites\" is {Describe(reader.TokenType)}, not a list of site names.", SitesFix);
            long start = reader.TokenStartIndex;
            var sites = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.String)
                    throw Error(reader.TokenStartIndex, $"\"sites\" holds {Describe(reader.TokenType)}, not a site name.", SitesFix);
                string site = reader.GetString()!;
                if (string.IsNullOrWhiteSpace(site)) throw Error(reader.TokenStartIndex, "\"sites\" holds an empty site name.", SitesFix);
                if (!sites.Contains(site)) sites.Add(site);
            }
            if (sites.Count == 0) throw Error(start, "\"sites\" is an empty list.", SitesFix);
            return sites;
        }

        /// <summary>Parses one rule; <paramref name="quote"/> is where its string starts, for positions inside it.</summary>
        private Criterion Rule(string text, long quote, bool escaped, IReadOnlyList<string>? sites, string? holdOut)
        {
            var (line, column) = At(quote);
            // Columns inside the rule are exact unless the JSON string has escapes (then: its opening quote).
            int ColumnOf(int index) => escaped ? column : column + 1 + index;
            InputException Fail(int index, string problem, string fix) => new(problem, fix, path, line, ColumnOf(index));

            var match = Comparison.Match(text);
            bool between = false;
            if (!match.Success)
            {
                match = Between.Match(text);
                between = match.Success;
            }
            if (!match.Success)
            {
                int start = text.Length - text.TrimStart().Length;
                throw Fail(start == text.Length ? 0 : start, $"rule \"{text}\" does not parse.", Grammar);
            }

            var key = match.Groups["key"];
            bool gap = key.Value.StartsWith(Criterion.GapPrefix, StringComparison.Ordinal);
            var definition = MetricCatalog.Find(gap ? key.Value[Criterion.GapPrefix.Length..] : key.Value);
            if (definition is null)
            {
                var keys = MetricCatalog.For(binary).Select(m => m.Key).ToList();
                string? like = Closest(key.Value, [.. keys, .. keys.Select(k => Criterion.GapPrefix + k)], 3);
                throw Fail(key.Index, $"unknown metric '{key.Value}'{(like is null ? "." : $"; did you mean '{like}'?")}",
                    $"Keys are those of results.json ({string.Join(", ", keys)}); a gap (site minus development) is written gap.KEY, e.g. gap.auroc.");
            }
            if (!definition.AppliesTo(binary))
                throw Fail(key.Index, $"'{definition.Key}' applies to binary models only, and this model is multiclass.",
                    $"Remove the rule, or judge a metric of multiclass models: {string.Join(", ", MetricCatalog.For(false).Select(m => m.Key))}.");

            var a = match.Groups["a"];
            double first = Number(a, Fail);
            double minimum = gap ? definition.Minimum - definition.Maximum : definition.Minimum;
            double maximum = gap ? definition.Maximum - definition.Minimum : definition.Maximum;
            string range = $"{key.Value} lies in {Range(minimum, maximum)}";
            string reachable = $"Choose a bound {key.Value} can meet, within {Range(minimum, maximum)}.";

            if (between)
            {
                var b = match.Groups["b"];
                double second = Number(b, Fail);
                if (first > second)
                    throw Fail(a.Index, $"rule \"{text}\" has its bounds the wrong way round.",
                        $"Write the smaller bound first: {key.Value} between {b.Value} and {a.Value}.");
                if (first > maximum) throw Fail(a.Index, $"rule \"{text}\" can never be met: {range}.", reachable);
                if (second < minimum) throw Fail(b.Index, $"rule \"{text}\" can never be met: {range}.", reachable);
                return new Criterion(text.Trim(), key.Value, first, second, true, true, sites, holdOut, line, column);
            }

            string op = match.Groups["op"].Value;
            bool lower = op[0] == '>', inclusive = op.Length == 2;
            bool impossible = lower
                ? first > maximum || (!inclusive && first >= maximum)
                : first < minimum || (!inclusive && first <= minimum);
            if (impossible) throw Fail(a.Index, $"rule \"{text}\" can never be met: {range}.", reachable);
            return lower
                ? new Criterion(text.Trim(), key.Value, first, null, inclusive, false, sites, holdOut, line, column)
                : new Criterion(text.Trim(), key.Value, null, first, false, inclusive, sites, holdOut, line, column);
        }

        private static double Number(Group number, Func<int, string, string, InputException> fail)
        {
            string s = number.Value;
            if (double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                    CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                return value;
            string hint = s.EndsWith('%') ? $" Write a share, not a percentage: {s.TrimEnd('%')}% is {Percentless(s)}."
                : s.Contains(',') ? " Use a '.' decimal point, as in 0.70." : "";
            throw fail(number.Index, $"'{s}' is not a number.", "Write a number such as 0.70 or -0.25." + hint);
        }

        private static string Percentless(string s) =>
            double.TryParse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double p)
                ? (p / 100).ToString(CultureInfo.InvariantCulture) : "a share between 0 and 1";

        private static string Range(double minimum, double maximum) =>
            (double.IsNegativeInfinity(minimum) ? "(-∞" : "[" + minimum.ToString(CultureInfo.InvariantCulture)) + ", " +
            (double.IsPositiveInfinity(maximum) ? "∞)" : maximum.ToString(CultureInfo.InvariantCulture) + "]");

        private InputException Syntax(JsonException e)
        {
            // The reader reports 0-based lines and byte offsets in the line; the message repeats them, and the path is ours.
            string message = e.Message;
            int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            message = message.TrimEnd('.', ' ');
            if (e.LineNumber is not { } line0) return new InputException($"not valid JSON: {message}.", SyntaxFix, path);
            long index = 0;
            for (long line = 0; line < line0 && index < json.Length; index++)
                if (json[index] == '\n') line++;
            var (line1, column) = At(index + (e.BytePositionInLine ?? 0));
            return new InputException($"not valid JSON: {message}.", SyntaxFix, path, line1, column);
        }

        private InputException Error(long index, string problem, string fix)
        {
            var (line, column) = At(index);
            return new InputException(problem, fix, path, line, column);
        }

        /// <summary>1-based line and column (in characters) of a byte offset.</summary>
        private (int Line, int Column) At(long index)
        {
            index = Math.Min(index, json.Length);
            int line = 1;
            long lineStart = 0;
            for (long i = 0; i < index; i++)
                if (json[i] == '\n') { line++; lineStart = i + 1; }
            int column = 1;
            for (long i = lineStart; i < index; i++)
                if ((json[i] & 0xC0) != 0x80) column++; // count UTF-8 lead bytes, not continuation bytes
            return (line, column);
        }

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "a list",
            JsonTokenType.String => "a string",
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "a boolean",
            JsonTokenType.Null => "null",
            _ => "nothing",
        };
    }

    /// <summary>The candidate nearest to <paramref name="text"/> (ignoring case) within <paramref name="most"/> edits; the first on ties.</summary>
    internal static string? Closest(string text, IEnumerable<string> candidates, int most)
    {
        string lower = text.ToLowerInvariant();
        string? best = null;
        int bestDistance = most + 1;
        foreach (string candidate in candidates)
        {
            int d = Levenshtein(lower, candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best;
    }

    internal static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
