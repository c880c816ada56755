using Harness.Core;

namespace Harness.Cli.Output;

/// <summary>
/// A single output file that appears complete or not at all: written beside the target under a
/// hidden name and renamed into place. An existing target is kept unless --force, and even then
/// only when <c>isOurs</c> says Harness wrote it and it is none of the run's inputs.
/// </summary>
internal static class OutputFile
{
    public static void Write(string target, byte[] bytes, bool force, Func<string, bool> isOurs, IReadOnlyList<string> inputs)
    {
        string full = Path.GetFullPath(target), shown = PathDisplay.Of(target);
        if (Directory.Exists(full))
            throw new InputException("is a folder.", "Pass --out FILE.pdf for the report, or a folder name that does not exist yet.", shown);
        if (inputs.Any(i => Path.GetFullPath(i) == full))
            throw new InputException("is one of this run's inputs.", "Choose another --out.", shown);
        if (File.Exists(full))
        {
            if (!force) throw new InputException("already exists.", "Choose another --out, or pass --force to replace a report Harness wrote.", shown);
            if (!isOurs(full))
                throw new InputException("exists and is not a report Harness wrote (it embeds no results), so --force does not replace it.",
                    "Choose another --out, or remove the file yourself.", shown);
        }
        string staging = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(staging, bytes);
            File.Move(staging, full, overwrite: force);
        }
        catch (Exception e) when (UserPaths.IsRefusal(e))
        {
            throw UserPaths.Refused("cannot be written", e, "Check that its folder exists, is writable and has space.", shown);
        }
        finally
        {
            if (File.Exists(staging)) File.Delete(staging);
        }
    }
}
