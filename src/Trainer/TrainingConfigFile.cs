using System.Text.Json;
using Harness.Core;

namespace Harness.Trainer;

/// <summary>
/// Reads <see cref="TrainingOptions"/> from a JSON file (<c>--config train.json</c>) in the shape
/// training.json records them under "config": snake_case names, nested by concern
/// (<c>{"optimiser": {"epochs": 100}, "split": {"cv": "kfold:10"}}</c>). Every setting is optional
/// (absent: the default); an unknown name, a wrong type or a null is an error naming the file,
/// line and column.
/// </summary>
public static class TrainingConfigFile
{
    private static readonly JsonSerializerOptions Strict = new(HarnessJson.Compact)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static TrainingOptions Load(string path)
    {
        string shown = PathDisplay.Of(path);
        const string fix = "Write the settings as training.json's \"config\" records them (see README.md, 'Training settings').";
        if (!File.Exists(path))
            throw new InputException("does not exist.", "Pass the path of a JSON file of training settings to --config.", shown);
        UserPaths.RequireRegularFile(path, fix, shown);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot be read", e, "Check the file's permissions.", shown);
        }
        try
        {
            return JsonSerializer.Deserialize<TrainingOptions>(bytes, Strict)
                ?? throw new InputException("holds null, not an object of settings.", fix, shown);
        }
        catch (JsonException e)
        {
            throw new InputException(Describe(e) + ".", fix, shown, e.LineNumber + 1, (int?)e.BytePositionInLine + 1);
        }
    }

    /// <summary>What is wrong, in the file's own terms: the setting's path and what it takes (not .NET type names).</summary>
    private static string Describe(JsonException e)
    {
        var names = System.Text.RegularExpressions.Regex.Replace(e.Path ?? "$", @"\[\d+\]", "").Split('.').Skip(1).ToList();
        if (names.Count == 0) return "is not a JSON object of settings";
        Type owner = typeof(TrainingOptions);
        for (int i = 0; i < names.Count - 1 && Setting(owner, names[i]) is { } p; i++) owner = p.PropertyType;
        string setting = string.Join('.', names);
        var property = Setting(owner, names[^1]);
        if (property is null)
            return $"'{setting}' is not a setting; {(names.Count == 1 ? "the settings are" : $"'{string.Join('.', names[..^1])}' holds")} " +
                string.Join(", ", Settable(owner).Select(Name));
        return e.Message.Contains("null", StringComparison.Ordinal) && e.Message.Contains("nullability", StringComparison.Ordinal)
            ? $"'{setting}' may not be null (leave it out for the default)"
            : $"'{setting}' takes {Kind(property.PropertyType)}";
    }

    private static IEnumerable<System.Reflection.PropertyInfo> Settable(Type type) =>
        type.GetProperties().Where(p => p.CanWrite && !p.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), false));

    /// <summary>The setting's name in the file: its [JsonPropertyName] where it has one ("cutmix"), else snake_case.</summary>
    private static string Name(System.Reflection.PropertyInfo p) =>
        p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false) is [System.Text.Json.Serialization.JsonPropertyNameAttribute named]
            ? named.Name
            : JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);

    private static System.Reflection.PropertyInfo? Setting(Type type, string name) => Settable(type).FirstOrDefault(p => Name(p) == name);

    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) ? "a whole number"
            : type == typeof(double) ? "a number"
            : type == typeof(string) ? "text"
            : type == typeof(DateOnly) ? "a date written \"YYYY-MM-DD\""
            : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => $"\"{JsonNamingPolicy.SnakeCaseLower.ConvertName(n)}\""))
            : type == typeof(IReadOnlyList<int>) ? "a list of whole numbers, e.g. [32, 16]"
            : type == typeof(IReadOnlyList<string>) ? "a list of texts, e.g. [\"cp\", \"thal\"]"
            : "an object of settings";
    }
}
