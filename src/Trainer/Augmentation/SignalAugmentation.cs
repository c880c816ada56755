using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>
/// Each signal multiplied by one factor uniform in [<paramref name="Low"/>, <paramref name="High"/>]:
/// the gain differences between recorders and patients (Um et al. 2017 scale by about N(1, 0.1)).
/// </summary>
public sealed record AmplitudeScaling(double Low, double High) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, PerExample.Uniform(batch, Low, High));

    /// <summary>The batch [N, C, L] with example n scaled by <paramref name="factors"/>[n].</summary>
    internal static Tensor Apply(Tensor batch, Tensor factors) => batch * PerExample.Broadcast(factors, batch);
}

/// <summary>
/// Each signal rotated in time by a whole number of samples uniform in [-<paramref name="MaxSamples"/>,
/// <paramref name="MaxSamples"/>], what falls off one end coming back at the other (torch.roll per
/// example): a recording's start is arbitrary relative to the heartbeat.
/// </summary>
public sealed record CircularShift(int MaxSamples) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, PerExample.Integers(batch, -MaxSamples, MaxSamples));

    /// <summary>The batch [N, C, L] with example n rolled by <paramref name="shifts"/>[n]: out[t] = in[(t - shift) mod L], as torch.roll.</summary>
    internal static Tensor Apply(Tensor batch, Tensor shifts)
    {
        long n = batch.shape[0], channels = batch.shape[1], length = batch.shape[2];
        var source = (arange(length, device: batch.device).unsqueeze(0) - shifts.unsqueeze(1)).remainder(length);
        return batch.gather(2, source.unsqueeze(1).expand(n, channels, length));
    }
}

/// <summary>
/// Baseline wander (breathing, electrode movement): per signal one sinusoid with amplitude uniform in
/// [0, <paramref name="Amplitude"/>] (raw units), frequency uniform in [<paramref name="LowHz"/>,
/// <paramref name="HighHz"/>] Hz and phase uniform in [0, 2 pi), added to every channel.
/// </summary>
public sealed record BaselineWander(double Amplitude, double LowHz, double HighHz, double SamplingRateHz) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Sinusoid.Add(batch, PerExample.Uniform(batch, 0, Amplitude),
        PerExample.Uniform(batch, LowHz, HighHz), PerExample.Uniform(batch, 0, 2 * Math.PI), SamplingRateHz);
}

/// <summary>
/// Powerline interference: per signal a sinusoid at the mains frequency <paramref name="Hz"/> (50 or
/// 60) with amplitude <paramref name="Amplitude"/> (raw units) and phase uniform in [0, 2 pi), added
/// to every channel: the hum of a site whose notch filter is absent or weaker than the training sites'.
/// </summary>
public sealed record PowerlineInterference(double Amplitude, double Hz, double SamplingRateHz) : IBatchTransform
{
    public Tensor Apply(Tensor batch) => Apply(batch, PerExample.Uniform(batch, 0, 2 * Math.PI));

    /// <summary>The batch with example n's hum at phase <paramref name="phases"/>[n] (radians).</summary>
    internal Tensor Apply(Tensor batch, Tensor phases) =>
        Sinusoid.Add(batch, full_like(phases, Amplitude), full_like(phases, Hz), phases, SamplingRateHz);
}

/// <summary>Sinusoids added to signals, sample t at time t / rate seconds.</summary>
internal static class Sinusoid
{
    /// <summary>
    /// The batch [N, C, L] plus, on every channel of example n, amplitude[n] * sin(2 pi frequency[n] t / rate + phase[n]).
    /// </summary>
    public static Tensor Add(Tensor batch, Tensor amplitude, Tensor frequencyHz, Tensor phase, double samplingRateHz)
    {
        var seconds = arange(batch.shape[2], dtype: batch.dtype, device: batch.device) / samplingRateHz;
        var wave = amplitude.unsqueeze(1) * sin(2 * Math.PI * frequencyHz.unsqueeze(1) * seconds.unsqueeze(0) + phase.unsqueeze(1));
        return batch + wave.unsqueeze(1);
    }
}
