using System.Collections.Concurrent;
using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Inputs;

public sealed class InputDecodersTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly InputSpec TwoLeads = new() { Kind = InputKind.Signal, Channels = ["I", "II"], Length = 50 };

    /// <summary>The files as named by consecutive rows of one manifest, from <paramref name="firstLine"/>, in path column <paramref name="column"/>.</summary>
    private static ExampleFile[] Named(string[] files, string manifest, long firstLine, int column) =>
        files.Select((file, i) => new ExampleFile(file, manifest, firstLine + i, column)).ToArray();

    /// <summary>Writes <paramref name="count"/> random two-lead signals (in alternating column order) and returns their paths.</summary>
    private string[] WriteSignals(int count)
    {
        var random = new Random(11);
        return Enumerable.Range(0, count).Select(i =>
        {
            string path = _temp.Combine($"{i:D3}.csv");
            var samples = Enumerable.Range(0, 2 * 50).Select(_ => (float)random.NextDouble() * 4 - 2).ToArray();
            SignalCsv.Write(path, i % 2 == 0 ? ["I", "II"] : ["II", "I"], samples);
            return path;
        }).ToArray();
    }

    [Fact]
    public void DecodeAll_fills_each_slot_with_what_Decode_gives_for_that_file()
    {
        // Given 37 signal files and 9 images
        var signals = WriteSignals(37);
        var images = Enumerable.Range(0, 9).Select(i =>
        {
            string path = _temp.Combine($"{i}.png");
            PngWriter.Write(path, 6, 5, 3, 16, Enumerable.Range(0, 90).Select(k => (ushort)(k * 700 + i)).ToArray());
            return path;
        }).ToArray();

        foreach (var (spec, files) in new[]
        {
            (TwoLeads, signals),
            (new InputSpec { Kind = InputKind.Image, Channels = InputSpec.Rgb, Height = 5, Width = 6 }, images),
        })
        {
            var decoder = InputDecoders.For(spec);

            // When decoded all at once
            var all = new float[files.Length * decoder.Size];
            InputDecoders.DecodeAll(decoder, Named(files, "manifest.csv", 2, 3), all);

            // Then slot i holds exactly what decoding file i alone gives
            for (int i = 0; i < files.Length; i++)
            {
                var one = new float[decoder.Size];
                decoder.Decode(files[i], one);
                Assert.Equal(one, all.AsSpan(i * decoder.Size, decoder.Size).ToArray());
            }
        }
    }

    [Fact]
    public void The_error_names_the_manifest_line_and_path_column_then_the_files_own_line_and_column()
    {
        // Given ten signals, the fourth (manifest line 5) holding NaN on its line 6, column 2
        var files = WriteSignals(10);
        var lines = File.ReadAllLines(files[3]);
        lines[5] = lines[5].Split(',')[0] + ",NaN";
        File.WriteAllLines(files[3], lines);
        var decoder = InputDecoders.For(TwoLeads);

        // When decoded all at once
        var e = Assert.Throws<InputException>(() =>
            InputDecoders.DecodeAll(decoder, Named(files, "site/manifest.csv", 2, 4), new float[10 * decoder.Size]));

        // Then
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(("site/manifest.csv", 5L, 4), (e.File, e.Line!.Value, e.Column!.Value));
        Assert.Equal($"{PathDisplay.Of(files[3])}:6:2: 'NaN' is not a finite number.", e.Problem);
        Assert.StartsWith($"site/manifest.csv:5:4: {PathDisplay.Of(files[3])}:6:2: 'NaN' is not a finite number. Replace", e.Message);
    }

    [Fact]
    public void The_lowest_failing_index_wins_even_when_a_later_file_fails_first()
    {
        // Given files 0..7 where file 2 fails only after file 5 has failed (or after 5 s where nothing runs beside it)
        var decoder = new ScriptedDecoder(failing: [2, 5], waitFor: (2, 5));
        var files = Enumerable.Range(0, 8).Select(i => i.ToString()).ToArray();

        // When decoded all at once
        var e = Assert.Throws<InputException>(() =>
            InputDecoders.DecodeAll(decoder, Named(files, "manifest.csv", 10, 3), new float[8]));

        // Then file 2's error, on its manifest line 12, whatever order the failures came in
        Assert.Equal(12L, e.Line);
        Assert.Equal("2: file 2 is broken.", e.Problem);
        if (decoder.Failures.Count == 2) Assert.Equal([5, 2], decoder.Failures); // where two workers ran side by side
    }

    [Fact]
    public void A_cancelled_token_stops_decoding()
    {
        // Given a cancelled token / When / Then no file is decoded
        var decoder = new ScriptedDecoder(failing: [], waitFor: null);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            InputDecoders.DecodeAll(decoder, Named(["a", "b"], "manifest.csv", 2, 3), new float[2], cancelled.Token));
        Assert.Empty(decoder.Started);
    }

    [Fact]
    public void Describe_of_a_signal_without_samples_is_an_error()
    {
        string path = _temp.Combine("empty.csv");
        File.WriteAllText(path, "I,II\n");
        var e = Assert.Throws<InputException>(() => InputDecoders.Describe(path, InputKind.Signal));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal("has a header but no samples.", e.Problem);
    }

    /// <summary>
    /// Decodes file "i" to the float i, except that the indices in <c>failing</c> throw; the first of
    /// <c>waitFor</c> fails only once the second has (waiting at most 5 s, for where nothing runs beside it).
    /// </summary>
    private sealed class ScriptedDecoder(int[] failing, (int Late, int Early)? waitFor) : IInputDecoder
    {
        private readonly ManualResetEventSlim _earlyFailed = new();

        public ConcurrentQueue<int> Failures { get; } = new();
        public ConcurrentBag<int> Started { get; } = [];

        public InputSpec Spec { get; } = new() { Kind = InputKind.Signal, Channels = ["x"], Length = 1 };
        public int Size => 1;

        public void Decode(string file, Span<float> destination)
        {
            int index = int.Parse(file);
            Started.Add(index);
            if (!failing.Contains(index))
            {
                destination[0] = index;
                return;
            }
            if (waitFor?.Late == index) _earlyFailed.Wait(TimeSpan.FromSeconds(5));
            Failures.Enqueue(index);
            if (waitFor?.Early == index) _earlyFailed.Set();
            throw new InputException($"file {index} is broken.", "Mend it.", file);
        }
    }
}
