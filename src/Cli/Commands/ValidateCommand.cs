using System.ComponentModel;
using System.Globalization;
using System.Text;
using Harness.Cli.Output;
using Harness.Cli.Rendering;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.Sites;
using Harness.Reports;
using Harness.Validator;
using Harness.Validator.Criteria;
using Harness.Validator.Inference;
using Harness.Results;
using Harness.Validator.Scoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli.Commands;

internal sealed class ValidateSettings : CommandSettings
{
    [CommandOption("--model <FILE>")]
    [Description("The model.onnx written by 'harness train'.")]
    public string? Model { get; init; }

    [CommandOption("--site <DIR>")]
    [Description("A site folder holding manifest.csv. Repeat for several sites.")]
    public string[] Sites { get; init; } = [];

    [CommandOption("--out <OUT_DIR>")]
    [Description("Folder to create with predictions.csv, results.json and report.pdf. Must not exist (see --force).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace --out if an earlier 'harness validate' wrote it (and it holds none of this run's inputs).")]
    public bool Force { get; init; }

    [CommandOption("--criteria <FILE>")]
    [Description("Acceptance criteria (JSON; see README.md). Each rule is judged on its interval: exit 3 if any fails, 4 if none fails but any is inconclusive.")]
    public string? Criteria { get; init; }

    [CommandOption("--confidence <LEVEL>"), DefaultValue(IntervalOptions.DefaultLevel)]
    [Description("Confidence level of every interval, between 0.5 and 1.")]
    public double Confidence { get; init; }

    [CommandOption("--bootstrap <N>"), DefaultValue(IntervalOptions.DefaultResamples)]
    [Description("Bootstrap resamples (stratified, whole patients) for the intervals without a formula; 0 turns them off.")]
    public int Bootstrap { get; init; }

    [CommandOption("--seed <N>"), DefaultValue(IntervalOptions.DefaultSeed)]
    [Description("Seed of the bootstrap resamples.")]
    public int Seed { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Examples per ONNX Runtime call; by default 4096 rows for tabular models and 32 signals or images (a CNN's activations grow with the batch).")]
    public int? BatchSize { get; init; }

    [CommandOption("--device <DEVICE>"), DefaultValue("auto")]
    [Description(DeviceOption.Help)]
    public string Device { get; init; } = "auto";

    [CommandOption("--subgroup <NAME[:EDGES]>")]
    [Description("Audit a subgroup at every site: an audit column group:NAME of the manifests or a model feature; each value is a level, or with edges (age:40,60,75) each band. Repeat for several.")]
    public string[] Subgroups { get; init; } = [];

    [CommandOption("--from <DATE>")]
    [Description("Validate only the rows dated on or after DATE (YYYY-MM-DD); undated rows are then left out. Rows left out are not scored, and are counted.")]
    public string? From { get; init; }

    [CommandOption("--to <DATE>")]
    [Description("Validate only the rows dated on or before DATE (YYYY-MM-DD); undated rows are then left out.")]
    public string? To { get; init; }

    [CommandOption("--by <PERIOD>")]
    [Description("Also slice each site's dated rows into calendar periods: year, quarter or month. Each period gets every metric with its interval, and AUROC, O/E and the calibration slope a test for trend. Needs a 'date' column.")]
    public string? By { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("Pass --model FILE, the model.onnx to validate.")
        : Sites.Length == 0 ? ValidationResult.Error("Pass at least one --site DIR.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out OUT_DIR, the folder to create.")
        : ValidationResult.Success();

    public ValidationOptions ToOptions() => new()
    {
        Device = DeviceOption.Parse(Device),
        BatchSize = BatchSize,
        Intervals = new IntervalOptions { Level = Confidence, Resamples = Bootstrap, Seed = Seed },
        Subgroups = Subgroups.Select(SubgroupSpec.Parse).ToList(),
        Window = From is null && To is null ? null : new DateWindow(DateOption.Parse(From, "--from"), DateOption.Parse(To, "--to")),
        By = By is null ? null : Period.ParseUnit(By),
    };
}

[Description("Validate an ONNX model on site datasets: predictions.csv, results.json and a PDF audit report, every number with its interval.")]
internal sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellation)
    {
        var options = settings.ToOptions();
        options.Intervals.Validate();
        options.Window?.Validate();
        // The files named on the command line, before anything is created.
        HarnessModel.CheckFile(settings.Model!);
        foreach (var site in settings.Sites) SiteFolder.Open(site);
        if (settings.Criteria is not null) CriteriaFile.CheckFile(settings.Criteria);
        using var output = StagedOutputFolder.Begin(console, "validate", settings.Out!, settings.Force,
            [settings.Model, .. settings.Sites, settings.Criteria]);
        var results = output.Write(() => Validate(console, settings.Model!, settings.Sites, options, output.Path, cancellation, settings.Criteria));
        output.Commit(cancellation);
        console.MarkupLineInterpolated($"Report: [bold]{ConsoleText.Plain(Path.Combine(output.Target, AuditReport.FileName))}[/]");
        return ExitCodes.Of(results.Criteria);
    }

    /// <summary>Validates and writes predictions.csv, results.json and report.pdf into <paramref name="folder"/>; prints the tables.</summary>
    /// <param name="modelShownAs">Where the model will be once its folder is in place (the demo trains it into a staging folder), recorded instead of <paramref name="model"/>.</param>
    public static ValidationResults Validate(IAnsiConsole console, string model, IReadOnlyList<string> sites,
        ValidationOptions options, string folder, CancellationToken cancellation, string? criteriaFile = null, string? modelShownAs = null)
    {
        IReadOnlyList<Criterion>? criteria = null;
        string criteriaSha256 = "";
        var progress = new ProgressViews(console);
        var results = progress.Run(() =>
        {
            using var predictions = new StreamWriter(Path.Combine(folder, PredictionsCsv.FileName), false, new UTF8Encoding(false));
            return ValidationRun.Run(model, sites, options, predictions, progress, cancellation,
                beforeScoring: card => criteria = criteriaFile is null ? null : CriteriaFile.Load(criteriaFile, card.PositiveClass is not null, out criteriaSha256));
        });
        if (modelShownAs is not null) results = results with { Model = results.Model with { Path = Path.GetFullPath(modelShownAs) } };
        if (criteria is not null)
            results = results with { Criteria = CriteriaJudge.Judge(criteria, PathDisplay.Of(criteriaFile!), criteriaSha256, results.Sites) };
        // The report first: characters it cannot draw are a warning for results.json and the console
        // too, and results.json holds the very bytes the report embeds.
        results = AuditReport.WriteFolder(results, folder, DateTimeOffset.UtcNow);
        ConsoleTables.Write(console, results);
        return results;
    }
}
