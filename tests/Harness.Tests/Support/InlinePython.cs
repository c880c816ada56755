using System.Text.Json;
using System.Text.Json.Nodes;

namespace Harness.Tests.Support;

/// <summary>
/// Runs a short Python program written in a test (an independent computation with numpy, scikit-learn,
/// scipy) on data handed over as JSON: the program reads <c>json.load(open(sys.argv[1]))</c> and prints
/// one JSON value. Doubles cross both ways exactly (shortest round-trip text). Guard callers with
/// <c>[PythonFact(...)]</c>.
/// </summary>
public static class InlinePython
{
    public static JsonNode Run(string program, object input)
    {
        string python = ExternalTools.Python ?? throw new InvalidOperationException("python3 not found; guard the test with [PythonFact(...)].");
        using var temp = new TempFolder();
        string path = temp.Combine("input.json");
        File.WriteAllText(path, JsonSerializer.Serialize(input));
        var (exit, output) = ExternalTools.Run(python, "-c", program, path);
        Assert.True(exit == 0, output);
        return JsonNode.Parse(output) ?? throw new InvalidOperationException("The program printed null.");
    }

    public static double[] Doubles(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public static long[] Longs(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<long>()).ToArray();
}
