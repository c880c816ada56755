using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Core.ModelCards;

/// <summary>
/// A salted fingerprint of the rows a model was trained on: one 64-bit hash per distinct row of
/// its features (in the model's order, as float32 bits, every NaN alike) and its label, sorted. The
/// validator hashes each row it scores the same way and counts those found, so rows the model was
/// trained on are recognised whatever their folder, file, line endings, column order or row order,
/// without the card carrying the data (8 bytes per row). A different value in any feature or the
/// label is a different row. The hash (splitmix64 steps over the row's 32-bit words) is not
/// cryptographic: it guards against mistakes, not against someone forging a row. The salt makes
/// one model's hashes unrelated to another's.
/// </summary>
[JsonConverter(typeof(RowFingerprintJsonConverter))]
public sealed class RowFingerprint
{
    private readonly ulong[] _hashes;

    private RowFingerprint(ulong salt, ulong[] sortedDistinct)
    {
        Salt = salt;
        _hashes = sortedDistinct;
    }

    public ulong Salt { get; }

    /// <summary>Distinct training rows.</summary>
    public int Count => _hashes.Length;

    /// <param name="features">Row-major, <paramref name="width"/> values per row, in the model's feature order.</param>
    public static RowFingerprint Of(ulong salt, float[] features, int width, IReadOnlyList<string> labels)
    {
        var hashes = new ulong[labels.Count];
        for (int r = 0; r < labels.Count; r++) hashes[r] = Hash(salt, features.AsSpan(r * width, width), labels[r]);
        Array.Sort(hashes);
        int distinct = 0;
        for (int i = 0; i < hashes.Length; i++)
            if (i == 0 || hashes[i] != hashes[distinct - 1]) hashes[distinct++] = hashes[i];
        return new RowFingerprint(salt, hashes[..distinct]);
    }

    public bool Contains(ReadOnlySpan<float> features, string label) => Array.BinarySearch(_hashes, Hash(Salt, features, label)) >= 0;

    public static ulong Hash(ulong salt, ReadOnlySpan<float> features, string label)
    {
        ulong h = Mix(salt ^ (ulong)features.Length);
        foreach (float value in features)
            h = Mix(h ^ (float.IsNaN(value) ? 0x7FC00000u : BitConverter.SingleToUInt32Bits(value)));
        h = Mix(h ^ 0xFFFF_FFFF_0000_0000ul ^ (ulong)label.Length); // ends the features, starts the label
        foreach (char c in label) h = Mix(h ^ c);
        return h;
    }

    /// <summary>splitmix64's step and finaliser (Steele, Lea and Flood 2014).</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }

    private sealed record Encoded(string Salt, int Rows, string Hashes);

    private sealed class RowFingerprintJsonConverter : JsonConverter<RowFingerprint>
    {
        public override RowFingerprint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var e = JsonSerializer.Deserialize<Encoded>(ref reader, options) ?? throw new JsonException("null training-row fingerprint");
            try
            {
                var hashes = MemoryMarshal.Cast<byte, ulong>(Convert.FromBase64String(e.Hashes)).ToArray();
                if (hashes.Length != e.Rows || hashes.Zip(hashes.Skip(1)).Any(p => p.First >= p.Second))
                    throw new JsonException($"the training-row fingerprint does not hold {e.Rows} sorted, distinct hashes");
                return new RowFingerprint(Convert.ToUInt64(e.Salt, 16), hashes);
            }
            catch (FormatException x)
            {
                throw new JsonException($"the training-row fingerprint is not valid ({x.Message})");
            }
        }

        public override void Write(Utf8JsonWriter writer, RowFingerprint value, JsonSerializerOptions options)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model cards are written on little-endian machines.");
            JsonSerializer.Serialize(writer, new Encoded(value.Salt.ToString("x16"), value.Count,
                Convert.ToBase64String(MemoryMarshal.AsBytes(value._hashes.AsSpan()))), options);
        }
    }
}
