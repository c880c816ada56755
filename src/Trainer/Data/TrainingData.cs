using Harness.Core;
using Harness.Core.Inputs;
using Harness.Core.Sites;

namespace Harness.Trainer.Data;

/// <summary>
/// The examples of all training sites in one table: each example as the model reads it (a tabular
/// site's features in the first site's column order, or a signal or image file decoded with the
/// validator's decoder), labels as class indices, and group keys (site + patient) that splits must
/// keep together. Tabular features are held in memory. Signals and images are not: every file is
/// decoded once at loading (with all cores, <see cref="LoadChunk"/> at a time) to check it and keep
/// its per-channel summary, and <see cref="ExampleRows"/> decodes the rows asked for again, so
/// training holds a batch of examples at a time, whatever the number of files.
/// </summary>
public sealed class TrainingData
{
    private static readonly (string Negative, string Positive)[] ConventionalBinaryNames =
    [
        ("0", "1"), ("false", "true"), ("no", "yes"), ("negative", "positive"), ("absent", "present"),
        ("normal", "abnormal"), ("benign", "malignant"), ("control", "case"),
    ];

    /// <summary>Most levels a categorical feature may have: more is a measurement, or an identifier, not a category code.</summary>
    public const int MaxCategoricalLevels = 64;

    /// <summary>Files decoded together while loading: bounds the memory of the loading pass.</summary>
    public const int LoadChunk = 256;

    private readonly ExampleFile[]? _files;
    private readonly IInputDecoder? _decoder;
    private readonly float[]? _summaries;

    private TrainingData(IReadOnlyList<SiteData> sites, IReadOnlyList<string> featureNames, InputSpec? input, IReadOnlyList<string> classNames,
        string? positiveClass, float[] features, int[] labels, string[] groups, int[] siteOfRow, int[] categoricalColumns,
        ExampleFile[]? files = null, float[]? summaries = null)
    {
        Input = input;
        _files = files;
        _summaries = summaries;
        _decoder = input is null ? null : InputDecoders.For(input);
        ExampleSize = input?.Size ?? featureNames.Count;
        Sites = sites;
        FeatureNames = featureNames;
        CategoricalColumns = categoricalColumns;
        ClassNames = classNames;
        PositiveClass = positiveClass;
        Features = features;
        Labels = labels;
        Groups = groups;
        SiteOfRow = siteOfRow;
    }

    public IReadOnlyList<SiteData> Sites { get; }

    /// <summary>A tabular model's features; empty for signals and images.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Signals and images: what one example is (kind, channels, size; no normalisation yet); null for tabular data.</summary>
    public InputSpec? Input { get; }

    /// <summary>Floats per example: features, or channels x length (x width).</summary>
    public int ExampleSize { get; }

    /// <summary>Indices (ascending) of the features holding integer category codes (--categorical); every other feature is numeric.</summary>
    public IReadOnlyList<int> CategoricalColumns { get; }

    /// <summary>Class names; for binary problems the negative class first and the positive second.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public string? PositiveClass { get; }
    public int? PositiveClassIndex => PositiveClass is null ? null : 1;

    /// <summary>Tabular features, row-major, <see cref="Count"/> x <see cref="ExampleSize"/>; NaN = missing. Empty for signals and images (<see cref="ExampleRows"/>).</summary>
    public float[] Features { get; }

    public int[] Labels { get; }

    /// <summary>Site name and patient id: rows with the same key are one patient.</summary>
    public string[] Groups { get; }

    /// <summary>Each row's training site, an index into <see cref="SiteNames"/>.</summary>
    public int[] SiteOfRow { get; }

    public IReadOnlyList<string> SiteNames => Sites.Select(s => s.Site.Name).ToList();

    public int Count => Labels.Length;

    /// <summary>What the splitter needs of each row.</summary>
    public SplitKeys SplitKeys => new(Labels, Groups, SiteOfRow, ClassNames, SiteNames);

