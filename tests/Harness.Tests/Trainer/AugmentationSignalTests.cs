using Harness.Tests.Support;
using Harness.Trainer.Augmentation;
using static TorchSharp.torch;

namespace Harness.Tests.Trainer;

/// <summary>
/// The signal transforms on [N, C, L] batches: each with fixed draws against values worked by hand,
/// then the random path for its ranges and for reproducibility from torch's seed.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class AugmentationSignalTests
{
    /// <summary>Two examples of two channels of five samples: example n, channel c, sample t holds 100 n + 10 c + t.</summary>
    private static Tensor Ramp() => tensor(Enumerable.Range(0, 20).Select(i => (float)(100 * (i / 10) + 10 * (i / 5 % 2) + i % 5)).ToArray(), [2, 2, 5]);

    internal static void AssertClose(double[] expected, Tensor actual, double tolerance)
    {
        var got = actual.to_type(ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(expected.Length, got.Length);
        for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {got[i]}");
    }

    [Fact]
    public void Scaling_multiplies_each_example_by_its_own_factor()
    {
        using var batch = Ramp();
        using var factors = tensor(new float[] { 2, 0.5f });

        using var scaled = AmplitudeScaling.Apply(batch, factors);

        var expected = batch.data<float>().ToArray().Select((v, i) => v * (i < 10 ? 2.0 : 0.5)).ToArray();
        AssertClose(expected, scaled, 1e-5);
    }

    [Fact]
    public void A_circular_shift_rolls_every_channel_of_an_example_by_its_own_amount()
    {
        // Given shifts +1 and -2: torch.roll's out[t] = in[(t - s) mod 5]
        using var batch = Ramp();
        using var shifts = tensor(new long[] { 1, -2 });

        using var shifted = CircularShift.Apply(batch, shifts);

        AssertClose([4, 0, 1, 2, 3, 14, 10, 11, 12, 13, 102, 103, 104, 100, 101, 112, 113, 114, 110, 111], shifted, 0);
    }

    [Fact]
    public void Baseline_wander_adds_the_drawn_sinusoid_to_every_channel()
    {
        // Given 4 samples at 4 Hz (t = 0, 0.25, 0.5, 0.75 s); example 0: amplitude 1, 1 Hz, phase 0 -> sin(2 pi t) = 0, 1, 0, -1;
        // example 1: amplitude 0.5, 0.5 Hz, phase pi/2 -> 0.5 cos(pi t) = 0.5, 0.5/sqrt 2, 0, -0.5/sqrt 2
        using var batch = ones(2, 2, 4);
        double h = 0.5 / Math.Sqrt(2);

        using var wandered = Sinusoid.Add(batch, tensor(new float[] { 1, 0.5f }), tensor(new float[] { 1, 0.5f }), tensor(new[] { 0, (float)Math.PI / 2 }), 4);

        AssertClose([1, 2, 1, 0, 1, 2, 1, 0, 1.5, 1 + h, 1, 1 - h, 1.5, 1 + h, 1, 1 - h], wandered, 1e-6);
    }

    [Fact]
    public void Powerline_interference_adds_a_mains_sinusoid_of_the_given_amplitude_at_the_drawn_phase()
    {
        // Given 50 Hz at 200 Hz sampling: a quarter period per sample; phase pi/2 starts at the crest
        using var batch = zeros(1, 1, 5);
        var hum = new PowerlineInterference(0.3, 50, 200);

        using var noisy = hum.Apply(batch, tensor(new[] { (float)Math.PI / 2 }));

        AssertClose([0.3, 0, -0.3, 0, 0.3], noisy, 1e-6);
    }

    [Fact]
    public void The_random_signal_transforms_stay_in_their_ranges_and_repeat_under_the_same_seed()
    {
        // Given 500 flat signals of 3 channels (value 1) and 100 samples at 100 Hz
        using var batch = ones(500, 3, 100);
        IBatchTransform[] transforms = [new AmplitudeScaling(0.8, 1.25), new CircularShift(7), new BaselineWander(0.2, 0.1, 0.5, 100), new PowerlineInterference(0.05, 50, 1000)];
        foreach (var transform in transforms)
        {
            manual_seed(11);
            using var first = transform.Apply(batch);
            manual_seed(11);
            using var again = transform.Apply(batch);
            Assert.True((first == again).all().item<bool>(), $"{transform} did not repeat under the same seed");
        }

        // Then scaling gives one factor per example (every value of an example equal), spread over [0.8, 1.25]
        using var scaled = transforms[0].Apply(batch);
        using var factor = scaled[.., 0, 0];
        Assert.True((scaled == factor.view(-1, 1, 1)).all().item<bool>());
        Assert.InRange(factor.min().item<float>(), 0.8f, 0.81f);
        Assert.InRange(factor.max().item<float>(), 1.24f, 1.25f);

        // and a shift of a ramp moves each example by one whole amount in [-7, 7], the same on every channel, all 15 amounts seen
        using var ramp = arange(100, dtype: ScalarType.Float32).expand(500, 3, 100).contiguous();
        using var rolled = transforms[1].Apply(ramp);
        using var amount = (-rolled[.., .., 0]).remainder(100);
        using var wrapped = where(amount < 50, amount, amount - 100);
        Assert.True((wrapped == wrapped[.., 0..1]).all().item<bool>());
        Assert.Equal(-7f, wrapped.min().item<float>());
        Assert.Equal(7f, wrapped.max().item<float>());

        // and wander adds the same curve to every channel, never more than its amplitude
        using var wandered = transforms[2].Apply(batch) - 1;
        Assert.True((wandered == wandered[.., 0..1]).all().item<bool>());
        Assert.InRange(wandered.abs().max().item<float>(), 0.15f, 0.2f);

        // and the hum has its amplitude: 5 periods of 20 samples peak within cos(9 degrees) of it
        using var hum = (transforms[3].Apply(batch) - 1).abs().amax([1, 2]);
        Assert.InRange(hum.min().item<float>(), 0.0493f, 0.0501f);
        Assert.InRange(hum.max().item<float>(), 0.049f, 0.0501f);
    }
}
