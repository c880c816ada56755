// The floors of `harness validate` (issue 11), one process per measurement:
//
//   ParseFloor parse csvhelper|sep|sylvan FILE   single-threaded parse of a manifest.csv: per row the
//                                                id and label as strings and every feature cell as a
//                                                double (empty or "?" = NaN); prints
//                                                "parse LIB SECONDS s ROWS rows checksum X"
//   ParseFloor score MODEL FILE                  the manifest parsed first (CsvHelper, untimed) into float32
//                                                rows in the model's feature order, then ONNX Runtime
//                                                (CPU) scores every row in batches of 4096 with one
//                                                session; prints "score SECONDS s ROWS rows checksum X"
//   ParseFloor --version                         prints nothing: the start-up cost of an empty .NET program
//
// SECONDS is a Stopwatch around the timed part only (parse: opening the file and reading every row;
// score: the Run calls, the session already made), so process start-up and JIT of Main are outside
// it. The checksum keeps the work from being optimised away: for parse, the sum of the non-missing
// values and of the id and label lengths (the three readers must agree); for score, the sum of the
// last class's probabilities (predictions.csv's last column, summed, agrees to float precision).
// Each reader is used the way its documentation recommends for speed: CsvHelper 34's UTF-8 reader
// with Parse<double> (the API src/Core/Sites/ManifestReader.cs uses, CsvReader.Create/FromFile),
// Sep's Col.Parse<double> (csFastFloat), Sylvan's CsvDataReader.GetDouble; default options otherwise
// (no line tracking, no string pooling, no trimming).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using nietras.SeparatedValues;
using Sylvan.Data.Csv;
// CsvHelper and Sylvan both name a type CsvDataReader.
using CsvReader = CsvHelper.CsvReader;
using CsvReaderOptions = CsvHelper.CsvReaderOptions;
using SylvanReader = Sylvan.Data.Csv.CsvDataReader;

return args switch
{
    ["--version"] => 0,
    ["parse", var library, var file] => Parse(library, file),
    ["score", var model, var file] => Score(model, file),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ParseFloor parse csvhelper|sep|sylvan FILE | ParseFloor score MODEL FILE | ParseFloor --version");
    return 2;
}

static int Parse(string library, string file)
{
    var clock = Stopwatch.StartNew();
    (long rows, double checksum) = library switch
    {
        "csvhelper" => Readers.WithCsvHelper(file),
        "sep" => Readers.WithSep(file),
        "sylvan" => Readers.WithSylvan(file),
        _ => (-1, 0),
    };
    if (rows < 0) return Usage();
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant($"parse {library} {seconds:0.000} s {rows} rows checksum {checksum:R}"));
    return 0;
}

static int Score(string modelPath, string file)
{
    using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL }; // as the validator
    using var session = new InferenceSession(modelPath, options);
    // The input's name and width from the graph, the feature order from the model card's feature_names
    // (a JSON array in the ONNX metadata): manifest columns are matched to it by name.
    var (inputName, input) = session.InputMetadata.Single();
    int width = input.Dimensions[1];
    string[] order = session.ModelMetadata.CustomMetadataMap.TryGetValue("feature_names", out var json)
        ? JsonSerializer.Deserialize<string[]>(json)!
        : throw new InvalidOperationException($"{modelPath} has no feature_names metadata: not a model written by 'harness train'.");
    if (order.Length != width) throw new InvalidOperationException($"input '{inputName}' is {width} wide but the card names {order.Length} features.");
    string outputName = session.OutputMetadata.ContainsKey("probabilities") ? "probabilities" : session.OutputMetadata.Keys.First();

    var features = Readers.Floats(file, order);
    int rows = features.Length / width;
    const int batch = 4096;
    using var run = new RunOptions();
    string[] inputNames = [inputName], outputNames = [outputName];
    double checksum = 0;
    var clock = Stopwatch.StartNew();
    for (int start = 0; start < rows; start += batch)
    {
        int n = Math.Min(batch, rows - start);
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
            features.AsMemory(start * width, n * width), [n, width]);
        using var outputs = session.Run(run, inputNames, [value], outputNames);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>();
        int classes = probabilities.Length / n;
        for (int i = classes - 1; i < probabilities.Length; i += classes) checksum += probabilities[i]; // the last class's
    }
    double seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(FormattableString.Invariant($"score {seconds:0.000} s {rows} rows checksum {checksum:R}"));
    return 0;
}

