namespace Harness.Core.Inputs;

/// <summary>
/// Turns one example file into the floats a model reads, for one <see cref="InputSpec"/>. Trainer and
/// validator get theirs from <see cref="InputDecoders.For"/>, so the same file gives the same numbers
/// in both. Decoders keep no state between files and may be used from several threads at once.
/// </summary>
public interface IInputDecoder
{
    /// <summary>The channels and size decoded; normalisation is left to the model's graph.</summary>
    InputSpec Spec { get; }

    /// <summary>Floats per example, <see cref="InputSpec.Size"/>.</summary>
    int Size { get; }

    /// <summary>
    /// Decodes <paramref name="file"/> into <paramref name="destination"/> (<see cref="Size"/> floats,
    /// channel-major [C, L] or [C, H, W]). A file that is missing, unreadable or does not match the
    /// spec is an <see cref="InputException"/> naming the file (and, in a signal file, the line and column).
    /// </summary>
    void Decode(string file, Span<float> destination);
}
