using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Core;

/// <summary>
/// How every Harness JSON file and metadata value is written: snake_case names, enums as
/// snake_case text, and NaN written as such (a diverged loss is recorded, not refused).
/// </summary>
public static class HarnessJson
{
    /// <summary>For files people read (training.json, results.json).</summary>
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    /// <summary>For values embedded in ONNX metadata.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    public static void WriteFile<T>(T value, string path) => File.WriteAllText(path, JsonSerializer.Serialize(value, Indented) + "\n");

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = indented,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
