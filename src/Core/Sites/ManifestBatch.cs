namespace Harness.Core.Sites;

/// <summary>
/// Consecutive rows of a manifest, column by column: what <see cref="ManifestReader.ReadBatches"/>
/// yields. Valid until the enumeration moves on (the reader reuses it).
/// </summary>
public sealed class ManifestBatch
{
    internal const int NoDate = -1;

    internal ManifestBatch(ManifestSchema schema)
    {
        FeatureCount = schema.FeatureColumnIndices.Length;
        HasPatientId = schema.HasPatientId;
        HasDate = schema.HasDate;
        HasPath = schema.HasPath;
        GroupIds = new string[schema.GroupColumnIndices.Length][];
    }

    public int Count { get; internal set; }
    public int FeatureCount { get; }
    internal bool HasPatientId { get; }
    internal bool HasDate { get; }
    internal bool HasPath { get; }

    internal long[] Lines = [];
    internal string[] Ids = [];
    internal ulong[] IdHashes = [];
    internal string?[] Patients = [];
    internal string[] Labels = [];
    internal string[] Paths = [];
    internal int[] Days = [];
    internal float[] FeatureValues = [];
    internal string[][] GroupIds;

    /// <summary>The rows' cells, trimmed, in the ordinal order of their column names, as <see cref="ManifestReader.ContentSha256"/> hashes them.</summary>
    internal byte[] Content = new byte[1 << 16];
    internal int ContentLength;

    /// <summary>The first problem of the chunk after its <see cref="Count"/> good rows.</summary>
    internal InputException? Error;

    /// <summary>When <see cref="Error"/> came after the row's id was read: that id, checked for a repeat before the error is raised.</summary>
    internal (string Id, ulong Hash, long Line)? ErrorRowId;

    /// <summary>1-based line of the row in manifest.csv (where its record starts).</summary>
    public long Line(int row) => Lines[row];

    public string Id(int row) => Ids[row];

    /// <summary>The patient_id cell, or the row's id when the manifest has none or the cell is empty (each row its own patient).</summary>
    public string PatientId(int row) => Patients.Length > row && Patients[row] is { } patient ? patient : Ids[row];

    public string Label(int row) => Labels[row];

    /// <summary>The row's path cell (trimmed, as written: resolve it with <c>ExampleFiles.Resolve</c>); null in a tabular manifest.</summary>
    public string? Path(int row) => HasPath ? Paths[row] : null;

    public DateOnly? Date(int row) => HasDate && Days[row] != NoDate ? DateOnly.FromDayNumber(Days[row]) : null;

    /// <summary>The row's features in the manifest's feature column order (NaN = missing).</summary>
    public ReadOnlySpan<float> Features(int row) => FeatureValues.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>The row's cell of audit column <paramref name="group"/> (in <see cref="ManifestSchema.GroupNames"/> order), trimmed.</summary>
    public string Group(int group, int row) => GroupIds[group][row];

    public ManifestRow ToRow(int row) => new(Lines[row], Ids[row], PatientId(row), Date(row), Labels[row], Features(row).ToArray())
    {
        Path = Path(row),
        Groups = GroupIds.Length == 0 ? [] : GroupIds.Select(g => g[row]).ToArray(),
    };

    /// <summary>Empties the batch, with room for <paramref name="capacity"/> rows.</summary>
    internal void Reset(int capacity)
    {
        Count = 0;
        ContentLength = 0;
        Error = null;
        ErrorRowId = null;
        if (Lines.Length >= capacity) return;
        capacity = Math.Max(capacity, 2 * Lines.Length);
        Lines = new long[capacity];
        Ids = new string[capacity];
        IdHashes = new ulong[capacity];
        if (HasPatientId) Patients = new string?[capacity];
        Labels = new string[capacity];
        if (HasPath) Paths = new string[capacity];
        if (HasDate) Days = new int[capacity];
        FeatureValues = new float[capacity * FeatureCount];
        for (int g = 0; g < GroupIds.Length; g++) GroupIds[g] = new string[capacity];
    }

    /// <summary>Room for <paramref name="more"/> bytes of content.</summary>
    internal Span<byte> ContentSpace(int more)
    {
        if (Content.Length - ContentLength < more) Array.Resize(ref Content, Math.Max(2 * Content.Length, ContentLength + more));
        return Content.AsSpan(ContentLength);
    }
}
