using Harness.Core.ModelCards;
using Harness.Core.Statistics;
using Harness.Results;

namespace Harness.Validator.Scoring;

/// <summary>
/// Accumulates, batch by batch, what the shift statistics need of a site (<see cref="SiteShift"/>):
/// per feature the observed and missing counts, the sums of (x − training mean) and of its square
/// over observed values, and the counts per training bin (levels training never saw in one more
/// bin); and the rows per class. A few numbers per feature whatever the site's size. Each chunk of
/// the manifest is summed row by row, and the chunks' sums are added in file order
/// (<see cref="IChunkObserver"/>), so the result depends on neither the batch size nor the scheduling.
/// </summary>
/// <remarks>
/// Sums are of deviations from the training mean, not of raw values, so the site's variance
/// (S2 − S1²/n) / (n − 1) does not cancel catastrophically when the values are far from 0.
/// </remarks>
internal sealed class ShiftAccumulator : IChunkObserver
{
    private readonly ModelCard _card;
    private readonly TrainingDistribution? _training;
    private readonly double[] _centre;
    private readonly long[] _observed, _missing, _classes;
    private readonly double[] _sum, _squares;
    private readonly long[][] _bins;
    private readonly double[][] _binBounds; // numeric: the edges; categorical: the levels
    private readonly bool[] _categorical;

    public ShiftAccumulator(ModelCard card)
    {
        _card = card;
        _training = card.TrainingDistribution;
        int width = _training?.Features.Count ?? 0;
        _centre = _training?.Features.Select(f => f.Mean ?? 0).ToArray() ?? [];
        (_observed, _missing, _sum, _squares) = (new long[width], new long[width], new double[width], new double[width]);
        // Categorical: one more bin for the levels training never saw.
        _bins = _training?.Features.Select(f => new long[f.Counts.Count + (f.IsCategorical ? 1 : 0)]).ToArray() ?? [];
        _binBounds = _training?.Features.Select(f => (f.IsCategorical ? f.Levels! : f.Edges!).ToArray()).ToArray() ?? [];
        _categorical = _training?.Features.Select(f => f.IsCategorical).ToArray() ?? [];
        _classes = new long[card.ClassNames.Count];
    }

    public IChunkObserver Fork() => new ShiftAccumulator(_card);

    public void Merge(IChunkObserver chunk)
    {
        var other = (ShiftAccumulator)chunk;
        for (int c = 0; c < _classes.Length; c++) _classes[c] += other._classes[c];
        for (int f = 0; f < _observed.Length; f++)
        {
            _observed[f] += other._observed[f];
            _missing[f] += other._missing[f];
            _sum[f] += other._sum[f];
            _squares[f] += other._squares[f];
            for (int b = 0; b < _bins[f].Length; b++) _bins[f][b] += other._bins[f][b];
        }
    }

    /// <summary>
    /// Column by column: one feature's running sums stay in registers and its bin bounds in cache while
    /// the batch's rows pass in order (each sum still adds the rows one by one, in file order).
    /// </summary>
    public void Observe(in ScoredBatch batch)
    {
        if (_training is null) return;
        var features = batch.Features.Span;
        var labels = batch.Labels.Span;
        int width = batch.Width, count = batch.Count;
        for (int r = 0; r < count; r++) _classes[labels[r]]++;
        for (int f = 0; f < width; f++)
        {
            ReadOnlySpan<double> bounds = _binBounds[f];
            long[] bins = _bins[f];
            bool categorical = _categorical[f];
            double centre = _centre[f], sum = _sum[f], squares = _squares[f];
            long observed = _observed[f], missing = _missing[f];
            for (int r = 0; r < count; r++)
            {
                float value = features[r * width + f];
                if (float.IsNaN(value))
                {
                    missing++;
                    continue;
                }
                double deviation = value - centre;
                observed++;
                sum += deviation;
                squares += deviation * deviation;
                int bin = categorical ? FeatureDistribution.LevelBin(bounds, value) : FeatureDistribution.EdgeBin(bounds, value);
                bins[bin < 0 ? bins.Length - 1 : bin]++;
            }
            (_observed[f], _missing[f], _sum[f], _squares[f]) = (observed, missing, sum, squares);
        }
    }

    /// <summary>The site's shift against the card's training distribution, or why there is none.</summary>
    public SiteShift Result()
    {
        if (_training is null)
            return SiteShift.Unavailable("the model card carries no training distribution (trained before Harness stored one), so there are no shift statistics; retrain with this Harness to get them");
        long rows = _classes.Sum();
        var features = _training.Features.Select((t, f) => Feature(t, f, rows))
            .Select((shift, order) => (shift, order))
            .OrderByDescending(x => x.shift.MissingEverywhere).ThenByDescending(x => x.shift.Psi).ThenBy(x => x.order)
            .Select(x => x.shift).ToList();
        var classes = _card.ClassNames.Select((c, i) => new ClassShift(c, (double)_training.ClassCounts[c] / _training.Rows, (double)_classes[i] / rows)).ToList();
        var top = features.MaxBy(f => f.MembershipAuroc);
        return new SiteShift
        {
            TrainingRows = _training.Rows,
            SiteRows = rows,
            Features = features,
            Classes = classes,
            PrevalenceShift = _card.PositiveClassIndex is int positive ? classes[positive].Site - classes[positive].Training : null,
            MaxFeatureMembershipAuroc = top?.MembershipAuroc,
            MaxFeatureMembershipAurocFeature = top?.Feature,
        };
    }

    private FeatureShift Feature(FeatureDistribution training, int f, long rows)
    {
        long n = _observed[f];
        double? mean = n == 0 ? null : _centre[f] + _sum[f] / n;
        double? sd = n < 2 ? null : Math.Sqrt(Math.Max(0, _squares[f] - _sum[f] * _sum[f] / n) / (n - 1));
        double? smd = training.IsCategorical || mean is null || sd is null || training.Sd is null ? null
            : DistributionShift.StandardisedMeanDifference(n, mean.Value, sd.Value, training.Observed, training.Mean!.Value, training.Sd.Value);
        // The observed bins (and, categorical, the unseen levels), then missing.
        long[] trainingBins = [.. training.Counts, .. training.IsCategorical ? [0L] : Array.Empty<long>()];
        long[] siteBins = _bins[f];
        long[] trainingAll = [.. trainingBins, training.Missing], siteAll = [.. siteBins, _missing[f]];
        double? ks = n == 0 || training.Observed == 0 ? null
            : training.IsCategorical ? DistributionShift.TotalVariation(siteBins, trainingBins) : DistributionShift.BinnedKs(siteBins, trainingBins);
        return new FeatureShift(training.Name, training.Kind, n == 0, training.MissingRate, (double)_missing[f] / rows,
            training.Mean, mean, training.Sd, sd, smd, DistributionShift.Psi(siteAll, trainingAll), ks,
            DistributionShift.MembershipAuroc(siteAll, trainingAll), training.Edges, training.Levels, trainingAll, siteAll);
    }
}
