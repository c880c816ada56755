using System.ComponentModel;
using System.Text;
using Harness.Cli.Output;
using Harness.Cli.Rendering;
using Harness.Core.Metrics;
using Harness.Reports;
using Harness.Validator;
using Harness.Validator.Results;
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
    [Description("Replace --out if it exists and holds only Harness outputs.")]
    public bool Force { get; init; }

    [CommandOption("--batch-size <N>"), DefaultValue(4096)]
    [Description("Rows per ONNX Runtime call.")]
    public int BatchSize { get; init; }

    [CommandOption("--device <DEVICE>"), DefaultValue("auto")]
    [Description(DeviceOption.Help)]
    public string Device { get; init; } = "auto";

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Model) ? ValidationResult.Error("Pass --model FILE, the model.onnx to validate.")
        : Sites.Length == 0 ? ValidationResult.Error("Pass at least one --site DIR.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out OUT_DIR, the folder to create.")
        : ValidationResult.Success();
}

[Description("Validate an ONNX model on site datasets: predictions.csv, results.json and a PDF audit report.")]
internal sealed class ValidateCommand(IAnsiConsole console) : Command<ValidateSettings>
{
    public override int Execute(CommandContext context, ValidateSettings settings, CancellationToken cancellation)
    {
        var options = new ValidationOptions { Device = DeviceOption.Parse(settings.Device), BatchSize = settings.BatchSize };
        using var output = StagedOutputFolder.Begin(settings.Out!, settings.Force);
        Validate(console, settings.Model!, settings.Sites, options, output.Path, cancellation);
        output.Commit();
        console.MarkupLineInterpolated($"Report: [bold]{Path.Combine(output.Target, AuditReport.FileName)}[/]");
        return ExitCodes.Success;
    }

    /// <summary>Validates and writes predictions.csv, results.json and report.pdf into <paramref name="folder"/>.</summary>
    public static ValidationResults Validate(IAnsiConsole console, string model, IReadOnlyList<string> sites,
        ValidationOptions options, string folder, CancellationToken cancellation)
    {
        var progress = new ProgressViews(console);
        var results = progress.Run(() =>
        {
            using var predictions = new StreamWriter(Path.Combine(folder, PredictionsCsv.FileName), false, new UTF8Encoding(false));
            return ValidationRun.Run(model, sites, options, predictions, progress, cancellation);
        });
        ResultsJson.Write(results, Path.Combine(folder, ResultsJson.FileName));
        using (var pdf = File.Create(Path.Combine(folder, AuditReport.FileName)))
            AuditReport.Write(results, pdf, DateTimeOffset.UtcNow);
        console.Write(SiteTable(results));
        return results;
    }

    /// <summary>Fits 80 columns; the PDF and results.json carry every metric and gap.</summary>
    private static Table SiteTable(ValidationResults results)
    {
        var table = new Table().Border(TableBorder.Simple).Title("Sites (gap = site - development)")
            .AddColumn(new TableColumn("site").NoWrap()).AddColumns("n", "prev.")
            .AddColumns(new[] { "AUROC", "gap", "ECE", "gap", "acc." }.Select(h => new TableColumn(h).RightAligned().NoWrap()).ToArray());
        string Value(MetricSet metrics, string name) => ReportFormat.Metric(metrics[name].Value);
        string Gap(MetricSet gap, string name) => ReportFormat.Gap(gap[name].Value);
        var dev = results.Development.Metrics;
        table.AddRow("development", results.Development.N.ToString(), "-",
            Value(dev, ClassificationMetrics.Auroc), "", Value(dev, ClassificationMetrics.Ece), "",
            Value(dev, ClassificationMetrics.Accuracy));
        foreach (var site in results.Sites)
            table.AddRow(site.HeldOut ? site.Name : site.Name + "*", site.N.ToString(), ReportFormat.Percent(site.Prevalence),
                Value(site.Metrics, ClassificationMetrics.Auroc), Gap(site.Gap, ClassificationMetrics.Auroc),
                Value(site.Metrics, ClassificationMetrics.Ece), Gap(site.Gap, ClassificationMetrics.Ece),
                Value(site.Metrics, ClassificationMetrics.Accuracy));
        if (results.Sites.Any(s => !s.HeldOut))
            table.Caption("* the model was trained on this site: not an external estimate");
        return table;
    }
}
