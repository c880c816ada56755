namespace Harness.Core.Sites;

/// <summary>
/// The columns of a manifest, read from its header. Reserved columns: <c>id</c> (required,
/// unique within the site), <c>label</c> (required, the class name), <c>patient_id</c>
/// (optional; rows of one patient stay on one side of every split), <c>date</c> (optional,
/// ISO-8601 acquisition date) and <c>path</c> (signal and image sites: the example's file, relative to
/// the site folder). A column named <c>group:NAME</c> is an audit column: text, never a model input,
/// available to <c>validate --subgroup NAME</c>. In a tabular manifest (no <c>path</c>) every other
/// column is a numeric input feature; a manifest with <c>path</c> has no other columns, as its input is the file.
/// </summary>
public sealed class ManifestSchema
{
    public const string IdColumn = "id";
    public const string LabelColumn = "label";
    public const string PatientIdColumn = "patient_id";
    public const string DateColumn = "date";
    public const string PathColumn = "path";

    /// <summary>The prefix of an audit column's name ("group:sex"): text for subgroups, never a model input.</summary>
    public const string GroupPrefix = "group:";

    private static readonly string[] Reserved = [IdColumn, LabelColumn, PatientIdColumn, DateColumn, PathColumn];

    private ManifestSchema(IReadOnlyList<string> columns, int id, int label, int? patientId, int? date, int? path, int[] featureColumns, int[] groupColumns)
    {
        PathIndex = path;
        GroupColumnIndices = groupColumns;
        GroupNames = groupColumns.Select(i => columns[i][GroupPrefix.Length..]).ToArray();
        Columns = columns;
        IdIndex = id;
        LabelIndex = label;
        PatientIdIndex = patientId;
        DateIndex = date;
        FeatureColumnIndices = featureColumns;
        FeatureNames = featureColumns.Select(i => columns[i]).ToArray();
    }

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<string> FeatureNames { get; }
    public bool HasPatientId => PatientIdIndex is not null;
    public bool HasDate => DateIndex is not null;

    /// <summary>Whether each row's input is a file (signal or image) named by its <c>path</c> cell, rather than feature columns.</summary>
    public bool HasPath => PathIndex is not null;

    /// <summary>1-based column of <c>path</c>, for error messages; 0 when there is none.</summary>
    public int PathColumnNumber => PathIndex + 1 ?? 0;

    /// <summary>The audit columns' names without the "group:" prefix, in column order (<see cref="ManifestRow.Groups"/>).</summary>
    public IReadOnlyList<string> GroupNames { get; }
    internal int[] GroupColumnIndices { get; }

    internal int IdIndex { get; }
    internal int LabelIndex { get; }
    internal int? PatientIdIndex { get; }
    internal int? DateIndex { get; }
    internal int? PathIndex { get; }
    internal int[] FeatureColumnIndices { get; }

    /// <summary>Validates a header row. <paramref name="file"/> is used in error messages.</summary>
    public static ManifestSchema FromHeader(IReadOnlyList<string> header, string file)
    {
        var columns = header.Select(h => h.Trim()).ToArray();
        if (columns.Length == 1 && (columns[0].Contains(';') || columns[0].Contains('\t')))
            throw new InputException("the header has a single column; the file looks separated by ';' or tabs.",
                "Save the manifest as comma-separated values.", file, 1, 1);

        for (int c = 0; c < columns.Length; c++)
        {
            if (columns[c].Length == 0)
                throw new InputException($"column {c + 1} of the header has no name.",
                    "Give every column a name in the first line.", file, 1, c + 1);
            int first = Array.IndexOf(columns, columns[c]);
            if (first != c)
                throw new InputException($"column name '{columns[c]}' appears twice (columns {first + 1} and {c + 1}).",
                    "Rename or remove one of them.", file, 1, c + 1);
        }

        int id = Require(columns, IdColumn, file, "a unique identifier for each row");
        int label = Require(columns, LabelColumn, file, "the class name of each row");
        int? patient = Find(columns, PatientIdColumn);
        int? date = Find(columns, DateColumn);
        int? path = Find(columns, PathColumn);
        int[] groups = Enumerable.Range(0, columns.Length).Where(i => columns[i].StartsWith(GroupPrefix, StringComparison.Ordinal)).ToArray();
        if (groups.FirstOrDefault(i => columns[i].Length == GroupPrefix.Length, -1) is var unnamed and >= 0)
            throw new InputException($"column {unnamed + 1} is named '{GroupPrefix}' with nothing after it.",
                $"Name the audit column, e.g. {GroupPrefix}sex.", file, 1, unnamed + 1);
        int[] features = Enumerable.Range(0, columns.Length)
            .Where(i => !Reserved.Contains(columns[i], StringComparer.Ordinal) && !groups.Contains(i))
            .ToArray();
        if (path is not null && features.Length > 0)
            throw new InputException($"column '{columns[features[0]]}' is neither reserved nor an audit column, and a manifest with a '{PathColumn}' column has no feature columns: its input is the file.",
                $"Remove the column, or rename it {GroupPrefix}{columns[features[0]]} to keep it as an audit column.", file, 1, features[0] + 1);
        if (path is null && features.Length == 0)
            throw new InputException("the manifest has no feature columns.",
                $"Add at least one numeric column besides {string.Join(", ", Reserved)} (or a '{PathColumn}' column naming each example's signal or image file).", file, 1);
        return new ManifestSchema(columns, id, label, patient, date, path, features, groups);
    }

    /// <summary>
    /// Maps the given feature order (a model's, or another site's) onto this manifest's feature
    /// columns: result[i] is the manifest feature index holding <paramref name="features"/>[i].
    /// Any missing or extra column is an error that names them all.
    /// </summary>
    public int[] AlignTo(IReadOnlyList<string> features, string file, string expectedBy)
    {
        var missing = features.Where(f => !FeatureNames.Contains(f, StringComparer.Ordinal)).ToList();
        var extra = FeatureNames.Where(f => !features.Contains(f, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing {Quote(missing)}");
            if (extra.Count > 0) parts.Add($"extra {Quote(extra)}");
            throw new InputException(
                $"the feature columns do not match {expectedBy}: {string.Join("; ", parts)}.",
                $"Give the manifest exactly the features {expectedBy} expects ({Quote(features)}), in any order.",
                file, 1);
        }
        return features.Select(f => FeatureNames.ToList().IndexOf(f)).ToArray();
    }

    private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static int? Find(string[] columns, string name)
    {
        int i = Array.IndexOf(columns, name);
        return i < 0 ? null : i;
    }

    private static int Require(string[] columns, string name, string file, string meaning)
    {
        if (Find(columns, name) is int i) return i;
        string caseHint = columns.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase)) is { } near
            ? $" (found '{near}'; names are case-sensitive)" : "";
        throw new InputException($"the header has no '{name}' column{caseHint}.",
            $"Add a '{name}' column holding {meaning}. Header found: {string.Join(",", columns)}.", file, 1);
    }
}
