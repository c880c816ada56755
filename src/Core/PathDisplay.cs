namespace Harness.Core;

/// <summary>Paths as error messages should show them: relative to the working folder when inside it.</summary>
public static class PathDisplay
{
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>
    /// The error for a path that cannot be opened because it is not valid UTF-8, else null. File
    /// names are bytes on Linux; .NET decodes the command line as UTF-8 and turns every byte that
    /// is not into U+FFFD, so such a path names nothing, though the folder is there.
    /// </summary>
    /// <param name="what">"folder" or "file".</param>
    public static InputException? NotUtf8(string path, string what) =>
        path.Contains('\uFFFD') && !Path.Exists(path)
            ? new InputException($"the {what} name is not valid UTF-8 (each byte that is not shows as '\uFFFD'), so it cannot be opened.",
                "Rename it, or the folder above it whose name shows '\uFFFD', to a UTF-8 name.", path)
            : null;
}
