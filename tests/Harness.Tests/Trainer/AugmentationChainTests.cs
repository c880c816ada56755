using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Support;
using Harness.Trainer.Augmentation;

namespace Harness.Tests.Trainer;

/// <summary>The augmentation chain's syntax per input kind: what it builds, and the one-line errors for what it refuses.</summary>
[Collection(NativeCollection.Name)]
public sealed class AugmentationChainTests
{
    private static InputSpec Signals(double? rate = 500, int length = 2500) =>
        new() { Kind = InputKind.Signal, Channels = ["I", "II", "V1"], Length = length, SamplingRateHz = rate };

    private static InputSpec Images(int height = 64, int width = 48) =>
        new() { Kind = InputKind.Image, Channels = [InputSpec.Grey], Height = height, Width = width };

    [Fact]
    public void A_signal_chain_builds_its_transforms_in_the_order_written()
    {
        var built = AugmentationChain.Parse("noise:0.05,scale:0.9-1.1,shift:250,wander:0.1@0.05-0.5,powerline:0.02@50", InputKind.Signal).Build(Signals());

        Assert.Equal<IBatchTransform>([new GaussianNoise(0.05), new AmplitudeScaling(0.9, 1.1), new CircularShift(250),
            new BaselineWander(0.1, 0.05, 0.5, 500), new PowerlineInterference(0.02, 50, 500)], built);
    }

    [Fact]
    public void An_image_chain_builds_its_transforms_in_the_order_written()
    {
        var built = AugmentationChain.Parse("flip:0.5, rotate:10, jitter:0.2/0, crop:4", InputKind.Image).Build(Images());

        Assert.Equal<IBatchTransform>([new HorizontalFlip(0.5), new RandomRotation(10), new BrightnessContrast(0.2, 0), new PaddedCrop(4)], built);
        Assert.Empty(AugmentationChain.Parse("none").Build(Images()));
    }

    /// <summary>Steps no kind of input takes, with what the error must say besides the setting and the step.</summary>
    public static TheoryData<string, string> Unparsable => new()
    {
        { "blur:1", "Write comma-separated steps, or none: tabular noise:SD, missing:P; signal noise:SD, scale:LO-HI, shift:MAX, wander:AMP@F1-F2, powerline:AMP@HZ; image flip:P, rotate:DEG, jitter:B/C, crop:PAD." },
        { "noise", "noise:SD (SD > 0, raw units) for signal inputs" },
        { "noise:0", "Write noise:SD (0 < SD <= 5, standardised units) for tabular inputs or noise:SD (SD > 0, raw units) for signal inputs." },
        { "noise:-1", "noise:SD" },
        { "noise:1e-3", "noise:SD" },
        { "missing:1", "Write missing:P (0 < P < 1) for tabular inputs." },
        { "scale:1.2-0.8", "0 < LO <= HI <= 10" },
        { "scale:0.9", "scale:LO-HI" },
        { "scale:0-1", "0 < LO <= HI <= 10" },
        { "shift:2.5", "whole MAX >= 1" },
        { "shift:0", "whole MAX >= 1" },
        { "wander:0.1@0.5-0.1", "0 < F1 <= F2" },
        { "wander:0.1", "wander:AMP@F1-F2" },
        { "powerline:0.1@55", "HZ 50 or 60" },
        { "flip:0", "0 < P <= 1" },
        { "flip:1.5", "0 < P <= 1" },
        { "rotate:200", "0 < DEG <= 180" },
        { "jitter:0/0", "not both 0" },
        { "jitter:1.5/0", "B and C in [0, 1]" },
        { "jitter:0.2", "jitter:B/C" },
        { "crop:0", "whole PAD >= 1" },
        { "crop:1.5", "whole PAD >= 1" },
        { "", "Write comma-separated steps" },
    };

