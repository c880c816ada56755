using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Harness.Core;
using Spectre.Console;

namespace Harness.Cli.Output;

/// <summary>
/// An output folder that appears complete or not at all: everything is written into a hidden
/// staging folder beside the target and renamed into place by <see cref="Commit"/>. Without
/// commit (an error, a signal) the staging folder is deleted; one left by a killed process is
/// deleted by the next run into the same place. An existing target is kept unless --force, and
/// even then only if the same command wrote it (its <see cref="MarkerFileName"/> says so), it
/// holds nothing else, and it holds none of the run's inputs nor the current folder.
/// </summary>
internal sealed class StagedOutputFolder : IDisposable
{
    /// <summary>Written into every output folder: the command, the Harness version and every entry it wrote.</summary>
    public const string MarkerFileName = ".harness-output.json";

    /// <summary>Staging folders are named .NAME.partial-PID-RANDOM, so a later run can tell whose they are.</summary>
    private const string StagingInfix = ".partial-";

    /// <summary>The staging folders of this process's runs in progress (tests run several in one process).</summary>
    private static readonly ConcurrentDictionary<string, bool> InProgress = new();

    private sealed record Marker(string Command, string Version, IReadOnlyList<string> Files);

    private readonly string _command;
    private readonly string _shown;
    private readonly bool _force;
    private readonly IReadOnlyList<string> _inputs;
    private bool _committed;

    private StagedOutputFolder(string command, string target, string shown, string staging, bool force, IReadOnlyList<string> inputs)
    {
        _command = command;
        _shown = shown;
        _force = force;
        _inputs = inputs;
        Target = target;
        Path = staging;
    }

    /// <summary>Where the outputs will be once committed.</summary>
    public string Target { get; }

    /// <summary>Where to write them now.</summary>
    public string Path { get; }

    /// <param name="command">The command writing the folder ("train"), recorded in the marker; --force replaces only its own folders.</param>
    /// <param name="inputs">The files and folders the run reads: --force never replaces a folder holding one.</param>
    public static StagedOutputFolder Begin(IAnsiConsole console, string command, string target, bool force, IEnumerable<string?> inputs)
    {
        string full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(target));
        // Created as typed, a name with U+FFFD would not be the folder the user named.
        if (PathDisplay.NotUtf8(target, "folder") is { } notUtf8) throw notUtf8;
        var inputList = inputs.OfType<string>().ToList();
        if (System.IO.File.Exists(full))
            throw new InputException("--out names an existing file.", "Give a folder path for --out.", target);
        if (Directory.Exists(full))
        {
            if (!force)
                throw new InputException("the output folder already exists; Harness never overwrites outputs silently.",
                    "Choose another --out, or pass --force to replace it.", target);
            try
            {
                CheckReplaceable(full, command, inputList, target);
            }
            catch (Exception e) when (UserPaths.IsRefusal(e))
            {
                throw UserPaths.Refused("cannot read the existing output folder", e, "Check its permissions, or choose another --out.", target);
            }
        }

        string parent = System.IO.Path.GetDirectoryName(full) ?? full;
        for (string? dir = parent; dir is not null && !Directory.Exists(dir); dir = System.IO.Path.GetDirectoryName(dir))
            if (System.IO.File.Exists(dir))
                throw new InputException($"--out is inside {PathDisplay.Of(dir)}, which is a file, not a folder.",
                    "Choose an --out whose parent folders are folders.", target);
        string name = System.IO.Path.GetFileName(full);
        // Beside the target, so the final move is a rename on the same file system.
        string staging = System.IO.Path.Combine(parent, $".{name}{StagingInfix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        InProgress[staging] = true; // before it exists, so no other run of this process takes it for abandoned
        try
        {
            Directory.CreateDirectory(parent);
            RemoveAbandoned(console, parent, name);
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            InProgress.TryRemove(staging, out _);
            throw UserPaths.Refused("cannot create the output folder", e,
                "Check that its parent folder is writable and the name is not too long, or choose another --out.", target);
        }
        return new StagedOutputFolder(command, full, target, staging, force, inputList);
    }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>
    /// Runs <paramref name="write"/>, which fills the staging folder. The file system's refusals there
    /// (disk full, quota, read-only, permission), whose messages name a file in it, are input errors
    /// naming --out. Inputs' errors are explained where they are read; anything else stays a bug.
    /// </summary>
    public T Write<T>(Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (UserPaths.IsRefusal(e) && e.Message.Contains(Path, StringComparison.Ordinal))
        {
            throw UserPaths.Refused("cannot write the output folder", e, "Free some space there or choose another --out.", _shown);
        }
    }

    public void Write(Action write) => Write(() =>
    {
        write();
        return true;
    });

