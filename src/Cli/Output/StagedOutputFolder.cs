using Harness.Cli.Commands;
using Harness.Core;
using Harness.Reports;
using Harness.Trainer;
using Harness.Validator.Results;
using Harness.Validator.Scoring;

namespace Harness.Cli.Output;

/// <summary>
/// An output folder that appears complete or not at all: everything is written into a hidden
/// staging folder beside the target and renamed into place by <see cref="Commit"/>. Without
/// commit (an error, Ctrl-C) the staging folder is deleted. An existing target is kept unless
/// --force, and even then only if it holds nothing but Harness outputs.
/// </summary>
internal sealed class StagedOutputFolder : IDisposable
{
    /// <summary>Everything Harness writes into an output folder; --force replaces nothing else.</summary>
    private static readonly HashSet<string> HarnessOutputNames =
    [
        TrainingOutcome.ModelFileName, TrainingOutcome.ReportFileName,
        PredictionsCsv.FileName, ResultsJson.FileName, AuditReport.FileName,
        DemoCommand.TrainFolder, DemoCommand.ValidateFolder,
    ];

    private bool _committed;

    private StagedOutputFolder(string target, string staging)
    {
        Target = target;
        Path = staging;
    }

    /// <summary>Where the outputs will be once committed.</summary>
    public string Target { get; }

    /// <summary>Where to write them now.</summary>
    public string Path { get; }

    public static StagedOutputFolder Begin(string target, bool force)
    {
        string full = System.IO.Path.GetFullPath(target);
        // Created as typed, a name with U+FFFD would not be the folder the user named.
        if (PathDisplay.NotUtf8(target, "folder") is { } notUtf8) throw notUtf8;
        if (System.IO.File.Exists(full))
            throw new InputException("--out names an existing file.", "Give a folder path for --out.", target);
        if (Directory.Exists(full))
        {
            if (!force)
                throw new InputException("the output folder already exists; Harness never overwrites outputs silently.",
                    "Choose another --out, or pass --force to replace it.", target);
            if (!HoldsOnlyHarnessOutputs(full))
                throw new InputException("the output folder holds files Harness did not write, so --force will not replace it.",
                    "Choose another --out, or empty the folder yourself.", target);
        }

        string parent = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        // Beside the target, so the final move is a rename on the same file system.
        string staging = System.IO.Path.Combine(parent, $".{System.IO.Path.GetFileName(full)}.partial-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(staging);
        return new StagedOutputFolder(full, staging);
    }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Commit()
    {
        if (Directory.Exists(Target))
        {
            string old = Path + ".replaced";
            Directory.Move(Target, old);
            Directory.Move(Path, Target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(Path, Target);
        }
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static bool HoldsOnlyHarnessOutputs(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).All(entry =>
            HarnessOutputNames.Contains(System.IO.Path.GetFileName(entry))
            && (!Directory.Exists(entry) || HoldsOnlyHarnessOutputs(entry)));
}
