using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Core;
using Harness.Core.Inputs;
using static TorchSharp.torch;

namespace Harness.Trainer.Augmentation;

/// <summary>One step of a chain as written: its name, its numbers in the order written, and its text.</summary>
public sealed record AugmentationStep(string Name, IReadOnlyList<double> Values, string Text);

/// <summary>
/// The chain of transforms from <c>--augment</c> (augmentation.chain), applied in the order written:
/// steps NAME:ARGUMENTS, comma-separated, or "none". Numbers are plain decimals (0.05, 250). Each name
/// applies to the input kinds it makes sense for:
/// <list type="table">
/// <item><term>tabular</term><description>(the imputed, standardised features)
/// noise:SD, Gaussian noise on numeric features, 0 &lt; SD &lt;= 5 standardised units;
/// missing:P, each value set to its imputed value with probability P, 0 &lt; P &lt; 1.</description></item>
/// <item><term>signal</term><description>(raw units, e.g. mV)
/// noise:SD, Gaussian noise, SD &gt; 0;
/// scale:LO-HI, each signal times a factor uniform in [LO, HI], 0 &lt; LO &lt;= HI &lt;= 10;
/// shift:MAX, circular shift by a whole number of samples uniform in [-MAX, MAX], 1 &lt;= MAX &lt; length;
/// wander:AMP@F1-F2, baseline wander, amplitude uniform in [0, AMP], frequency uniform in [F1, F2] Hz, 0 &lt; F1 &lt;= F2 &lt; half the sampling rate;
/// powerline:AMP@HZ, mains hum of amplitude AMP at HZ 50 or 60, below half the sampling rate.</description></item>
/// <item><term>image</term><description>(values in [0, 1])
/// flip:P, horizontal flip with probability P, 0 &lt; P &lt;= 1;
/// rotate:DEG, rotation uniform in [-DEG, DEG] degrees, 0 &lt; DEG &lt;= 180;
/// jitter:B/C, brightness factor in [1-B, 1+B] then contrast factor in [1-C, 1+C], each in [0, 1], not both 0;
/// crop:PAD, zero padding of PAD pixels and a crop back at a random offset, 1 &lt;= PAD &lt; height and width.</description></item>
/// </list>
/// For example "noise:0.05,scale:0.9-1.1,shift:250,wander:0.1@0.05-0.5,powerline:0.02@50" for ECGs
/// or "flip:0.5,rotate:10,jitter:0.2/0.2,crop:4" for images. <see cref="Parse(string, string)"/>
/// checks each step against every kind (a setting checked before the input kind is known);
/// <see cref="Parse(string, InputKind, string)"/> and the <c>Build</c> methods against one kind.
/// </summary>
public sealed class AugmentationChain
{
    public const string None = "none";
    private const string DefaultSetting = "augmentation.chain";

    private readonly string spec, setting;

    private AugmentationChain(string spec, string setting, IReadOnlyList<AugmentationStep> steps) =>
        (this.spec, this.setting, Steps) = (spec, setting, steps);

    public IReadOnlyList<AugmentationStep> Steps { get; }

    public bool IsEmpty => Steps.Count == 0;

    /// <summary>A step's syntax, what its numbers may be, and for which kind of input.</summary>
    private sealed record Rule(InputKind Kind, string Syntax, string Range, Func<double[], bool> Holds)
    {
        private const string Number = @"(\d+(?:\.\d+)?|\.\d+)";

        public string Name => Syntax[..Syntax.IndexOf(':')];

        public string Described => $"{Syntax} ({Range})";

        private Regex Pattern { get; } = new("^" + Regex.Replace(Syntax, "[A-Z][A-Z0-9]*|[^A-Z]",
            m => char.IsUpper(m.Value[0]) ? Number : Regex.Escape(m.Value)) + "$", RegexOptions.CultureInvariant);

