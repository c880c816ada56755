namespace Harness.Core.Inputs;

/// <summary>
/// Decodes PNG files for a spec: the size and grey/RGB must be the spec's; each sample becomes
/// value / (2^bitDepth - 1) as a correctly rounded float32 division, so 8- and 16-bit files both give [0, 1].
/// </summary>
internal sealed class ImageDecoder : IInputDecoder
{
    private readonly int _height, _width;

    public ImageDecoder(InputSpec spec)
    {
        bool grey = spec.Channels.SequenceEqual([InputSpec.Grey]), rgb = spec.Channels.SequenceEqual(InputSpec.Rgb);
        if (spec.Kind != InputKind.Image || !(grey || rgb) || spec.Height is not > 0 || spec.Width is not > 0)
            throw new ArgumentException("An image spec needs grey or RGB channels and a positive height and width.", nameof(spec));
        (_height, _width) = (spec.Height.Value, spec.Width.Value);
        Spec = spec;
        Size = spec.Size;
    }

    public InputSpec Spec { get; }

    public int Size { get; }

    public void Decode(string file, Span<float> destination)
    {
        if (destination.Length != Size) throw new ArgumentException($"{Size} floats expected.", nameof(destination));
        string shown = PathDisplay.Of(file);
        using var bytes = ExampleBytes.Read(file, shown);
        var header = PngReader.ReadHeader(bytes.Span, shown);
        int channels = Spec.Channels.Count;
        if (header.Channels != channels)
            throw new InputException($"is {Describe(header.Channels)}; the model reads {Describe(channels)} images.",
                $"Convert the images to {Describe(channels)} as the training images were.", shown);
        if (header.Width != _width || header.Height != _height)
            throw new InputException($"is {header.Width} x {header.Height} pixels; the model reads {_width} x {_height}.",
                "Resize the images as the training images were.", shown);

        using var rows = PngReader.Inflate(bytes.Buffer, bytes.Length, header, shown);
        float max = (1 << header.BitDepth) - 1;
        int plane = _height * _width;
        for (int y = 0; y < _height; y++)
        {
            var row = rows.Row(y);
            for (int c = 0; c < channels; c++)
            {
                var target = destination.Slice(c * plane + y * _width, _width);
                if (header.BitDepth == 8)
                    for (int x = 0; x < _width; x++) target[x] = row[x * channels + c] / max;
                else
                    for (int x = 0; x < _width; x++) target[x] = (row[2 * (x * channels + c)] << 8 | row[2 * (x * channels + c) + 1]) / max;
            }
        }
    }

    private static string Describe(int channels) => channels == 1 ? "greyscale" : "RGB";
}
