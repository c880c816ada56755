using Harness.Core;
using Harness.Core.Sites;
using Harness.Tests.Support;

namespace Harness.Tests.Sites;

public sealed class SiteFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Site_is_named_after_its_folder()
    {
        // Given a folder "switzerland" holding manifest.csv
        string dir = _temp.WriteSite("switzerland", "id,label,age\n1,a,5\n");

        // When opened
        var site = SiteFolder.Open(dir);

        // Then
        Assert.Equal("switzerland", site.Name);
        Assert.Equal(Path.GetFullPath(dir), site.Directory);
        Assert.Equal(Path.Combine(Path.GetFullPath(dir), "manifest.csv"), site.ManifestPath);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("//")]
    public void A_trailing_slash_does_not_change_the_name(string suffix)
    {
        // Given a site path ending in slashes / When opened / Then the name is the folder's
        string dir = _temp.WriteSite("hungary", "id,label,age\n1,a,5\n");
        var site = SiteFolder.Open(dir + suffix);
        Assert.Equal("hungary", site.Name);
        Assert.True(File.Exists(site.ManifestPath));
    }

    [Fact]
    public void A_relative_path_is_made_absolute()
    {
        // Given the site as a path relative to the working folder
        string dir = _temp.WriteSite("va", "id,label,age\n1,a,5\n");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, dir);

        // When / Then
        var site = SiteFolder.Open(relative);
        Assert.Equal("va", site.Name);
        Assert.True(Path.IsPathRooted(site.ManifestPath));
    }

    [Fact]
    public void Missing_folder_is_an_input_error_naming_it()
    {
        // Given a path that does not exist
        string dir = _temp.Combine("nowhere");

        // When / Then
        var e = Assert.Throws<InputException>(() => SiteFolder.Open(dir));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(dir, e.File);
        Assert.Contains("not found", e.Problem);
        Assert.Null(e.Line);
    }

    [Fact]
    public void Folder_without_manifest_is_an_input_error_naming_the_file_it_needs()
    {
        // Given an empty folder (a manifest with another name does not count)
        string dir = _temp.Combine("empty");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Manifest.CSV"), "id,label,age\n1,a,5\n");

        // When / Then
        var e = Assert.Throws<InputException>(() => SiteFolder.Open(dir));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(dir, e.File);
        Assert.Contains("manifest.csv", e.Problem);
        Assert.Contains("manifest.csv", e.Fix);
    }

    [Fact]
    public void A_file_path_is_an_input_error()
    {
        // Given the path of manifest.csv itself rather than its folder
        string manifest = Path.Combine(_temp.WriteSite("cleveland", "id,label,age\n1,a,5\n"), "manifest.csv");

        // When / Then
        var e = Assert.Throws<InputException>(() => SiteFolder.Open(manifest));
        ManifestReaderTests.AssertWellFormed(e);
        Assert.Equal(manifest, e.File);
        Assert.Contains("file", e.Problem);
        Assert.Contains("folder", e.Fix);
    }

    [Fact]
    public void A_folder_named_manifest_csv_is_not_a_manifest()
    {
        // Given manifest.csv as a folder
        string dir = _temp.Combine("odd");
        Directory.CreateDirectory(Path.Combine(dir, "manifest.csv"));

        // When / Then it is refused as a folder without a manifest file
        var e = Assert.Throws<InputException>(() => SiteFolder.Open(dir));
        ManifestReaderTests.AssertWellFormed(e);
    }
}
