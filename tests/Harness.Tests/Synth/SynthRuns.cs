using Harness.Tests.Support;

namespace Harness.Tests.Synth;

/// <summary>Runs `harness synth` into a temporary folder and reads back what it wrote.</summary>
internal static class SynthRuns
{
    /// <summary>Runs <c>harness synth KIND --out FOLDER ARGS</c>, asserting success; returns the output folder.</summary>
    public static string Run(TempFolder temp, string kind, params string[] args)
    {
        string output = temp.Combine(kind + "-" + Guid.NewGuid().ToString("N")[..6]);
        var result = CliRunner.Run(["synth", kind, "--out", output, .. args]);
        Assert.True(result.ExitCode == 0, result.Errors + result.Output);
        return output;
    }

    /// <summary>A manifest's rows as column name to cell text (the generators write no quoted cells).</summary>
    public static List<Dictionary<string, string>> Manifest(string site)
    {
        var lines = File.ReadAllLines(Path.Combine(site, "manifest.csv"));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            Assert.Equal(header.Length, cells.Length);
            return header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    /// <summary>Every file below <paramref name="folder"/>, by relative path, with its bytes.</summary>
    public static SortedDictionary<string, byte[]> Snapshot(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllBytes),
            StringComparer.Ordinal);

    /// <summary>
    /// A Python function, png(path), that decodes an 8-bit grey PNG to a float array in [0, 1] with
    /// zlib and the PNG spec's five scanline filters, independently of Harness's writer.
    /// </summary>
    public const string PngDecoder = """
        import numpy as np, struct, zlib
        def png(path):
            data = open(path, 'rb').read()
            assert data[:8] == b'\x89PNG\r\n\x1a\n'
            at, idat = 8, b''
            while at < len(data):
                n, = struct.unpack('>I', data[at:at + 4]); kind = data[at + 4:at + 8]; body = data[at + 8:at + 8 + n]; at += 12 + n
                if kind == b'IHDR':
                    w, h, depth, colour = struct.unpack('>IIBB', body[:10]); assert depth == 8 and colour == 0
                elif kind == b'IDAT':
                    idat += body
            raw, out, prev = zlib.decompress(idat), [], [0] * w
            for y in range(h):
                f, line = raw[y * (w + 1)], list(raw[y * (w + 1) + 1:(y + 1) * (w + 1)])
                for x in range(w):
                    a = line[x - 1] if x else 0; b = prev[x]; c = prev[x - 1] if x else 0
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = [0, a, b, (a + b) // 2, a if pa <= pb and pa <= pc else b if pb <= pc else c][f]
                    line[x] = (line[x] + pred) & 255
                out.append(line); prev = line
            return np.array(out, float) / 255
        """;
}
