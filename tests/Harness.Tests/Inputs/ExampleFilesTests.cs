using Harness.Core;
using Harness.Core.Inputs;
using Harness.Tests.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Inputs;

public sealed class ExampleFilesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _site;
    private readonly string _manifest;

    public ExampleFilesTests()
    {
        _site = _temp.WriteSite("site", "id,label,path\n1,a,ecg/0001.csv\n");
        _manifest = Path.Combine(_site, "manifest.csv");
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("ecg/0001.csv")]
    [InlineData(" ecg/0001.csv ")]
    [InlineData("./ecg/0001.csv")]
    public void A_relative_path_resolves_inside_the_site_whether_or_not_the_file_exists(string cell)
    {
        // Given a site with no ecg folder yet / When resolved / Then the full path inside the site
        Assert.Equal(Path.Combine(_site, "ecg", "0001.csv"), ExampleFiles.Resolve(_site, cell, _manifest, 2, 3));
    }

    [Theory]
    [InlineData("", "the path is empty.")]
    [InlineData("   ", "the path is empty.")]
    [InlineData("/etc/passwd", "is absolute")]
    [InlineData("C:/scans/1.png", "is absolute")]
    [InlineData("c:scan.png", "is absolute")]
    [InlineData("C:\\scans\\1.png", "contains '\\'")]
    [InlineData("\\\\server\\share\\1.png", "contains '\\'")]
    [InlineData("ecg\\0001.csv", "contains '\\'")]
    [InlineData("../other/1.csv", "through '..'")]
    [InlineData("ecg/../../other/1.csv", "through '..'")]
    [InlineData("ecg/..", "through '..'")]
    [InlineData("..", "through '..'")]
    public void Paths_that_could_leave_the_site_are_refused_naming_the_manifest_cell(string cell, string problem)
    {
        // Given a path cell on manifest line 7, column 3 / When resolved / Then refused there
        var e = Assert.Throws<InputException>(() => ExampleFiles.Resolve(_site, cell, _manifest, 7, 3));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal((_manifest, 7L, 3), (e.File, e.Line!.Value, e.Column!.Value));
        Assert.Contains(problem, e.Problem);
        Assert.Contains("relative to the site folder", e.Fix);
    }

    [Fact]
    public void A_name_that_merely_starts_with_two_dots_is_allowed()
    {
        Assert.Equal(Path.Combine(_site, "..hidden.csv"), ExampleFiles.Resolve(_site, "..hidden.csv", _manifest, 2, 3));
    }

    [SymlinkFact]
    public void A_folder_link_leading_outside_the_site_is_refused_even_before_the_file_exists()
    {
        // Given site/ecg -> a folder beside the site
        string outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(_site, "ecg"), outside);

        // When / Then, for a file there and one not there
        File.WriteAllText(Path.Combine(outside, "0001.csv"), "I\n1\n");
        foreach (string cell in new[] { "ecg/0001.csv", "ecg/0002.csv" })
        {
            var e = Assert.Throws<InputException>(() => ExampleFiles.Resolve(_site, cell, _manifest, 4, 2));
            ManifestReaderTests.AssertWellFormed(e);
            Assert.Contains("outside the site folder through a symbolic link", e.Problem);
        }
    }

    [SymlinkFact]
    public void A_file_link_leading_outside_the_site_is_refused()
    {
        // Given site/secret.csv -> a file beside the site
        string outside = _temp.Combine("secret.csv");
        File.WriteAllText(outside, "I\n1\n");
        File.CreateSymbolicLink(Path.Combine(_site, "secret.csv"), outside);

        // When / Then
        var e = Assert.Throws<InputException>(() => ExampleFiles.Resolve(_site, "secret.csv", _manifest, 2, 3));
        Assert.Contains("outside the site folder", e.Problem);
    }

    [SymlinkFact]
    public void Links_that_stay_inside_the_site_and_a_site_reached_through_a_link_are_accepted()
    {
        // Given site/ecg/0001.csv, a link site/latest -> site/ecg, and a link to the whole site
        Directory.CreateDirectory(Path.Combine(_site, "ecg"));
        File.WriteAllText(Path.Combine(_site, "ecg", "0001.csv"), "I\n1\n");
        Directory.CreateSymbolicLink(Path.Combine(_site, "latest"), Path.Combine(_site, "ecg"));
        string linkedSite = _temp.Combine("site-link");
        Directory.CreateSymbolicLink(linkedSite, _site);

        // When / Then
        Assert.Equal(Path.Combine(_site, "latest", "0001.csv"), ExampleFiles.Resolve(_site, "latest/0001.csv", _manifest, 2, 3));
        Assert.Equal(Path.Combine(linkedSite, "ecg", "0001.csv"), ExampleFiles.Resolve(linkedSite, "ecg/0001.csv", _manifest, 2, 3));
    }

    [Theory]
    [InlineData("ecg/0001.csv", InputKind.Signal)]
    [InlineData("ECG/0001.CSV", InputKind.Signal)]
    [InlineData("xray/1.png", InputKind.Image)]
    [InlineData("xray/1.Png ", InputKind.Image)]
    public void The_extension_gives_the_kind(string cell, InputKind kind)
    {
        Assert.Equal(kind, ExampleFiles.KindOf(cell, _manifest, 2, 3));
    }

    [Theory]
    [InlineData("xray/1.jpg")]
    [InlineData("xray/1")]
    [InlineData("ecg/0001.csv.gz")]
    public void Another_extension_is_refused_naming_the_manifest_line(string cell)
    {
        var e = Assert.Throws<InputException>(() => ExampleFiles.KindOf(cell, _manifest, 9, 3));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal((_manifest, 9L, 3), (e.File, e.Line!.Value, e.Column!.Value));
        Assert.Contains("neither a signal (.csv) nor an image (.png)", e.Problem);
    }
}

/// <summary>Runs only where this user may make symbolic links (not on Windows without developer mode, for instance).</summary>
public sealed class SymlinkFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        using var temp = new TempFolder();
        try
        {
            File.CreateSymbolicLink(temp.Combine("link"), temp.Path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return $"symbolic links cannot be made here: {e.Message}";
        }
    });

    public SymlinkFactAttribute()
    {
        if (Unavailable.Value is { } reason) Skip = reason;
    }
}
