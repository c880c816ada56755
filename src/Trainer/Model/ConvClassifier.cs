using Harness.Core.Inputs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harness.Trainer.Model;

/// <summary>
/// A convolutional network's shape: the output channels of each convolution stage, the (odd) kernel
/// size every convolution uses, and the dropout before the head.
/// </summary>
public sealed record ConvArchitecture(IReadOnlyList<int> Widths, int KernelSize, double Dropout)
{
    public static readonly IReadOnlyList<int> DefaultWidths = [16, 32, 64];

    /// <summary>7 samples: at 250-500 Hz, 14-28 ms, about a QRS complex's width at the first stage.</summary>
    public const int DefaultSignalKernel = 7;

    /// <summary>3 x 3, the usual image kernel: stacked stages widen the receptive field.</summary>
    public const int DefaultImageKernel = 3;

    /// <summary>The defaults for <paramref name="kind"/>: widths 16, 32, 64, kernel 7 for signals and 3 for images, the MLP's dropout.</summary>
    public static ConvArchitecture Default(InputKind kind) => kind switch
    {
        InputKind.Signal => new(DefaultWidths, DefaultSignalKernel, TrainingOptions.Defaults.Dropout),
        InputKind.Image => new(DefaultWidths, DefaultImageKernel, TrainingOptions.Defaults.Dropout),
        _ => throw new ArgumentException("A tabular input has no convolutional architecture.", nameof(kind)),
    };
}

/// <summary>
/// The whole deployed signal or image model as one sequence of blocks: <see cref="ChannelNormalisation"/>
/// ("normalise"), then per stage i a convolution ("conv{i}": "same" padding, stride 1, no bias since
/// batch normalisation follows), batch normalisation ("bn{i}"), ReLU ("relu{i}") and a 2 x 2 max pool
/// ("pool{i}"), then global average pooling ("gap"), "flatten", "dropout" and a linear "head" to
/// logits. Conv1d and friends read [N, C, L] signals, Conv2d and friends [N, C, H, W] images.
/// A pool that would leave fewer than 2 positions (samples, or pixels along the shorter side) is
/// left out, so a short input keeps every later stage's neighbourhood and the global pool averages
/// over more than one position; the stage has no "pool{i}" block then. Training and export use these
/// same blocks: the exporter walks them.
/// </summary>
public sealed class ConvClassifier : nn.Module<Tensor, Tensor>, IClassifierNetwork
{
    private readonly Sequential blocks;
    private readonly TemperatureScaling calibration;

    public ConvClassifier(InputSpec input, ConvArchitecture architecture, int classCount) : base(nameof(ConvClassifier))
    {
        if (input.Kind is not (InputKind.Signal or InputKind.Image))
            throw new ArgumentException("A convolutional classifier reads signals or images.", nameof(input));
        if (architecture.Widths.Count == 0 || architecture.Widths.Any(w => w < 1) || architecture.KernelSize < 1 || architecture.KernelSize % 2 == 0
            || architecture.Dropout is < 0 or >= 1)
            throw new ArgumentException("The architecture needs at least one positive width, an odd kernel size and a dropout in [0, 1).", nameof(architecture));
        if (classCount < 2) throw new ArgumentException("A classifier needs at least two classes.", nameof(classCount));

        Input = input;
        ExampleShape = input.Shape.Select(d => (long)d).ToArray();
        bool signal = input.Kind == InputKind.Signal;
        int k = architecture.KernelSize;
        var named = new List<(string, nn.Module<Tensor, Tensor>)> { ("normalise", new ChannelNormalisation(input)) };
        long channels = input.Channels.Count, side = ExampleShape.Skip(1).Min();
        for (int i = 0; i < architecture.Widths.Count; i++)
        {
            int width = architecture.Widths[i];
            named.Add(($"conv{i}", signal ? nn.Conv1d(channels, width, k, padding: k / 2, bias: false)
                : nn.Conv2d(channels, width, k, padding: k / 2, bias: false)));
            named.Add(($"bn{i}", signal ? nn.BatchNorm1d(width) : nn.BatchNorm2d(width)));
            named.Add(($"relu{i}", nn.ReLU()));
            if (side / 2 >= 2)
            {
                named.Add(($"pool{i}", signal ? nn.MaxPool1d(2, 2) : nn.MaxPool2d(2, 2)));
                side /= 2;
            }
            channels = width;
        }
        named.Add(("gap", signal ? nn.AdaptiveAvgPool1d(1) : nn.AdaptiveAvgPool2d(1)));
        named.Add(("flatten", nn.Flatten()));
        named.Add(("dropout", nn.Dropout(architecture.Dropout)));
        named.Add(("head", nn.Linear(channels, classCount)));
        blocks = nn.Sequential(named.ToArray());
        calibration = new TemperatureScaling();
        RegisterComponents();
    }

    /// <summary>The input this model reads: kind, channels, size and the normalisation its first block applies.</summary>
    public InputSpec Input { get; }

    public nn.Module<Tensor, Tensor> Module => this;

    public TemperatureScaling Calibration => calibration;

    public long[] ExampleShape { get; }

    public IReadOnlyList<(string Name, nn.Module Block)> Blocks => blocks.named_children().ToList();

    public override Tensor forward(Tensor decoded) => blocks.forward(decoded);

    /// <summary>The identity: signals and images are augmented as decoded values, and normalised by the network's first block.</summary>
    public Tensor Preprocess(Tensor raw) => raw;

    /// <summary>The whole network: its normalisation is inside it.</summary>
    public Tensor FromPreprocessed(Tensor preprocessed) => blocks.forward(preprocessed);

    public float[] PredictLogits(float[] examples, int exampleSize, Device device) =>
        ClassifierInference.Logits(this, examples, exampleSize, device);

    public float[] PredictProbabilities(float[] examples, int exampleSize, Device device, bool calibrated = true) =>
        ClassifierInference.Probabilities(this, examples, exampleSize, device, calibrated);
}