static class Readers
{
    /// <summary>The numeric feature columns: every column but id, label, patient_id, date and group:* ones (as ManifestSchema).</summary>
    public static int[] FeatureColumns(IReadOnlyList<string> header) =>
        Enumerable.Range(0, header.Count)
            .Where(c => header[c] is not ("id" or "label" or "patient_id" or "date") && !header[c].StartsWith("group:", StringComparison.Ordinal))
            .ToArray();

    static int Index(IReadOnlyList<string> header, string name) =>
        header.ToList().IndexOf(name) is var i and >= 0 ? i : throw new InvalidOperationException($"the manifest has no '{name}' column.");

    static bool Missing(ReadOnlySpan<char> cell) => cell.IsEmpty || cell is "?";

    static bool Missing(ReadOnlySpan<byte> cell) => cell.IsEmpty || cell.SequenceEqual("?"u8);

    public static (long Rows, double Checksum) WithCsvHelper(string file)
    {
        using var csv = CsvReader.FromFile(file, new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            FormatProvider = CultureInfo.InvariantCulture,
        });
        var header = csv.Headers;
        int id = Index(header, "id"), label = Index(header, "label");
        int[] features = FeatureColumns(header);
        long rows = 0;
        double sum = 0;
        while (csv.Read())
        {
            sum += csv.GetString(id).Length + csv.GetString(label).Length;
            foreach (int c in features)
            {
                double value = Missing(csv.GetSpan(c)) ? double.NaN : csv.Parse<double>(c);
                if (!double.IsNaN(value)) sum += value;
            }
            rows++;
        }
        return (rows, sum);
    }

    public static (long Rows, double Checksum) WithSep(string file)
    {
        using var reader = Sep.New(',').Reader(o => o with { CultureInfo = CultureInfo.InvariantCulture }).FromFile(file);
        var header = reader.Header.ColNames;
        int id = Index(header, "id"), label = Index(header, "label");
        int[] features = FeatureColumns(header);
        long rows = 0;
        double sum = 0;
        foreach (var row in reader)
        {
            sum += row[id].ToString().Length + row[label].ToString().Length;
            foreach (int c in features)
            {
                var col = row[c];
                double value = Missing(col.Span) ? double.NaN : col.Parse<double>();
                if (!double.IsNaN(value)) sum += value;
            }
            rows++;
        }
        return (rows, sum);
    }

    public static (long Rows, double Checksum) WithSylvan(string file)
    {
        using var csv = SylvanReader.Create(file, new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = ',',
            Culture = CultureInfo.InvariantCulture,
        });
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        int id = Index(header, "id"), label = Index(header, "label");
        int[] features = FeatureColumns(header);
        long rows = 0;
        double sum = 0;
        while (csv.Read())
        {
            sum += csv.GetString(id).Length + csv.GetString(label).Length;
            foreach (int c in features)
            {
                double value = Missing(csv.GetFieldSpan(c)) ? double.NaN : csv.GetDouble(c);
                if (!double.IsNaN(value)) sum += value;
            }
            rows++;
        }
        return (rows, sum);
    }

    /// <summary>
    /// Row-major float32 features in <paramref name="order"/> (the model's), NaN for missing; read with CsvHelper
    /// (the fastest reader here) twice, counting the rows first, so the one array is all it keeps (10,000,000
    /// rows x 13: 520 MB).
    /// </summary>
    public static float[] Floats(string file, string[] order)
    {
        var options = new CsvReaderOptions { HasHeader = true, Separator = ',', FormatProvider = CultureInfo.InvariantCulture };
        long rows = 0;
        using (var counting = CsvReader.FromFile(file, options))
            while (counting.Read()) rows++;
        using var csv = CsvReader.FromFile(file, options);
        int[] columns = order.Select(name => Index(csv.Headers, name)).ToArray();
        var values = new float[checked(rows * columns.Length)];
        long at = 0;
        while (csv.Read())
            foreach (int c in columns)
                values[at++] = Missing(csv.GetSpan(c)) ? float.NaN : csv.Parse<float>(c);
        return values;
    }
}