    /// <summary>
    /// Writes the marker and renames the staging folder to the target, in one step that fails if the
    /// target appeared meanwhile (another run with the same --out); with --force such a folder is
    /// checked again and replaced. A cancellation requested during the last step still cancels here.
    /// </summary>
    public void Commit(CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            WriteMarker();
            string? replaced = null;
            if (_force && Directory.Exists(Target))
            {
                CheckReplaceable(Target, _command, _inputs, _shown);
                replaced = Path + ".replaced";
                Directory.Move(Target, replaced);
            }
            try
            {
                // rename(2): refuses an existing target, so two runs never replace each other silently.
                Directory.Move(Path, Target);
            }
            catch (IOException) when (Directory.Exists(Target) || System.IO.File.Exists(Target))
            {
                throw new InputException("the output folder appeared while Harness was running (another run with the same --out?); Harness left it as it is.",
                    "Choose another --out, or pass --force to replace it.", _shown);
            }
            _committed = true;
            InProgress.TryRemove(Path, out _);
            if (replaced is not null) DeleteQuietly(replaced);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot finish the output folder", e, "Check that the folder holding --out is writable and has space.", _shown);
        }
    }

    public void Dispose()
    {
        if (_committed) return;
        DeleteQuietly(Path);
        InProgress.TryRemove(Path, out _);
    }

    /// <summary>Throws unless --force may replace <paramref name="folder"/>.</summary>
    private static void CheckReplaceable(string folder, string command, IReadOnlyList<string> inputs, string shown)
    {
        const string yourself = "Choose another --out, or remove the folder yourself.";
        if (inputs.FirstOrDefault(input => UserPaths.IsSameOrInside(input, folder)) is { } held)
            throw new InputException($"the output folder holds {PathDisplay.Of(held)}, an input of this run, so --force will not replace it.",
                "Choose another --out.", shown);
        if (UserPaths.IsSameOrInside(Environment.CurrentDirectory, folder))
            throw new InputException("the output folder holds the current folder, so --force will not replace it.", "Choose another --out.", shown);
        var marker = ReadMarker(folder);
        if (marker is null)
            throw new InputException($"the output folder has no readable {MarkerFileName} (Harness writes one into every output folder; " +
                "older versions did not), so --force will not replace it.", yourself, shown);
        if (marker.Command != command)
            throw new InputException($"the output folder was written by 'harness {marker.Command}', not 'harness {command}', so --force will not replace it.",
                yourself, shown);
        if (Entries(folder).FirstOrDefault(entry => entry != MarkerFileName && !marker.Files.Contains(entry)) is { } extra)
            throw new InputException($"the output folder holds {extra}, which Harness did not write, so --force will not replace it.",
                "Choose another --out, or move that file out first.", shown);
    }

    private void WriteMarker()
    {
        var files = Entries(Path).Order(StringComparer.Ordinal).ToList();
        HarnessJson.WriteFile(new Marker(_command, HarnessInfo.Version, files), File(MarkerFileName));
    }

    private static Marker? ReadMarker(string folder)
    {
        string path = System.IO.Path.Combine(folder, MarkerFileName);
        if (!System.IO.File.Exists(path)) return null;
        try
        {
            var marker = JsonSerializer.Deserialize<Marker>(System.IO.File.ReadAllText(path), HarnessJson.Indented);
            return marker is { Command: not null, Files: not null } ? marker : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every file and folder below <paramref name="folder"/>, relative to it, with '/' between names.</summary>
    private static IEnumerable<string> Entries(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(entry => System.IO.Path.GetRelativePath(folder, entry).Replace('\\', '/'));

    /// <summary>Deletes the staging folders of runs into the same place whose process has ended (killed, say).</summary>
    private static void RemoveAbandoned(IAnsiConsole console, string parent, string name)
    {
        string prefix = $".{name}{StagingInfix}";
        string[] candidates;
        try { candidates = Directory.GetDirectories(parent, prefix + "*"); }
        catch (Exception e) when (UserPaths.IsRefusal(e)) { return; } // a folder that can be written but not listed
        foreach (var dir in candidates)
        {
            string rest = System.IO.Path.GetFileName(dir)[prefix.Length..];
            if (!int.TryParse(rest.Split('-')[0], out int pid) || IsRunning(pid, dir)) continue;
            if (DeleteQuietly(dir))
                console.MarkupLineInterpolated($"Removed {PathDisplay.Of(dir)}, left by an interrupted run (process {pid} has ended).");
        }
    }

    private static bool IsRunning(int pid, string staging)
    {
        if (pid == Environment.ProcessId) return InProgress.ContainsKey(staging);
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException) // no such process
        {
            return false;
        }
    }

    private static bool DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            return false;
        }
    }
}
