using Harness.Core.Metrics;
using Harness.Core.ModelCards;

namespace Harness.Validator.Scoring;

/// <summary>
/// `validate --by`: slices a site's scored rows into calendar periods as they stream past, keeping
/// per period what its metrics need (labels, probabilities and patient indices, as
/// <see cref="ExampleCollector"/> does for the whole site; never features), and counts the rows
/// without a date, which fall in no period.
/// </summary>
internal sealed class PeriodSlicer(ModelCard card, bool hasPatientId, PeriodUnit by, DateWindow? window) : ISiteObserver
{
    private readonly SortedDictionary<Period, ExampleCollector> _periods = [];

    public PeriodUnit By { get; } = by;

    /// <summary>Scored rows without a date.</summary>
    public long Undated { get; private set; }

    public void Observe(in ScoredBatch batch)
    {
        for (int r = 0; r < batch.Count; r++)
        {
            if (batch.Rows[r].Date is not { } date)
            {
                Undated++;
                continue;
            }
            var period = Period.Of(date, By, window);
            if (!_periods.TryGetValue(period, out var examples)) _periods[period] = examples = new ExampleCollector(card, hasPatientId);
            examples.Add(batch, r);
        }
    }

    /// <summary>The periods holding rows, in time order, each with its examples.</summary>
    public IEnumerable<(Period Period, ScoredExamples Examples)> Periods() => _periods.Select(p => (p.Key, p.Value.Examples()));
}
