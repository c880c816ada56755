namespace Harness.Core.Inputs;

/// <summary>
/// The manifest's <c>path</c> cells of signal and image sites: each names one example file inside
/// the site folder, relative to it, with '/' between folders. A manifest must not reach files
/// outside its site (by an absolute path, "..", or a link), so that a site folder is everything
/// a validation read and can be archived and re-run as it is.
/// </summary>
public static class ExampleFiles
{
    /// <summary>
    /// The full path a <c>path</c> cell names (surrounding white space ignored). Refuses, naming
    /// <paramref name="manifestFile"/>:<paramref name="line"/>:<paramref name="column"/>: an empty cell,
    /// an absolute path (also "C:\..." and "\\server"), a ".." segment, backslashes, and a path that
    /// resolves outside the site folder through links, of the file or of any folder on the way (the site
    /// folder itself may be reached through a link). The file need not exist: its decoder reports that.
    /// </summary>
    public static string Resolve(string siteDirectory, string cell, string manifestFile, long line, int column)
    {
        string relative = cell.Trim();
        InputException Refuse(string problem) =>
            new(problem, "Give the file's path relative to the site folder, with '/' between folders, e.g. ecg/0001.csv.", manifestFile, line, column);
        if (relative.Length == 0) throw Refuse("the path is empty.");
        if (relative.Contains('\\')) throw Refuse($"the path '{relative}' contains '\\'; paths are written with '/'.");
        if (relative[0] == '/' || relative is [_, ':', ..] && char.IsAsciiLetter(relative[0]))
            throw Refuse($"the path '{relative}' is absolute; it must be relative to the site folder.");
        if (relative.Contains('\0')) throw Refuse("the path contains a NUL character.");
        if (relative.Split('/').Contains("..")) throw Refuse($"the path '{relative}' leaves the site folder through '..'.");

        string full = Path.GetFullPath(Path.Combine(siteDirectory, relative));
        // The deepest part of the path that exists decides: below it nothing is a link yet, and with no ".." nothing climbs back out.
        string existing = full;
        while (!Path.Exists(existing) && Path.GetDirectoryName(existing) is { } parent) existing = parent;
        if (!UserPaths.IsSameOrInside(existing, siteDirectory))
            throw Refuse($"the path '{relative}' leads outside the site folder through a symbolic link.");
        return full;
    }

    /// <summary><see cref="InputKind.Signal"/> for a ".csv" path, <see cref="InputKind.Image"/> for ".png" (any case).</summary>
    public static InputKind KindOf(string cell, string manifestFile, long line, int column)
    {
        string extension = Path.GetExtension(cell.Trim());
        if (extension.Equals(".csv", StringComparison.OrdinalIgnoreCase)) return InputKind.Signal;
        if (extension.Equals(".png", StringComparison.OrdinalIgnoreCase)) return InputKind.Image;
        throw new InputException($"'{cell.Trim()}' is neither a signal (.csv) nor an image (.png).",
            "Give signals as CSV files and images as PNG files (convert JPEG or DICOM images to 8- or 16-bit PNG).", manifestFile, line, column);
    }
}
