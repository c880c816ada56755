using System.Text;
using Harness.Core;
using Harness.Tests.Support;
using Harness.Trainer;

namespace Harness.Tests.Trainer;

/// <summary>--from/--until keep the rows dated within the period; the card records each site's first and last date.</summary>
[Collection(NativeCollection.Name)]
public sealed class TrainingPeriodTests
{
    /// <summary>48 rows: 12 in each of 2018-2021 (one per month, classes alternating), and 4 undated.</summary>
    private static string Site(TempFolder temp)
    {
        var text = new StringBuilder("id,label,date,x,y\n");
        var random = new Random(2);
        int id = 0;
        for (int year = 2018; year <= 2021; year++)
            for (int month = 1; month <= 12; month++, id++)
                text.Append($"{id},{id % 2},{year}-{month:00}-15,{random.NextDouble() + id % 2:0.###},{random.NextDouble():0.###}\n");
        for (int k = 0; k < 4; k++, id++) text.Append($"{id},{id % 2},,{random.NextDouble():0.###},{random.NextDouble():0.###}\n");
        return temp.WriteSite("dated", text.ToString());
    }

    private static TrainingOptions Options(DateOnly? from, DateOnly? until) =>
        new() { Optimiser = new() { Epochs = 3 }, Device = DeviceRequest.Cpu, From = from, Until = until };

    [Fact]
    public void Only_rows_within_the_period_are_trained_on_and_the_card_records_their_dates()
    {
        using var temp = new TempFolder();
        using var outcome = TrainingRun.Run([Site(temp)], Options(new DateOnly(2019, 3, 1), new DateOnly(2020, 6, 30)));

        var site = Assert.Single(outcome.Card.TrainingSites);
        Assert.Equal(16, site.Rows); // March 2019 to June 2020: 10 + 6 months
        Assert.Equal(new DateOnly(2019, 3, 15), site.FirstDate);
        Assert.Equal(new DateOnly(2020, 6, 15), site.LastDate);
        Assert.Equal(16, outcome.Data.Count);
    }

    [Fact]
    public void Without_a_period_every_row_is_kept_and_the_dates_span_them()
    {
        using var temp = new TempFolder();
        using var outcome = TrainingRun.Run([Site(temp)], Options(null, null));

        var site = Assert.Single(outcome.Card.TrainingSites);
        Assert.Equal(52, site.Rows);
        Assert.Equal(new DateOnly(2018, 1, 15), site.FirstDate);
        Assert.Equal(new DateOnly(2021, 12, 15), site.LastDate);
    }

    [Fact]
    public void A_period_that_keeps_no_row_is_an_input_error_naming_the_site()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<InputException>(() => TrainingRun.Run([Site(temp)], Options(new DateOnly(2030, 1, 1), null)));
        Assert.Contains("dated within the training period", e.Message);
        Assert.Contains("manifest.csv", e.Message);
    }
}
