using Harness.Core;
using Harness.Core.Inputs;
using Harness.Core.ModelCards;
using Harness.Core.Sites;

namespace Harness.Validator.Scoring;

/// <summary>
/// Turns the rows of a manifest batch that will be scored into what the model reads and what the
/// observers see (<see cref="ModelCard.DescriptorNames"/>): for a tabular model both are the row's
/// features in the model's order; for a signal or image model, the decoded file
/// (<see cref="InputDecoders"/>, all cores) and its per-channel summary (<see cref="InputSummary"/>).
/// </summary>
internal abstract class ModelInputs
{
    /// <summary>Floats per example the model reads.</summary>
    public abstract int InputSize { get; }

    /// <summary>Floats per example the observers see.</summary>
    public abstract int DescriptorWidth { get; }

    /// <summary>Takes row <paramref name="row"/> of <paramref name="batch"/> as example <paramref name="slot"/> of the next call to the model.</summary>
    public abstract void Add(ManifestBatch batch, int row, int slot);

    /// <summary>The model's input and the descriptors of the first <paramref name="count"/> examples added since the last call.</summary>
    public abstract (Memory<float> Inputs, ReadOnlyMemory<float> Descriptors) Complete(int count, CancellationToken cancellation);

    public static ModelInputs For(ModelCard card, SiteFolder site, ManifestSchema schema, int batchSize)
    {
        string file = PathDisplay.Of(site.ManifestPath);
        CheckSchema(card, schema, file);
        return card.Input is { } spec
            ? new FileInputs(spec, site.Directory, file, schema.PathColumnNumber, batchSize)
            : new FeatureInputs(schema.AlignTo(card.FeatureNames, file, "the model"), batchSize);
    }

    /// <summary>Whether this manifest gives what the model reads: feature columns, or a path column for a signal or image model.</summary>
    public static void CheckSchema(ModelCard card, ManifestSchema schema, string file)
    {
        if (card.Input is { } spec && !schema.HasPath)
            throw new InputException($"the model reads {spec.Kind.ToString().ToLowerInvariant()} files, but this manifest has no '{ManifestSchema.PathColumn}' column naming them.",
                $"Add a '{ManifestSchema.PathColumn}' column with each example's file, relative to the site folder.", file, 1);
        if (card.Input is null && schema.HasPath)
            throw new InputException($"this manifest names files in a '{ManifestSchema.PathColumn}' column, but the model is tabular: it reads the features {string.Join(", ", card.FeatureNames)}.",
                "Validate this site with a signal or image model, or give the manifest the model's feature columns.", file, 1);
        if (card.Input is null) schema.AlignTo(card.FeatureNames, file, "the model");
    }

    private sealed class FeatureInputs(int[] columnOf, int batchSize) : ModelInputs
    {
        private readonly float[] _features = new float[batchSize * columnOf.Length];

        public override int InputSize => columnOf.Length;
        public override int DescriptorWidth => columnOf.Length;

        public override void Add(ManifestBatch batch, int row, int slot)
        {
            var values = batch.Features(row);
            var into = _features.AsSpan(slot * columnOf.Length, columnOf.Length);
            for (int f = 0; f < into.Length; f++) into[f] = values[columnOf[f]];
        }

        public override (Memory<float>, ReadOnlyMemory<float>) Complete(int count, CancellationToken cancellation)
        {
            var features = _features.AsMemory(0, count * columnOf.Length);
            return (features, features);
        }
    }

    private sealed class FileInputs(InputSpec spec, string siteDirectory, string file, int pathColumn, int batchSize) : ModelInputs
    {
        private readonly IInputDecoder _decoder = InputDecoders.For(spec);
        private readonly ExampleFile[] _files = new ExampleFile[batchSize];
        private readonly float[] _inputs = new float[batchSize * spec.Size];
        private readonly float[] _descriptors = new float[batchSize * 2 * spec.Channels.Count];

        public override int InputSize => spec.Size;
        public override int DescriptorWidth => 2 * spec.Channels.Count;

        public override void Add(ManifestBatch batch, int row, int slot)
        {
            string cell = batch.Path(row)!;
            long line = batch.Line(row);
            if (ExampleFiles.KindOf(cell, file, line, pathColumn) != spec.Kind)
                throw new InputException($"'{cell}' is not a {spec.Kind.ToString().ToLowerInvariant()} file, which the model reads.",
                    spec.Kind == InputKind.Signal ? "Name a .csv signal file." : "Name a .png image file.", file, line, pathColumn);
            _files[slot] = new ExampleFile(ExampleFiles.Resolve(siteDirectory, cell, file, line, pathColumn), file, line, pathColumn);
        }

        public override (Memory<float>, ReadOnlyMemory<float>) Complete(int count, CancellationToken cancellation)
        {
            var inputs = _inputs.AsMemory(0, count * spec.Size);
            InputDecoders.DecodeAll(_decoder, new ArraySegment<ExampleFile>(_files, 0, count), inputs, cancellation);
            InputSummary.OfAll(inputs.Span, count, spec.Size, spec.Channels.Count, _descriptors);
            return (inputs, _descriptors.AsMemory(0, count * DescriptorWidth));
        }
    }
}
