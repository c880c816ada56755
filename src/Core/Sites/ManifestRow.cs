namespace Harness.Core.Sites;

/// <summary>One example of a site. <see cref="Features"/> follow the manifest's feature column order; NaN = missing.</summary>
/// <param name="Line">1-based line of the row in manifest.csv, for error messages.</param>
/// <param name="PatientId">The patient_id cell, or the row's id when the manifest has none (each row its own patient).</param>
/// <param name="Groups">The audit (group:NAME) cells, trimmed, in <see cref="ManifestSchema.GroupNames"/> order.</param>
public sealed record ManifestRow(long Line, string Id, string PatientId, DateOnly? Date, string Label, float[] Features)
{
    public string[] Groups { get; init; } = [];

    /// <summary>The path cell of a signal or image manifest, as written (relative to the site folder); null in a tabular one.</summary>
    public string? Path { get; init; }
}
