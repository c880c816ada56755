using System.Text.Json;
using Harness.Core;

namespace Harness.Results;

/// <summary>results.json: <see cref="ValidationResults"/> in snake_case JSON.</summary>
public static class ResultsJson
{
    public const string FileName = "results.json";

    public static void Write(ValidationResults results, string path) => HarnessJson.WriteFile(results, path);

    public static ValidationResults Read(string path) =>
        JsonSerializer.Deserialize<ValidationResults>(File.ReadAllText(path), HarnessJson.Indented)
        ?? throw new JsonException($"{path} holds no results.");
}
