using Harness.Core;
using Harness.Synth;
using Harness.Trainer;
using Harness.Validator;

namespace Harness.Cli.Commands;

/// <summary>
/// The demos on generated cohorts (<c>harness demo --modality ecg|image</c>): which cohort
/// <c>harness synth</c> writes, which of its sites train, which validate, and with which settings;
/// each planted effect is one the validation should find.
/// </summary>
/// <param name="Story">What the demo shows, printed before it runs.</param>
internal sealed record GeneratedDemo(string Modality, SynthOptions Cohort, IReadOnlyList<string> TrainingSites, IReadOnlyList<string> ValidationSites,
    TrainingOptions Training, ValidationOptions Validation, string Story)
{
    public const string Ecg = "ecg", Image = "image";

    /// <summary>Signals: every regulariser that applies to them (the signal augmentation chain, mixup or CutMix of time segments, label smoothing, weight decay, early stopping).</summary>
    private static readonly TrainingOptions SignalTraining = new()
    {
        PositiveClass = EcgGenerator.Positive,
        Input = new InputOptions { SamplingRate = EcgOptions.DefaultRateHz },
        Until = new DateOnly(2020, 12, 31),
        Split = new SplitOptions { Cv = "holdout" },
        Optimiser = new OptimiserOptions { Epochs = 40 },
        EarlyStopping = new EarlyStoppingOptions { Patience = 8 },
        Augmentation = new AugmentationOptions { Chain = "noise:0.01,scale:0.8-1.2,shift:125,wander:0.1@0.05-0.5,powerline:0.02@50,powerline:0.02@60" },
        Targets = new TargetOptions { Mixup = 0.2, CutMix = 1 },
    };

    /// <summary>Images: flips, rotations, brightness/contrast jitter, padded crops, CutMix and the rest.</summary>
    private static readonly TrainingOptions ImageTraining = new()
    {
        PositiveClass = ImageGenerator.Positive,
        Split = new SplitOptions { Cv = "holdout" },
        Optimiser = new OptimiserOptions { Epochs = 40 },
        EarlyStopping = new EarlyStoppingOptions { Patience = 8 },
        Augmentation = new AugmentationOptions { Chain = "flip:0.5,rotate:10,jitter:0.1/0.1,crop:4" },
        Targets = new TargetOptions { CutMix = 1 },
    };

    public static IReadOnlyList<string> Modalities => ["tabular", Ecg, Image];

    public static GeneratedDemo For(string modality, DeviceRequest device) => modality switch
    {
        Ecg => new(Ecg, new EcgOptions { Sites = 4, Rows = 200, DeviceChangeYear = 2021 },
            ["north", "south", "east"], ["west", "north", "south", "east"],
            SignalTraining with { Device = device },
            new ValidationOptions { Device = device, By = PeriodUnit.Year, Subgroups = [SubgroupSpec.Parse("sex")] },
            "ECGs (AF vs sinus rhythm): trained on north, south and east up to 2020; validated on west, which it never saw, and year by year at every site, where a new device arrives in 2021."),
        Image => new(Image, new ImageOptions { Sites = 4, Rows = 300, Shortcut = true },
            ["north", "south", "east"], ["west", "north", "south", "east"],
            ImageTraining with { Device = device },
            new ValidationOptions { Device = device, Subgroups = [SubgroupSpec.Parse("sex")] },
            "Images (lesion vs clear): at north, south and east a site marker in the corner goes with the lesion (a shortcut, as Zech et al. 2018 found in chest radiographs); at west it does not. Trained on the three, validated on west and, labelled internal, on the three."),
        _ => throw new InputException($"--modality '{modality}' is not one of {string.Join(", ", Modalities)}.", "Choose --modality tabular, ecg or image."),
    };
}
