using System.Security.Cryptography;

namespace Harness.Core;

/// <summary>SHA-256 as Harness records it: lower-case hex of the file's bytes.</summary>
public static class FileHash
{
    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
