namespace Harness.Core.Sites;

/// <summary>
/// A site: a folder named after the institution (or period) holding a <c>manifest.csv</c>
/// with one row per example. The site's name is the folder's name.
/// </summary>
public sealed record SiteFolder(string Name, string Directory, string ManifestPath)
{
    public const string ManifestFileName = "manifest.csv";

    /// <summary>Checks that <paramref name="directory"/> is a site folder holding a regular manifest.csv; does not read it.</summary>
    public static SiteFolder Open(string directory)
    {
        string full = Path.GetFullPath(directory.TrimEnd('/', '\\') is { Length: > 0 } d ? d : directory);
        if (System.IO.File.Exists(full))
            throw new InputException("is a file, not a site folder.",
                $"Pass the folder that contains {ManifestFileName}.", directory);
        if (!System.IO.Directory.Exists(full))
            throw PathDisplay.NotUtf8(directory, "folder") ?? new InputException("site folder not found.",
                $"Check the path; a site is a folder holding {ManifestFileName}.", directory);
        string manifest = Path.Combine(full, ManifestFileName);
        if (System.IO.Directory.Exists(manifest))
            throw new InputException("is a folder, not a file.",
                $"Replace it with the site's {ManifestFileName} file.", PathDisplay.Of(manifest));
        if (!System.IO.File.Exists(manifest))
            throw new InputException($"the site folder has no {ManifestFileName}.",
                $"Add {ManifestFileName} (one row per example; columns id, label and features; see README.md).", directory);
        UserPaths.RequireRegularFile(manifest, "Save the manifest as an ordinary file.", PathDisplay.Of(manifest));
        return new SiteFolder(Path.GetFileName(full), full, manifest);
    }
}