    /// <summary>What the training distribution, the fingerprint and the missing-value audit describe (<see cref="Harness.Core.ModelCards.ModelCard.DescriptorNames"/>).</summary>
    public IReadOnlyList<string> DescriptorNames => Input is null ? FeatureNames : InputSummary.Names(Input);

    /// <summary>Row-major, <see cref="Count"/> x <see cref="DescriptorNames"/>: the features, or each example's per-channel mean and SD.</summary>
    public float[] Descriptors() => _summaries ?? Features;

    /// <summary>The given examples, row-major, <see cref="ExampleSize"/> floats each: copied features, or the files decoded (all cores).</summary>
    public float[] ExampleRows(IReadOnlyList<int> rows, CancellationToken cancellation = default)
    {
        var result = new float[(long)rows.Count * ExampleSize];
        ExampleRows(rows, result, cancellation);
        return result;
    }

    /// <summary>As above, into <paramref name="destination"/> (<paramref name="rows"/>.Count x <see cref="ExampleSize"/> floats): a batch buffer used again and again.</summary>
    public void ExampleRows(IReadOnlyList<int> rows, Memory<float> destination, CancellationToken cancellation = default)
    {
        if (_files is not null)
            InputDecoders.DecodeAll(_decoder!, rows.Select(r => _files[r]).ToList(), destination, cancellation);
        else
            for (int r = 0; r < rows.Count; r++)
                Features.AsSpan(rows[r] * ExampleSize, ExampleSize).CopyTo(destination.Span.Slice(r * ExampleSize, ExampleSize));
    }

    /// <param name="categorical">Names of the features holding integer category codes (--categorical).</param>
    public static TrainingData FromSites(IReadOnlyList<SiteData> sites, string? positiveClass, IReadOnlyList<string>? categorical = null,
        CancellationToken cancellation = default)
    {
        if (sites.Count == 0) throw new InputException("no training site was given.", "Pass at least one --site DIR.");
        var duplicate = sites.GroupBy(s => s.Site.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InputException($"two training sites are named '{duplicate.Key}'.",
                "Site names come from folder names; give each site folder a distinct name.");

        var observed = sites.SelectMany(s => s.Rows.Select(r => r.Label)).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal).ToList();
        var (classNames, positive) = OrderClasses(observed, positiveClass);
        var classIndex = classNames.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);

        int count = sites.Sum(s => s.Rows.Count);
        var labels = new int[count];
        var groups = new string[count];
        var siteOfRow = new int[count];
        int row = 0;
        for (int s = 0; s < sites.Count; s++)
            foreach (var example in sites[s].Rows)
            {
                labels[row] = classIndex[example.Label];
                groups[row] = sites[s].Site.Name + "/" + example.PatientId;
                siteOfRow[row++] = s;
            }

