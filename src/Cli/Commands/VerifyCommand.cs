using System.ComponentModel;
using System.Security.Cryptography;
using Harness.Cli.Rendering;
using Harness.Core;
using Harness.Core.Sites;
using Harness.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Harness.Cli.Commands;

internal sealed class VerifySettings : CommandSettings
{
    [CommandArgument(0, "<REPORT>")]
    [Description("A report.pdf written by 'harness validate' or 'harness report'.")]
    public string Report { get; init; } = "";

    [CommandOption("--model <FILE>")]
    [Description("The model file to check against the report's model SHA-256.")]
    public string? Model { get; init; }

    [CommandOption("--site <DIR>")]
    [Description("A site folder to check against the report's manifest SHA-256 of the site of that name. Repeat for several.")]
    public string[] Sites { get; init; } = [];

    [CommandOption("--criteria <FILE>")]
    [Description("The acceptance criteria file to check against the report's.")]
    public string? Criteria { get; init; }
}

/// <summary>
/// An auditor's one-command re-check: reads the results embedded in a report and checks that the
/// model, the sites' manifests and the criteria given today are byte for byte the ones validated.
/// </summary>
[Description("Check that a report's embedded results match the model, site manifests and criteria files as they are today (SHA-256).")]
internal sealed class VerifyCommand(IAnsiConsole console) : Command<VerifySettings>
{
    public override int Execute(CommandContext context, VerifySettings settings, CancellationToken cancellation)
    {
        var results = AuditReport.ReadEmbedded(settings.Report);
        var checks = new List<(string What, string File, string Expected, string Actual)>();
        if (settings.Model is { } model)
            checks.Add(("model", model, results.Model.Sha256, Sha256(model, "--model")));
        foreach (string dir in settings.Sites)
        {
            var site = SiteFolder.Open(dir);
            var recorded = results.Sites.FirstOrDefault(s => s.Name == site.Name)
                ?? throw new InputException($"the report validated no site named '{site.Name}' (it holds {string.Join(", ", results.Sites.Select(s => s.Name))}).",
                    "Pass a --site the report covers.", PathDisplay.Of(dir));
            checks.Add(($"site {site.Name}", site.ManifestPath, recorded.ManifestSha256, Sha256(site.ManifestPath, "--site")));
        }
        if (settings.Criteria is { } criteria)
        {
            var recorded = results.Criteria ?? throw new InputException("the report was validated without acceptance criteria.",
                "Leave out --criteria.", PathDisplay.Of(criteria));
            checks.Add(("criteria", criteria, recorded.Sha256, Sha256(criteria, "--criteria")));
        }

        console.MarkupLineInterpolated($"Report [bold]{ConsoleText.Plain(settings.Report)}[/]: model {ConsoleText.Plain(Path.GetFileName(results.Model.Path))} (SHA-256 {results.Model.Sha256[..12]}), {results.Sites.Count} site(s), validated {results.Execution.StartedUtc:u}.");
        if (checks.Count == 0)
        {
            console.MarkupLine("Nothing to check: pass --model, --site and --criteria to compare files with the report's hashes.");
            return ExitCodes.Success;
        }
        var table = new Table().AddColumns("Checked", "File", "Result");
        foreach (var (what, file, expected, actual) in checks)
            table.AddRow(Markup.Escape(what), Markup.Escape(ConsoleText.Plain(file)),
                expected == actual ? "[green]matches[/]" : $"[red]DIFFERS[/] (report {expected[..12]}, file {actual[..12]})");
        console.Write(table);
        int differ = checks.Count(c => c.Expected != c.Actual);
        console.MarkupLine(differ == 0
            ? $"[green]Verified:[/] all {checks.Count} file(s) are the ones this report validated."
            : $"[red]Not verified:[/] {differ} of {checks.Count} file(s) differ from what this report validated.");
        return differ == 0 ? ExitCodes.Success : ExitCodes.VerifyFailed;
    }

    private static string Sha256(string path, string option)
    {
        UserPaths.RequireRegularFile(path, $"Pass the file to check as {option}.", PathDisplay.Of(path));
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot be read", e, "Check its permissions.", PathDisplay.Of(path));
        }
    }
}
