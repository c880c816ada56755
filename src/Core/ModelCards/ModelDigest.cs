using System.Security.Cryptography;
using System.Text;

namespace Harness.Core.ModelCards;

/// <summary>
/// Seals a model file against edits after export: the SHA-256 of the whole file (graph, weights
/// and card) with the digest's own value blanked, stored in the card under <see cref="Key"/>. The
/// exporter writes the file with <see cref="Placeholder"/> as the value, hashes it and puts the
/// digest where the placeholder was (same length, so nothing else in the file moves); the
/// validator blanks the value again and compares. Any change to the graph or the card (reordered
/// feature names, another threshold) breaks it. It guards against mistakes and naive edits, not
/// against someone who recomputes the digest on purpose.
/// </summary>
public static class ModelDigest
{
    public const string Key = "harness_digest";

    private const string Prefix = "sha256:";

    /// <summary>The value the exporter writes before sealing.</summary>
    public static readonly string Placeholder = Prefix + new string('0', 64);

    /// <summary>Replaces the one <see cref="Placeholder"/> in <paramref name="model"/> (its file bytes) with the digest, in place.</summary>
    public static void Seal(byte[] model)
    {
        int at = OnlyOccurrence(model, Placeholder) ?? throw new InvalidOperationException("The model must hold the digest placeholder exactly once.");
        Encoding.ASCII.GetBytes(Prefix + Convert.ToHexStringLower(SHA256.HashData(model))).CopyTo(model, at);
    }

    /// <summary>Whether <paramref name="model"/> (its file bytes) is what was sealed with <paramref name="recorded"/>, the card's digest.</summary>
    public static bool Matches(byte[] model, string recorded)
    {
        if (recorded.Length != Placeholder.Length || !recorded.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        if (OnlyOccurrence(model, recorded) is not int at) return false;
        var blanked = (byte[])model.Clone();
        Encoding.ASCII.GetBytes(Placeholder).CopyTo(blanked, at);
        return Convert.ToHexStringLower(SHA256.HashData(blanked)) == recorded[Prefix.Length..];
    }

    private static int? OnlyOccurrence(byte[] bytes, string text)
    {
        byte[] pattern = Encoding.ASCII.GetBytes(text);
        int first = bytes.AsSpan().IndexOf(pattern);
        return first >= 0 && bytes.AsSpan().LastIndexOf(pattern) == first ? first : null;
    }
}
