using System.Globalization;
using Harness.Tests.Support;
using Harness.Validator.Scoring;

namespace Harness.Tests.Validator;

/// <summary>predictions.csv writes each probability as the shortest text that reads back as the same float32.</summary>
public sealed class PredictionsCsvTests
{
    /// <summary>Random float32 probabilities: uniform bit patterns below 1 (every exponent, denormals too), and the edges.</summary>
    private static float[] RandomProbabilities(int count)
    {
        var rng = new Random(7);
        var values = new List<float> { 0f, 1f, float.Epsilon, 0.5f, 0.1f, 1f - 1e-7f, 0.19995325803756714f };
        while (values.Count < count)
        {
            float f = BitConverter.Int32BitsToSingle(rng.Next(0, BitConverter.SingleToInt32Bits(1f)));
            values.Add(f);
        }
        return [.. values];
    }

    private static string[] Written(float[] values)
    {
        var text = new StringWriter();
        using (var csv = new PredictionsCsv(text, ["p"]))
        {
            var lines = new PredictionsCsv.Lines();
            foreach (float v in values) lines.Write("s", "id", 2, "x", [v]);
            csv.Append(lines);
        }
        return text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[^1]).ToArray();
    }

    [Fact]
    public void Every_probability_reads_back_as_the_same_float32_bits()
    {
        var values = RandomProbabilities(20_000);
        var cells = Written(values);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(values[i]), BitConverter.SingleToInt32Bits(float.Parse(cells[i], CultureInfo.InvariantCulture)));
        Assert.Equal("0.19995326", cells[6]); // the example of the issue: 8 digits, not the double's 17
    }

    [PythonFact("numpy")]
    public void The_text_is_numpys_shortest_round_trip_repr_of_the_float32()
    {
        // numpy's repr of a float32 is the shortest decimal that reads back as it (Dragon4, unique mode): an independent implementation
        var values = RandomProbabilities(3_000);
        var cells = Written(values);
        var expected = InlinePython.Run("""
            import json, sys, numpy as np
            bits = json.load(open(sys.argv[1]))
            out = []
            for b in bits:
                s = np.format_float_positional(np.array([b], dtype=np.uint32).view(np.float32)[0], unique=True, trim='-')
                out.append(s)
            print(json.dumps(out))
            """, values.Select(v => (long)(uint)BitConverter.SingleToInt32Bits(v)).ToArray()).AsArray().Select(v => v!.GetValue<string>()).ToArray();
        // Both are shortest: the same decimal, whatever the notation (.NET writes 1E-45, numpy 0.000...1); two decimals
        // of at most 9 significant digits that differ never parse to the same double
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(double.Parse(expected[i], CultureInfo.InvariantCulture), double.Parse(cells[i], CultureInfo.InvariantCulture));
    }
}