        if (sites[0].Schema.HasPath)
        {
            if (categorical is { Count: > 0 })
                throw new InputException($"categorical names '{categorical[0]}', but the training sites hold signal or image files, which have no feature columns.",
                    "Leave categorical out for signal and image training.");
            var (input, files, summaries) = CheckFiles(sites, cancellation);
            return new TrainingData(sites, [], input, classNames, positive, [], labels, groups, siteOfRow, [], files, summaries);
        }
        var featureNames = sites[0].Schema.FeatureNames;
        var features = FeatureTable(sites, featureNames, count);
        RefuseFeaturesMissingEverywhere(featureNames, features, count, sites);
        var categoricalColumns = CategoricalColumnsOf(categorical ?? [], featureNames, sites);
        return new TrainingData(sites, featureNames, null, classNames, positive, features, labels, groups, siteOfRow, categoricalColumns);
    }

    /// <summary>Every site's features in the first site's column order, row-major.</summary>
    private static float[] FeatureTable(IReadOnlyList<SiteData> sites, IReadOnlyList<string> featureNames, int count)
    {
        var alignments = sites.Select(s =>
        {
            string file = PathDisplay.Of(s.Site.ManifestPath);
            if (s.Schema.HasPath)
                throw new InputException($"this site names signal or image files, but the first training site ('{sites[0].Site.Name}') is tabular.",
                    "Train on sites of one kind.", file, 1, s.Schema.PathColumnNumber);
            return s.Schema.AlignTo(featureNames, file, $"the first training site ('{sites[0].Site.Name}')");
        }).ToList();
        int width = featureNames.Count, row = 0;
        var features = new float[count * width];
        for (int s = 0; s < sites.Count; s++)
            foreach (var example in sites[s].Rows)
            {
                for (int f = 0; f < width; f++) features[row * width + f] = example.Features[alignments[s][f]];
                row++;
            }
        return features;
    }

    /// <summary>
    /// Decodes every site's files once, all with the first file's shape (its channels and length, or its
    /// size and colour), keeping each one's per-channel summary (<see cref="InputSummary"/>): a file of
    /// another shape, or one that cannot be read, is an error naming its manifest line before any training.
    /// </summary>
    private static (InputSpec Input, ExampleFile[] Files, float[] Summaries) CheckFiles(IReadOnlyList<SiteData> sites, CancellationToken cancellation)
    {
        var files = new List<ExampleFile>();
        InputKind? kind = null;
        foreach (var site in sites)
        {
            string manifest = PathDisplay.Of(site.Site.ManifestPath);
            if (!site.Schema.HasPath)
                throw new InputException($"this site is tabular, but the first training site ('{sites[0].Site.Name}') names signal or image files.",
                    "Train on sites of one kind.", manifest, 1);
            int column = site.Schema.PathColumnNumber;
            foreach (var row in site.Rows)
            {
                var rowKind = ExampleFiles.KindOf(row.Path!, manifest, row.Line, column);
                kind ??= rowKind;
                if (rowKind != kind)
                    throw new InputException($"'{row.Path}' is not a {kind.ToString()!.ToLowerInvariant()} file like the first training example ('{sites[0].Rows[0].Path}').",
                        "Train on examples of one kind: all signals (.csv) or all images (.png).", manifest, row.Line, column);
                files.Add(new ExampleFile(ExampleFiles.Resolve(site.Site.Directory, row.Path!, manifest, row.Line, column), manifest, row.Line, column));
            }
        }
        var input = InputDecoders.Describe(files[0].Path, kind!.Value);
        var decoder = InputDecoders.For(input);
        int channels = input.Channels.Count;
        var summaries = new float[(long)files.Count * 2 * channels];
        var chunk = new float[(long)LoadChunk * input.Size];
        for (int start = 0; start < files.Count; start += LoadChunk)
        {
            int n = Math.Min(LoadChunk, files.Count - start);
            var decoded = chunk.AsMemory(0, n * input.Size);
            InputDecoders.DecodeAll(decoder, files.GetRange(start, n), decoded, cancellation);
            InputSummary.OfAll(decoded.Span, n, input.Size, channels, summaries.AsSpan(start * 2 * channels, n * 2 * channels));
        }
        return (input, files.ToArray(), summaries);
    }

    /// <summary>
    /// A feature missing in every training row would be imputed with a constant and its weights never
    /// trained; where a validation site has it, those untrained weights would move the risks.
    /// </summary>
    private static void RefuseFeaturesMissingEverywhere(IReadOnlyList<string> featureNames, float[] features, int count, IReadOnlyList<SiteData> sites)
    {
        int width = featureNames.Count;
        var empty = Enumerable.Range(0, width).Where(f => Enumerable.Range(0, count).All(row => float.IsNaN(features[row * width + f]))).ToList();
        if (empty.Count == 0) return;
        string names = string.Join(", ", empty.Select(f => $"'{featureNames[f]}'"));
        throw new InputException(
            $"{(empty.Count == 1 ? "feature " + names + " is" : "features " + names + " are")} missing in every one of the {count} training rows ({string.Join(", ", sites.Select(s => s.Site.Name))}), so the model could not learn {(empty.Count == 1 ? "it" : "them")}.",
            $"Remove the column{(empty.Count == 1 ? "" : "s")} from the training manifests, or add sites where {(empty.Count == 1 ? "it is" : "they are")} recorded.");
    }

    /// <summary>
    /// The indices of the --categorical features, after checking that each is a feature, holds only
    /// integer codes (or nothing) in every training row, and has at most <see cref="MaxCategoricalLevels"/> levels.
    /// </summary>
    private static int[] CategoricalColumnsOf(IReadOnlyList<string> names, IReadOnlyList<string> featureNames, IReadOnlyList<SiteData> sites)
    {
        var columns = new List<int>();
        foreach (string name in names)
        {
            int column = featureNames.ToList().IndexOf(name);
            if (column < 0)
                throw new InputException($"categorical names '{name}', which is not a feature of the training sites ({string.Join(", ", featureNames)}).",
                    "Name features as the manifest header writes them (case matters).");
            var levels = new HashSet<float>();
            foreach (var site in sites)
            {
                int siteColumn = site.Schema.FeatureNames.ToList().IndexOf(name);
                foreach (var row in site.Rows)
                {
                    float value = row.Features[siteColumn];
                    if (float.IsNaN(value)) continue;
                    if (value != MathF.Round(value))
                        throw new InputException(
                            $"'{name}' is a categorical feature, but {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not an integer code.",
                            $"Write its categories as integer codes, or leave '{name}' out of categorical if it is a measurement.",
                            PathDisplay.Of(site.Site.ManifestPath), row.Line, site.Schema.Columns.ToList().IndexOf(name) + 1);
                    levels.Add(value);
                }
            }
            if (levels.Count > MaxCategoricalLevels)
                throw new InputException(
                    $"categorical feature '{name}' has {levels.Count} distinct values in the training rows, more than the {MaxCategoricalLevels} levels a category code may have.",
                    $"Leave '{name}' out of categorical: it is a measurement or an identifier, not a category code.");
            columns.Add(column);
        }
        columns.Sort();
        return columns.ToArray();
    }

    /// <summary>Sorted class names; a binary problem puts its positive class second.</summary>
    private static (IReadOnlyList<string> Classes, string? Positive) OrderClasses(List<string> observed, string? positiveClass)
    {
        if (observed.Count < 2)
            throw new InputException($"the training sites hold only one class ('{observed.Single()}').",
                "Training needs examples of at least two classes in the label column.");
        if (observed.Count > 2)
        {
            if (positiveClass is not null)
                throw new InputException($"positive_class applies to two classes, but the training sites have {observed.Count} ({string.Join(", ", observed)}).",
                    "Drop positive_class for a multiclass model.");
            return (observed, null);
        }

        string positive = positiveClass ?? InferPositive(observed)
            ?? throw new InputException($"cannot tell which of '{observed[0]}' and '{observed[1]}' is the positive class.",
                $"Pass positive_class {observed[1]} (or {observed[0]}).");
        if (!observed.Contains(positive, StringComparer.Ordinal))
            throw new InputException($"positive_class '{positive}' is not a label of the training sites ({string.Join(", ", observed)}).",
                "Pass one of the labels as they are written in the manifests.");
        return ([observed.Single(c => c != positive), positive], positive);
    }

    private static string? InferPositive(List<string> observed)
    {
        foreach (var (negative, positive) in ConventionalBinaryNames)
        {
            var lower = observed.Select(o => o.ToLowerInvariant()).ToList();
            if (lower.Contains(negative) && lower.Contains(positive)) return observed[lower.IndexOf(positive)];
        }
        return null;
    }
}
