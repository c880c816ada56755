using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Harness.Core;

namespace Harness.Results;

/// <summary>results.json: <see cref="ValidationResults"/> in snake_case JSON, with its format version checked on reading.</summary>
public static class ResultsJson
{
    public const string FileName = "results.json";

    /// <summary>Formats this Harness reads: "2" (before curves, patients and software were recorded) and the current one.</summary>
    public static readonly IReadOnlyList<string> ReadableFormats = ["2", ValidationResults.CurrentFormat];

    /// <summary>The file's bytes: UTF-8 without a byte-order mark, indented, ending in a newline. The PDF embeds the same bytes.</summary>
    public static byte[] Serialize(ValidationResults results) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(results, HarnessJson.Indented) + "\n");

    public static void Write(ValidationResults results, string path) => File.WriteAllBytes(path, Serialize(results));

    /// <summary>Reads a results file; a file that is not JSON, not results, or of another format is an <see cref="InputException"/> naming it.</summary>
    public static ValidationResults Read(string path) => ReadFile(path).Results;

    /// <summary><see cref="Read"/>, with the SHA-256 of the file's bytes (what <c>sha256sum</c> prints).</summary>
    public static ResultsFile ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"cannot be read ({e.Message}).", "Check the path and its permissions.", PathDisplay.Of(path));
        }
        return new ResultsFile(path, Convert.ToHexStringLower(SHA256.HashData(bytes)), Parse(bytes, PathDisplay.Of(path)));
    }

    /// <summary>Parses results from <paramref name="bytes"/>; <paramref name="source"/> names them in errors.</summary>
    public static ValidationResults Parse(byte[] bytes, string source)
    {
        string? format;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            format = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out var f)
                && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON ({FirstSentence(e.Message)}).", "Give the results.json that harness validate wrote.",
                source, e.LineNumber + 1, (int?)(e.BytePositionInLine + 1));
        }
        if (format is null)
            throw new InputException("has no \"format\": it is not a results.json written by harness validate.", "Give the results.json that harness validate wrote.", source);
        if (!ReadableFormats.Contains(format))
            throw new InputException($"results format \"{format}\", which this Harness ({HarnessInfo.Version}) does not read " +
                $"(it reads {string.Join(", ", ReadableFormats.Select(r => $"\"{r}\""))}).", "Use the Harness version that wrote it.", source);
        try
        {
            return JsonSerializer.Deserialize<ValidationResults>(bytes, HarnessJson.Indented)
                ?? throw new InputException("holds no results.", "Give the results.json that harness validate wrote.", source);
        }
        catch (JsonException e)
        {
            throw new InputException($"not a valid results file ({e.Path ?? "at the top"}: {FirstSentence(e.Message)}).",
                "Give the results.json that harness validate wrote, unedited.", source);
        }
    }

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.');
}

/// <summary>A results file as read: where, the SHA-256 of its bytes, and its results.</summary>
public sealed record ResultsFile(string Path, string Sha256, ValidationResults Results);