    [Theory]
    [MemberData(nameof(Unparsable))]
    public void A_step_no_input_takes_is_refused_in_one_line_naming_the_setting_and_the_step(string step, string fix)
    {
        string spec = $"flip:0.5,{step}";

        var error = Assert.Throws<InputException>(() => AugmentationChain.Parse(spec, "--augment"));

        Assert.StartsWith($"--augment '{spec}': '{step}' is not an augmentation.", error.Message);
        Assert.Contains(fix, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(error.Message.Length < 600, error.Message);
    }

    /// <summary>Steps written correctly for another kind of input, or out of this kind's range.</summary>
    public static TheoryData<string, InputKind, string> WrongKind => new()
    {
        { "flip:0.5", InputKind.Tabular, "'flip:0.5' is not an augmentation of tabular inputs (flip is for image inputs)." },
        { "shift:10", InputKind.Image, "'shift:10' is not an augmentation of image inputs (shift is for signal inputs)." },
        { "missing:0.1", InputKind.Signal, "'missing:0.1' is not an augmentation of signal inputs (missing is for tabular inputs)." },
        { "noise:0.1", InputKind.Image, "'noise:0.1' is not an augmentation of image inputs (noise is for tabular and signal inputs)." },
        { "noise:6", InputKind.Tabular, "'noise:6' is not an augmentation of tabular inputs. Write noise:SD (0 < SD <= 5, standardised units)." },
    };

    [Theory]
    [MemberData(nameof(WrongKind))]
    public void A_step_of_another_kind_of_input_is_refused_naming_the_kind_it_is_for(string step, InputKind kind, string expected)
    {
        var error = Assert.Throws<InputException>(() => AugmentationChain.Parse(step, kind));

        Assert.StartsWith($"augmentation.chain '{step}': {expected}", error.Message);
        Assert.True(error.Message.Length < 600, error.Message);
    }

    [Fact]
    public void The_tabular_build_refuses_steps_of_other_kinds()
    {
        var chain = AugmentationChain.Parse("noise:0.05,rotate:10");

        var error = Assert.Throws<InputException>(() => chain.Build(TorchSharp.torch.zeros(3)));

        Assert.Contains("'rotate:10' is not an augmentation of tabular inputs (rotate is for image inputs)", error.Message);
        Assert.Contains("for tabular inputs noise:SD (0 < SD <= 5, standardised units), missing:P (0 < P < 1)", error.Message);
    }

    /// <summary>Steps the input's size or sampling rate rules out.</summary>
    public static TheoryData<string, InputSpec, string> BeyondTheInput => new()
    {
        { "powerline:0.1@50", Signals(rate: 100), "'powerline:0.1@50' has 50 Hz, at or above the Nyquist frequency of signals sampled at 100 Hz (50 Hz)." },
        { "powerline:0.1@60", Signals(rate: 100), "'powerline:0.1@60' has 60 Hz, at or above the Nyquist frequency of signals sampled at 100 Hz (50 Hz)." },
        { "wander:0.1@0.1-2", Signals(rate: 4), "'wander:0.1@0.1-2' has 2 Hz, at or above the Nyquist frequency of signals sampled at 4 Hz (2 Hz)." },
        { "powerline:0.1@50", Signals(rate: null), "'powerline:0.1@50' needs the signals' sampling rate, which is not declared." },
        { "shift:2500", Signals(), "'shift:2500' asks for 2500 samples, but the signals' length is 2500." },
        { "crop:48", Images(), "'crop:48' asks for 48 pixels, but the images' smaller side is 48." },
    };

    [Theory]
    [MemberData(nameof(BeyondTheInput))]
    public void A_step_beyond_what_the_input_allows_is_refused_when_built(string step, InputSpec input, string expected)
    {
        var chain = AugmentationChain.Parse(step, input.Kind);

        var error = Assert.Throws<InputException>(() => chain.Build(input));

        Assert.StartsWith($"augmentation.chain '{step}': {expected}", error.Message);
    }

    [Fact]
    public void Frequencies_below_nyquist_and_sizes_below_the_input_are_accepted()
    {
        Assert.Single(AugmentationChain.Parse("powerline:0.1@60", InputKind.Signal).Build(Signals(rate: 120.5)));
        Assert.Single(AugmentationChain.Parse("shift:2499", InputKind.Signal).Build(Signals()));
        Assert.Single(AugmentationChain.Parse("crop:47", InputKind.Image).Build(Images()));
    }
}
