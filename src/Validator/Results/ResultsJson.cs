using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Validator.Results;

/// <summary>results.json: <see cref="ValidationResults"/> in snake_case JSON.</summary>
public static class ResultsJson
{
    public const string FileName = "results.json";

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(ValidationResults results, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(results, Options) + "\n");

    public static ValidationResults Read(string path) =>
        JsonSerializer.Deserialize<ValidationResults>(File.ReadAllText(path), Options)
        ?? throw new JsonException($"{path} holds no results.");
}
