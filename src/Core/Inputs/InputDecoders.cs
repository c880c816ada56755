using System.Runtime.ExceptionServices;

namespace Harness.Core.Inputs;

/// <summary>The decoders for signal and image specs, describing a first example, and decoding many files at once.</summary>
public static class InputDecoders
{
    /// <summary>The decoder for <paramref name="spec"/>; a tabular spec, or one without its sizes, is a programming error.</summary>
    public static IInputDecoder For(InputSpec spec) => spec.Kind switch
    {
        InputKind.Signal => new SignalDecoder(spec),
        InputKind.Image => new ImageDecoder(spec),
        _ => throw new ArgumentException("Tabular inputs are manifest columns, not files.", nameof(spec)),
    };

    /// <summary>
    /// The spec one file implies, from its header: a signal's channels (header order) and length (data
    /// lines); an image's channels (grey or RGB), height and width. Training fixes the spec from its first
    /// example this way; every other example must then match it. Normalisation and sampling rate are left unset.
    /// </summary>
    public static InputSpec Describe(string file, InputKind kind)
    {
        string shown = PathDisplay.Of(file);
        using var bytes = ExampleBytes.Read(file, shown);
        switch (kind)
        {
            case InputKind.Signal:
                var layout = SignalCsv.Layout(bytes.Span, shown);
                if (layout.Length == 0)
                    throw new InputException("has a header but no samples.", "Export the recording again, one line per sample time.", shown, 2);
                return new InputSpec { Kind = kind, Channels = layout.Channels, Length = layout.Length };
            case InputKind.Image:
                var header = PngReader.ReadHeader(bytes.Span, shown);
                return new InputSpec
                {
                    Kind = kind,
                    Channels = header.Channels == 1 ? [InputSpec.Grey] : InputSpec.Rgb,
                    Height = header.Height,
                    Width = header.Width,
                };
            default:
                throw new ArgumentException("Tabular inputs are manifest columns, not files.", nameof(kind));
        }
    }

    /// <summary>
    /// Decodes <paramref name="files"/>[i] into <paramref name="destination"/>[i * Size, (i + 1) * Size)
    /// on every core. Workers take files in index order, so when files fail the error thrown is that of
    /// the lowest failing index, whichever failed first: the same manifest gives the same message every run.
    /// It names the manifest, line and path column of that file's row (<see cref="ExampleFile"/>; the rows
    /// may be of several manifests, as training's sites are) and then the file's own problem. Files after a
    /// failure are not started; cancellation stops between files.
    /// </summary>
    public static void DecodeAll(IInputDecoder decoder, IReadOnlyList<ExampleFile> files, Memory<float> destination, CancellationToken cancellation = default)
    {
        int n = files.Count, size = decoder.Size;
        if (destination.Length != (long)n * size) throw new ArgumentException($"{(long)n * size} floats expected.", nameof(destination));

        int next = -1, failedAt = int.MaxValue;
        Exception? failure = null;
        object gate = new();
        int workers = Math.Max(1, Math.Min(Environment.ProcessorCount, n));
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            for (int i; !cancellation.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < Math.Min(n, Volatile.Read(ref failedAt));)
            {
                try
                {
                    decoder.Decode(files[i].Path, destination.Span.Slice(i * size, size));
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        if (i < failedAt) (failedAt, failure) = (i, e);
                    }
                }
            }
        });
        cancellation.ThrowIfCancellationRequested();
        if (failure is InputException problem)
            throw new InputException($"{Location(problem)}{problem.Problem}", problem.Fix, files[failedAt].Manifest, files[failedAt].Line, files[failedAt].Column);
        if (failure is not null) ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>"file:line:column: " as <see cref="InputException"/> places it, for quoting one error inside another.</summary>
    private static string Location(InputException e) => e.File is null ? "" : e.File
        + (e.Line is null ? "" : $":{e.Line}")
        + (e.Line is not null && e.Column is not null ? $":{e.Column}" : "")
        + ": ";
}

/// <summary>An example's file (resolved) and where a manifest names it, for error messages: the manifest as shown, its line and the path column.</summary>
public readonly record struct ExampleFile(string Path, string Manifest, long Line, int Column);
