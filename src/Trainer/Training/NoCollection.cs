using System.Runtime;

namespace Harness.Trainer.Training;

/// <summary>
/// No garbage collection while libtorch works on a signal or image batch, as far as the runtime
/// allows. TorchSharp turns numbers into native scalars through temporary <c>Scalar</c> objects (ours,
/// <c>x * 0.5</c>, and its own: every <c>add</c>'s alpha, BatchNorm, AdamW) that hold raw handles and
/// have finalizers. A collection that another thread starts while a libtorch call still uses such a
/// temporary finalises it under the call, and libtorch reads a freed scalar ("Unknown scalar type").
/// A no-GC region of <see cref="Budget"/> bytes per batch lets the other threads allocate that much
/// before any collection; a region that cannot start, or ends early, leaves the batch as it was.
/// Starting a region can cost a collection: with 1 MB the image demo's training took 9% longer (16 MB:
/// 40%), and a region per tabular batch (milliseconds each) doubled tabular training, which goes without.
/// </summary>
internal readonly struct NoCollection : IDisposable
{
    /// <summary>What every thread together may allocate during one batch before a collection is allowed.</summary>
    public const long Budget = 1L << 20;

    private readonly bool _started;

    private NoCollection(bool started) => _started = started;

    /// <summary>A region when <paramref name="wanted"/>; none when not, or when one is already open.</summary>
    public static NoCollection Begin(bool wanted)
    {
        if (!wanted || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new(false);
        try { return new(GC.TryStartNoGCRegion(Budget)); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException) { return new(false); } // a region open elsewhere, or a budget beyond this GC's limit
    }

    public void Dispose()
    {
        if (!_started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return; // the budget ran out: the region already ended
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { } // a collection happened meanwhile: the region is over
    }
}
