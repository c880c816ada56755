using System.ComponentModel;
using Harness.Cli.Output;
using Harness.Cli.Rendering;
using Harness.Core;
using Harness.Reports;
using Harness.Results;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli.Commands;

internal sealed class ReportSettings : CommandSettings
{
    [CommandOption("--results <FILE>")]
    [Description("A results.json written by 'harness validate' (or 'harness report'). Repeat to merge runs of the same model, e.g. one per hospital.")]
    public string[] Results { get; init; } = [];

    [CommandOption("--out <PATH>")]
    [Description("FILE.pdf: write the report there. Otherwise a folder to create with report.pdf and results.json (the merged results). Must not exist (see --force).")]
    public string? Out { get; init; }

    [CommandOption("--force")]
    [Description("Replace --out if Harness wrote it: a report (with its embedded results) or a folder 'harness report' wrote.")]
    public bool Force { get; init; }

    public override ValidationResult Validate() =>
        Results.Length == 0 ? ValidationResult.Error("Pass --results FILE, a results.json written by 'harness validate'.")
        : string.IsNullOrWhiteSpace(Out) ? ValidationResult.Error("Pass --out FILE.pdf or --out DIR.")
        : Results.Length > 1 && IsPdf(Out) ? ValidationResult.Error("Merging writes a folder (report.pdf and the merged results.json): pass --out DIR, not a .pdf.")
        : ValidationResult.Success();

    public static bool IsPdf(string? path) => path is not null && path.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase);
}

[Description("Re-render the PDF audit report from saved results, or merge the results of several validation runs of one model into one report.")]
internal sealed class ReportCommand(IAnsiConsole console) : Command<ReportSettings>
{
    public override int Execute(CommandContext context, ReportSettings settings, CancellationToken cancellation)
    {
        var runs = settings.Results.Select(ResultsJson.ReadFile).ToList();
        var results = runs.Count == 1 ? runs[0].Results : ResultsMerge.Merge(runs);
        var now = DateTimeOffset.UtcNow;
        string shownPath;
        if (ReportSettings.IsPdf(settings.Out))
        {
            var pdf = new MemoryStream();
            AuditReport.Write(results, pdf, now);
            cancellation.ThrowIfCancellationRequested(); // a SIGTERM meanwhile: nothing is written
            OutputFile.Write(settings.Out!, pdf.ToArray(), settings.Force, AuditReport.IsReport, [.. settings.Results]);
            shownPath = settings.Out!;
        }
        else
        {
            using var output = StagedOutputFolder.Begin(console, "report", settings.Out!, settings.Force, settings.Results);
            results = output.Write(() => AuditReport.WriteFolder(results, output.Path, now));
            output.Commit(cancellation);
            shownPath = Path.Combine(output.Target, AuditReport.FileName);
        }
        if (runs.Count > 1)
            console.MarkupLineInterpolated($"Merged {runs.Count} runs: {results.Sites.Count} sites of model [bold]{ConsoleText.Plain(results.Model.Sha256[..12])}[/].");
        ConsoleTables.Write(console, results);
        console.MarkupLineInterpolated($"Report: [bold]{ConsoleText.Plain(shownPath)}[/]");
        return ExitCodes.Success;
    }
}
