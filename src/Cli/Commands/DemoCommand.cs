using System.ComponentModel;
using Harness.Cli.Output;
using Harness.Cli.Rendering;
using Harness.Core;
using Harness.Core.Sites;
using Harness.Reports;
using Harness.Trainer;
using Harness.Validator;
using Harness.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli.Commands;

internal sealed class DemoSettings : CommandSettings
{
    [CommandOption("--modality <KIND>"), DefaultValue("tabular")]
    [Description("tabular (the bundled heart cohorts), ecg (generated ECGs: a held-out site, and a new device in 2021) or image (generated images with a site-marker shortcut at the training sites only).")]
    public string Modality { get; init; } = "tabular";

    [CommandOption("--sites <DIR>")]
    [Description("tabular: the folder holding the heart sites (default: sites/heart in the repository). ecg, image: where the generated sites are written (default: runs/demo-MODALITY-sites).")]
    public string? Sites { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where to write the demo (default: runs/demo, or runs/demo-ecg and runs/demo-image, in the repository).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace an earlier demo's outputs.")]
    public bool Force { get; init; }

    [CommandOption("--device <DEVICE>"), DefaultValue("auto")]
    [Description(DeviceOption.Help)]
    public string Device { get; init; } = "auto";
}

/// <summary>
/// The main job on the bundled data: train on Cleveland + Hungary, then validate on the two
/// institutions the model never saw, Switzerland and VA Long Beach, and, labelled internal, on
/// the two it was trained on.
/// </summary>
[Description("Train on Cleveland + Hungary, validate on held-out Switzerland and VA Long Beach (sites/heart).")]
internal sealed class DemoCommand(IAnsiConsole console) : Command<DemoSettings>
{
    public static readonly string[] TrainingSites = ["cleveland", "hungary"];
    public static readonly string[] HeldOutSites = ["switzerland", "va-long-beach"];
    public const string PositiveClass = "disease";
    public const string TrainFolder = "train";
    public const string ValidateFolder = "validate";

    /// <summary>The example acceptance criteria the demo is judged by (README.md explains them).</summary>
    public const string CriteriaFileName = "criteria.json";

    public override int Execute(CommandContext context, DemoSettings settings, CancellationToken cancellation)
    {
        var device = DeviceOption.Parse(settings.Device);
        string modality = settings.Modality.Trim().ToLowerInvariant();
        if (modality != "tabular") return RunGenerated(GeneratedDemo.For(modality, device), settings, cancellation);
        string heart = settings.Sites ?? Path.Combine(RepositoryRoot(), "sites", "heart");
        var trainingSites = TrainingSites.Select(s => Path.Combine(heart, s)).ToList();
        var heldOutSites = HeldOutSites.Select(s => Path.Combine(heart, s)).ToList();
        foreach (var site in trainingSites.Concat(heldOutSites)) SiteFolder.Open(site); // before anything is created
        string criteria = Path.Combine(heart, CriteriaFileName);
        // One marker at the top ("demo"), none in train/ and validate/: only 'harness demo --force' replaces a demo.
        using var output = StagedOutputFolder.Begin(console, "demo", settings.Out ?? Path.Combine(RepositoryRoot(), "runs", "demo"),
            settings.Force, [heart]);
        // The training sites are validated too, labelled internal: the contrast is the point.
        var results = output.Write(() => TrainAndValidate(output,
            string.Join(" + ", TrainingSites), trainingSites, new TrainingOptions { PositiveClass = PositiveClass, Device = device },
            "held-out " + string.Join(" + ", HeldOutSites) + ", and on the training sites", [.. heldOutSites, .. trainingSites],
            new ValidationOptions { Device = device, Subgroups = [SubgroupSpec.Parse("sex")] }, File.Exists(criteria) ? criteria : null, cancellation));
        output.Commit(cancellation);
        PrintWhere(output);
        return ExitCodes.Of(results.Criteria);
    }

    /// <summary>
    /// A demo on a generated cohort: the sites are written first, as their own output folder (so
    /// that every path the model card and the report record stays true), then trained on and validated.
    /// </summary>
    private int RunGenerated(GeneratedDemo demo, DemoSettings settings, CancellationToken cancellation)
    {
        string runs = Path.Combine(RepositoryRoot(), "runs");
        string sites = settings.Sites ?? Path.Combine(runs, $"demo-{demo.Modality}-sites");
        using var output = StagedOutputFolder.Begin(console, "demo", settings.Out ?? Path.Combine(runs, $"demo-{demo.Modality}"), settings.Force, [sites]);
        console.MarkupLineInterpolated($"[bold]{demo.Story}[/]");
        console.Write(new Rule($"[bold]0. Generate[/] {demo.Cohort.Sites} sites ('harness synth {demo.Modality}')").LeftJustified());
        var cohort = SynthCommand.Generate(console, demo.Cohort, sites, settings.Force, cancellation);
        foreach (string line in cohort.Story) console.MarkupLineInterpolated($"{line}");
        var results = output.Write(() => TrainAndValidate(output,
            string.Join(" + ", demo.TrainingSites), demo.TrainingSites.Select(s => Path.Combine(sites, s)).ToList(), demo.Training,
            string.Join(" + ", demo.ValidationSites), demo.ValidationSites.Select(s => Path.Combine(sites, s)).ToList(), demo.Validation,
            criteria: null, cancellation));
        output.Commit(cancellation);
        console.MarkupLineInterpolated($"Sites:  [bold]{ConsoleText.Plain(Path.GetFullPath(sites))}[/]");
        PrintWhere(output);
        return ExitCodes.Of(results.Criteria);
    }

    /// <summary>Trains into the demo's train/ folder, then validates that model into validate/ (the model recorded where it will be once committed).</summary>
    private ValidationResults TrainAndValidate(StagedOutputFolder output, string trainingTitle, IReadOnlyList<string> trainingSites, TrainingOptions training,
        string validationTitle, IReadOnlyList<string> validationSites, ValidationOptions validation, string? criteria, CancellationToken cancellation)
    {
        console.Write(new Rule("[bold]1. Train[/] on " + trainingTitle).LeftJustified());
        string train = Directory.CreateDirectory(output.File(TrainFolder)).FullName;
        TrainCommand.Train(console, trainingSites, training, train, cancellation);
        console.Write(new Rule("[bold]2. Validate[/] on " + validationTitle).LeftJustified());
        string validate = Directory.CreateDirectory(output.File(ValidateFolder)).FullName;
        return ValidateCommand.Validate(console, Path.Combine(train, TrainingOutcome.ModelFileName), validationSites, validation, validate, cancellation, criteria,
            modelShownAs: Path.Combine(output.Target, TrainFolder, TrainingOutcome.ModelFileName));
    }

    private void PrintWhere(StagedOutputFolder output)
    {
        console.MarkupLineInterpolated($"Model:  [bold]{ConsoleText.Plain(Path.Combine(output.Target, TrainFolder, TrainingOutcome.ModelFileName))}[/]");
        console.MarkupLineInterpolated($"Report: [bold]{ConsoleText.Plain(Path.Combine(output.Target, ValidateFolder, AuditReport.FileName))}[/]");
    }

    /// <summary>The repository holding sites/heart: above the harness binaries, else above the working folder.</summary>
    private static string RepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "sites", "heart")))
                    return dir.FullName;
        throw new InputException("the bundled sites (sites/heart) were not found above the harness binaries or the working folder.",
            "Run ./harness demo from a clone of the repository.");
    }
}
