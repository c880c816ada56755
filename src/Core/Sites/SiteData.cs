namespace Harness.Core.Sites;

/// <summary>A site read whole into memory (training needs random access), with its manifest's SHA-256.</summary>
public sealed class SiteData
{
    private SiteData(SiteFolder site, ManifestSchema schema, IReadOnlyList<ManifestRow> rows, string sha256, string contentSha256)
    {
        ContentSha256 = contentSha256;
        Site = site;
        Schema = schema;
        Rows = rows;
        ManifestSha256 = sha256;
    }

    public SiteFolder Site { get; }
    public ManifestSchema Schema { get; }
    public IReadOnlyList<ManifestRow> Rows { get; }

    /// <summary>Lower-case hex SHA-256 of manifest.csv's bytes: what the model card records.</summary>
    public string ManifestSha256 { get; }

    /// <summary>SHA-256 of the manifest's content whatever its line endings or column order (<see cref="ManifestReader.ContentSha256"/>).</summary>
    public string ContentSha256 { get; }

    /// <summary>The same site with only the rows dated within [<paramref name="from"/>, <paramref name="until"/>] (either open); undated rows are dropped when a bound is given.</summary>
    public SiteData InPeriod(DateOnly? from, DateOnly? until) =>
        from is null && until is null ? this
        : new SiteData(Site, Schema, Rows.Where(r => r.Date is { } d && (from is null || d >= from) && (until is null || d <= until)).ToList(),
            ManifestSha256, ContentSha256);

    public static SiteData Load(SiteFolder site)
    {
        using var reader = ManifestReader.Open(site);
        var rows = reader.ReadRows().ToList();
        return new SiteData(site, reader.Schema, rows, reader.Sha256, reader.ContentSha256);
    }
}
