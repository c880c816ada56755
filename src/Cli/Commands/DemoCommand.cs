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
    [CommandOption("--sites <DIR>")]
    [Description("The folder holding the heart sites (default: sites/heart in the repository).")]
    public string? Sites { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Where to write the demo (default: runs/demo in the repository).")]
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
        string heart = settings.Sites ?? Path.Combine(RepositoryRoot(), "sites", "heart");
        var trainingSites = TrainingSites.Select(s => Path.Combine(heart, s)).ToList();
        var heldOutSites = HeldOutSites.Select(s => Path.Combine(heart, s)).ToList();
        foreach (var site in trainingSites.Concat(heldOutSites)) SiteFolder.Open(site); // before anything is created
        string criteria = Path.Combine(heart, CriteriaFileName);
        // One marker at the top ("demo"), none in train/ and validate/: only 'harness demo --force' replaces a demo.
        using var output = StagedOutputFolder.Begin(console, "demo", settings.Out ?? Path.Combine(RepositoryRoot(), "runs", "demo"),
            settings.Force, [heart]);
        var results = output.Write(() => Run(console, trainingSites, heldOutSites, File.Exists(criteria) ? criteria : null, device, output, cancellation));
        output.Commit(cancellation);
        console.MarkupLineInterpolated($"Model:  [bold]{ConsoleText.Plain(Path.Combine(output.Target, TrainFolder, TrainingOutcome.ModelFileName))}[/]");
        console.MarkupLineInterpolated($"Report: [bold]{ConsoleText.Plain(Path.Combine(output.Target, ValidateFolder, AuditReport.FileName))}[/]");
        return ExitCodes.Of(results.Criteria);
    }

    private static ValidationResults Run(IAnsiConsole console, IReadOnlyList<string> trainingSites, IReadOnlyList<string> heldOutSites,
        string? criteria, DeviceRequest device, StagedOutputFolder output, CancellationToken cancellation)
    {
        console.Write(new Rule("[bold]1. Train[/] on " + string.Join(" + ", TrainingSites)).LeftJustified());
        string train = Directory.CreateDirectory(output.File(TrainFolder)).FullName;
        TrainCommand.Train(console, trainingSites, new TrainingOptions { PositiveClass = PositiveClass, Device = device }, train, cancellation);

        // The training sites are validated too, labelled internal: the contrast is the point.
        console.Write(new Rule("[bold]2. Validate[/] on held-out " + string.Join(" + ", HeldOutSites) + ", and on the training sites").LeftJustified());
        string validate = Directory.CreateDirectory(output.File(ValidateFolder)).FullName;
        return ValidateCommand.Validate(console, Path.Combine(train, TrainingOutcome.ModelFileName), [.. heldOutSites, .. trainingSites],
            new ValidationOptions { Device = device, Subgroups = [SubgroupSpec.Parse("sex")] }, validate, cancellation, criteria,
            modelShownAs: Path.Combine(output.Target, TrainFolder, TrainingOutcome.ModelFileName));
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
