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
}
