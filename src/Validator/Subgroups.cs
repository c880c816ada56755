using System.Globalization;
using Harness.Core;
using Harness.Core.Metrics;
using Harness.Core.ModelCards;
using Harness.Core.Sites;
using Harness.Results;
using Harness.Validator.Scoring;

namespace Harness.Validator;

/// <summary>
/// A subgroup to audit (<c>--subgroup NAME</c> or <c>--subgroup NAME:E1,E2,...</c>): an audit column
/// (<c>group:NAME</c>) or a model feature called NAME. Without edges each distinct value is a level
/// (at most <see cref="MaxLevels"/>); with edges a numeric value falls in the half-open band
/// [E_i, E_i+1), "&lt;E1" below the first and "≥Ek" from the last. An empty cell or NaN is the level "missing".
/// </summary>
public sealed record SubgroupSpec(string Name, IReadOnlyList<double>? Edges)
{
    public const int MaxLevels = 20;
    public const string Missing = "missing";

    public static SubgroupSpec Parse(string text)
    {
        int colon = text.IndexOf(':');
        string name = (colon < 0 ? text : text[..colon]).Trim();
        if (name.Length == 0)
            throw new InputException($"--subgroup '{text}' names no column.", "Write --subgroup NAME, or --subgroup NAME:40,60,75 for bands of a numeric column.");
        if (colon < 0) return new SubgroupSpec(name, null);
        var edges = new List<double>();
        foreach (string part in text[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double edge) || !double.IsFinite(edge))
                throw new InputException($"--subgroup '{text}': '{part}' is not a number.", "Write the band edges as numbers with '.' as the decimal point, e.g. --subgroup age:40,60,75.");
            if (edges.Count > 0 && edge <= edges[^1])
                throw new InputException($"--subgroup '{text}': the edges do not increase ({edges[^1].ToString(CultureInfo.InvariantCulture)} then {part}).",
                    "List the edges in increasing order, each once, e.g. --subgroup age:40,60,75.");
            edges.Add(edge);
        }
        return new SubgroupSpec(name, edges);
    }

    /// <summary>Where a site's rows hold this subgroup: its audit column, else the model's feature; an error naming the manifest when neither.</summary>
    internal SliceCollector.KeyOf KeyFor(ManifestSchema schema, ModelCard card, string manifest)
    {
        int group = schema.GroupNames.ToList().IndexOf(Name);
        int feature = card.FeatureNames.ToList().IndexOf(Name);
        if (group < 0 && feature < 0)
            throw new InputException($"--subgroup '{Name}' is neither an audit column ({ManifestSchema.GroupPrefix}{Name}) of this site nor a feature of the model.",
                $"Add a '{ManifestSchema.GroupPrefix}{Name}' column to the manifest, or choose one of: {string.Join(", ", schema.GroupNames.Concat(card.FeatureNames))}.",
                manifest, 1);
        if (group >= 0)
        {
            return (in ScoredBatch batch, int row) =>
            {
                string cell = batch.Group(group, row);
                if (cell.Length == 0) return Missing;
                if (Edges is null) return cell;
                return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                    ? Band(value)
                    : throw new InputException($"'{cell}' in {ManifestSchema.GroupPrefix}{Name} is not a number, so it cannot fall in a band.",
                        $"Write numbers in that column, or drop the edges: --subgroup {Name}.", manifest, batch.Line(row));
            };
        }
        return (in ScoredBatch batch, int row) => batch.FeaturesOf(row)[feature] is var value && float.IsNaN(value) ? Missing
            : Edges is null ? value.ToString(CultureInfo.InvariantCulture) : Band(value);
    }

    private string Band(double value)
    {
        var edges = Edges!;
        string E(int i) => edges[i].ToString(CultureInfo.InvariantCulture);
        if (value < edges[0]) return $"<{E(0)}";
        for (int i = 1; i < edges.Count; i++) if (value < edges[i]) return $"{E(i - 1)}–{E(i)}";
        return $"≥{E(edges.Count - 1)}";
    }

    /// <summary>Levels in reading order: bands from low to high, values in numeric or ordinal order, "missing" last.</summary>
    internal int Order(string level)
    {
        if (level == Missing) return int.MaxValue;
        if (Edges is null) return 0; // ties: the ordinal order the slices come in
        if (level.StartsWith('<')) return -1;
        if (level.StartsWith('≥')) return Edges.Count;
        return Edges.Select((e, i) => (e, i)).First(x => level.StartsWith(x.e.ToString(CultureInfo.InvariantCulture) + "–", StringComparison.Ordinal)).i;
    }

    internal IReadOnlyList<(string Key, ScoredExamples Examples)> Ordered(IReadOnlyList<(string Key, ScoredExamples Examples)> slices) =>
        slices.OrderBy(s => Order(s.Key))
            .ThenBy(s => double.TryParse(s.Key, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.MaxValue)
            .ThenBy(s => s.Key, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Every catalog metric with its interval per level, and for each headline metric the largest
    /// difference between two levels (highest minus lowest value) with the interval of a difference
    /// between independent samples, as a site's gap to development.
    /// </summary>
    internal SubgroupResult Summarise(string site, IReadOnlyList<(string Key, ScoredExamples Examples)> slices, ModelCard card,
        IntervalOptions intervals, IReadOnlyList<string> headline, CancellationToken cancellation)
    {
        var levels = Ordered(slices).Select(s => (s.Key, s.Examples,
            Estimate: MetricEstimator.Estimate(s.Examples, card.OperatingPoint?.Threshold, intervals, $"{site}/{Name}={s.Key}", cancellation))).ToList();
        var largest = new Dictionary<string, SubgroupDifference>();
        foreach (string key in headline)
        {
            var defined = levels.Where(l => l.Estimate.Metrics.ValueOf(key) is not null).ToList();
            if (defined.Count < 2) continue;
            var high = defined.MaxBy(l => l.Estimate.Metrics.ValueOf(key))!;
            var low = defined.MinBy(l => l.Estimate.Metrics.ValueOf(key))!;
            largest[key] = new SubgroupDifference(high.Key, low.Key, MetricEstimator.Gap(high.Estimate, low.Estimate, intervals)[key]);
        }
        return new SubgroupResult(Name, Edges,
            levels.Select(l => new SubgroupLevel(l.Key, l.Examples.Count,
                card.ClassNames.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => l.Examples.ClassCounts()[x.i]), l.Estimate.Metrics)).ToList(),
            largest);
    }
}