        /// <summary>The step's numbers when it is written in this syntax with numbers in range; null otherwise.</summary>
        public double[]? Read(string part)
        {
            var match = Pattern.Match(part);
            if (!match.Success) return null;
            double[] values = match.Groups.Values.Skip(1).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture)).ToArray();
            return Holds(values) ? values : null;
        }
    }

    private static bool IsWhole(double value) => value == Math.Floor(value) && value <= int.MaxValue;

    private static readonly Rule[] Rules =
    [
        new(InputKind.Tabular, "noise:SD", "0 < SD <= 5, standardised units", v => v[0] is > 0 and <= 5),
        new(InputKind.Tabular, "missing:P", "0 < P < 1", v => v[0] is > 0 and < 1),
        new(InputKind.Signal, "noise:SD", "SD > 0, raw units", v => v[0] > 0),
        new(InputKind.Signal, "scale:LO-HI", "0 < LO <= HI <= 10", v => v[0] > 0 && v[0] <= v[1] && v[1] <= 10),
        new(InputKind.Signal, "shift:MAX", "whole MAX >= 1 samples, below the length", v => v[0] >= 1 && IsWhole(v[0])),
        new(InputKind.Signal, "wander:AMP@F1-F2", "AMP > 0 raw units, 0 < F1 <= F2 Hz below half the sampling rate", v => v[0] > 0 && v[1] > 0 && v[1] <= v[2]),
        new(InputKind.Signal, "powerline:AMP@HZ", "AMP > 0 raw units, HZ 50 or 60", v => v[0] > 0 && v[1] is 50.0 or 60.0),
        new(InputKind.Image, "flip:P", "0 < P <= 1", v => v[0] is > 0 and <= 1),
        new(InputKind.Image, "rotate:DEG", "0 < DEG <= 180", v => v[0] is > 0 and <= 180),
        new(InputKind.Image, "jitter:B/C", "B and C in [0, 1], not both 0", v => v[0] <= 1 && v[1] <= 1 && v[0] + v[1] > 0),
        new(InputKind.Image, "crop:PAD", "whole PAD >= 1 pixels, below the height and width", v => v[0] >= 1 && IsWhole(v[0])),
    ];

    private static string Kinds(IEnumerable<Rule> rules) => string.Join(" and ", rules.Select(r => KindName(r.Kind)).Distinct());

    private static string KindName(InputKind kind) => kind.ToString().ToLowerInvariant();

    private static string StepsFor(InputKind kind) =>
        $"for {KindName(kind)} inputs {string.Join(", ", Rules.Where(r => r.Kind == kind).Select(r => r.Described))}";

    /// <summary>Every kind's steps (their ranges come with an error about a step of that name), for a fix that cannot know the kind.</summary>
    private static string AllSteps => string.Join("; ",
        Enum.GetValues<InputKind>().Select(kind => $"{KindName(kind)} {string.Join(", ", Rules.Where(r => r.Kind == kind).Select(r => r.Syntax))}"));

    /// <summary>
    /// Parses <paramref name="spec"/>, each step written as some kind of input takes it; errors name
    /// <paramref name="setting"/> and the step. The <c>Build</c> methods then check the steps against the input kind.
    /// </summary>
    public static AugmentationChain Parse(string spec, string setting = DefaultSetting)
    {
        if (spec.Trim() == None) return new(spec, setting, []);
        var steps = new List<AugmentationStep>();
        foreach (string part in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            string name = part.Split(':', 2)[0];
            var named = Rules.Where(r => r.Name == name).ToList();
            if (named.Count == 0)
                throw new InputException($"{setting} '{spec}': '{part}' is not an augmentation.",
                    $"Write comma-separated steps, or none: {AllSteps}.");
            var values = named.Select(r => r.Read(part)).FirstOrDefault(v => v is not null)
                ?? throw new InputException($"{setting} '{spec}': '{part}' is not an augmentation.",
                    $"Write {string.Join(" or ", named.Select(r => $"{r.Described} for {KindName(r.Kind)} inputs"))}.");
            steps.Add(new AugmentationStep(name, values, part));
        }
        return new(spec, setting, steps);
    }

    /// <summary>Parses <paramref name="spec"/> for inputs of <paramref name="kind"/>: a step another kind takes is an error too.</summary>
    public static AugmentationChain Parse(string spec, InputKind kind, string setting = DefaultSetting)
    {
        var chain = Parse(spec, setting);
        chain.Resolve(kind);
        return chain;
    }

    /// <summary>
    /// The transforms of a tabular chain, for a model whose imputed missing values preprocess to
    /// <paramref name="imputedValue"/> (one per preprocessed column); <paramref name="numericMask"/>
    /// (1 numeric, 0 one-hot; null: all numeric) keeps noise off one-hot columns.
    /// </summary>
    public IReadOnlyList<IBatchTransform> Build(Tensor imputedValue, Tensor? numericMask = null) =>
        Resolve(InputKind.Tabular).Select(s => s.Name == "noise"
            ? (IBatchTransform)new GaussianNoise(s.Values[0], numericMask)
            : new FeatureDropout(s.Values[0], imputedValue)).ToList();

    /// <summary>
    /// The transforms of a signal or image chain for inputs as <paramref name="input"/> describes them:
    /// signal steps need its length and, for wander and powerline, its sampling rate (frequencies at or
    /// above Nyquist are refused); crop needs the image size.
    /// </summary>
    public IReadOnlyList<IBatchTransform> Build(InputSpec input)
    {
        if (input.Kind == InputKind.Tabular)
            throw new ArgumentException("A tabular chain builds from the imputed values.", nameof(input));
        return Resolve(input.Kind).Select(step => Create(step, input)).ToList();
    }

    private IBatchTransform Create(AugmentationStep step, InputSpec input)
    {
        var v = step.Values;
        return step.Name switch
        {
            "noise" => new GaussianNoise(v[0]),
            "scale" => new AmplitudeScaling(v[0], v[1]),
            "shift" => new CircularShift(Below(step, (int)v[0], input.Shape[^1], "samples", "the signals' length")),
            "wander" => new BaselineWander(v[0], v[1], v[2], SamplingRate(step, input, v[2])),
            "powerline" => new PowerlineInterference(v[0], v[1], SamplingRate(step, input, v[1])),
            "flip" => new HorizontalFlip(v[0]),
            "rotate" => new RandomRotation(v[0]),
            "jitter" => new BrightnessContrast(v[0], v[1]),
            "crop" => new PaddedCrop(Below(step, (int)v[0], Math.Min(input.Shape[1], input.Shape[2]), "pixels", "the images' smaller side")),
            _ => throw new InvalidOperationException($"No transform for '{step.Name}'."),
        };
    }

    /// <summary><paramref name="value"/> when it is below <paramref name="limit"/>; an error naming the step otherwise.</summary>
    private int Below(AugmentationStep step, int value, int limit, string unit, string what) => value < limit ? value
        : throw new InputException($"{setting} '{spec}': '{step.Text}' asks for {value} {unit}, but {what} is {limit}.",
            $"Write {step.Name} with a value below {limit}.");

    /// <summary>The signals' sampling rate, when <paramref name="highestHz"/> is below its Nyquist frequency; an error naming the step otherwise.</summary>
    private double SamplingRate(AugmentationStep step, InputSpec input, double highestHz)
    {
        double rate = input.SamplingRateHz ?? throw new InputException(
            $"{setting} '{spec}': '{step.Text}' needs the signals' sampling rate, which is not declared.", "Declare the sampling rate of the signals in Hz.");
        string nyquist = (rate / 2).ToString("G", CultureInfo.InvariantCulture);
        return highestHz < rate / 2 ? rate
            : throw new InputException(
                $"{setting} '{spec}': '{step.Text}' has {highestHz.ToString("G", CultureInfo.InvariantCulture)} Hz, at or above the Nyquist frequency of signals sampled at {rate.ToString("G", CultureInfo.InvariantCulture)} Hz ({nyquist} Hz).",
                $"Use frequencies below {nyquist} Hz in {step.Name}, or leave the step out.");
    }

    /// <summary>The steps, each checked against <paramref name="kind"/>'s syntax and ranges.</summary>
    private IReadOnlyList<AugmentationStep> Resolve(InputKind kind)
    {
        foreach (var step in Steps)
        {
            var rule = Rules.FirstOrDefault(r => r.Kind == kind && r.Name == step.Name);
            if (rule is null)
                throw new InputException(
                    $"{setting} '{spec}': '{step.Text}' is not an augmentation of {KindName(kind)} inputs ({step.Name} is for {Kinds(Rules.Where(r => r.Name == step.Name))} inputs).",
                    $"Write comma-separated steps, or none, {StepsFor(kind)}.");
            if (rule.Read(step.Text) is null)
                throw new InputException($"{setting} '{spec}': '{step.Text}' is not an augmentation of {KindName(kind)} inputs.", $"Write {rule.Described}.");
        }
        return Steps;
    }
}
