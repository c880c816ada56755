using Harness.Core.ModelCards;
using Harness.Reports.Rendering;
using SkiaSharp;

namespace Harness.Reports.Sections.Training;

/// <summary>How the model was trained and what cross-validation expected of it: the folds, their best epochs and metrics, and how the exported model was made.</summary>
internal sealed class TrainingSection : IReportSection
{
    public string Id => "training";
    public string Title => "Training record";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 60);
        var model = context.Results.Model;
        if (model.CrossValidation is not { } cv)
        {
            c.Absent($"The model card (format {model.CardFormat}) records no cross-validation: it was written before Harness recorded folds.");
            return;
        }
        c.KeyValue("Scheme", cv.Scheme);
        c.KeyValue("Exported model", cv.FinalModel);
        c.KeyValue("Development reference", context.Results.Development.Split);
        c.Flow.Advance(4);

        var metrics = context.Headline.Take(3).ToList();
        var columns = new List<Column> { new("Fold", 92), new("n", 34, SKTextAlign.Right), new(context.EventsLabel, 40, SKTextAlign.Right), new("Best epoch", 44, SKTextAlign.Right) };
        float width = (c.Width - columns.Sum(k => k.Width)) / metrics.Count;
        columns.AddRange(metrics.Select(m => new Column($"{m.Label} ({context.Level} CI)", width, SKTextAlign.Right)));
        var rows = cv.Folds.Select(f => TableRow.Of(new Span[]
        {
            new(f.Name, Face.Bold), new(ReportFormat.Count(f.N)), new(context.Events(f.ClassCounts)), new(f.BestEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }.Concat(metrics.Select(m => new Span(ReportFormat.WithInterval(m, ReportContext.Get(f.Metrics, m.Key))))))).ToList();
        List<IReadOnlyList<Span>> spread = [[new("Over folds", Face.Bold)], [], [], []];
        spread.AddRange(metrics.Select(m => (IReadOnlyList<Span>)[new(cv.Spread.GetValueOrDefault(m.Key) is { } s
            ? $"mean {ReportFormat.Value(m, s.Mean)}, SD {ReportFormat.Value(m, s.Sd)}\n{ReportFormat.Value(m, s.Min)} to {ReportFormat.Value(m, s.Max)}"
            : ReportFormat.Missing)]));
        rows.Add(new TableRow(spread, Palette.CalloutFill));
        c.Table(columns, rows, "Folds");
        c.Flow.Advance(3);
        LossCurves(c, model.TrainingHistory);
    }

    /// <summary>One chart per network: training loss and early-stopping loss per epoch, the kept epoch marked.</summary>
    private static void LossCurves(Composer c, TrainingHistory? history)
    {
        c.SubHeading("Loss curves", minimumBelow: 150);
        if (history is not { Models.Count: > 0 })
        {
            c.Absent("The model card does not carry per-epoch losses (written before Harness recorded them); training.json beside the model does.");
            return;
        }
        c.Legend([(Palette.Site, "training loss", false), (Palette.Events, "early-stopping rows' loss", false), (Palette.Reference, "epoch kept", true)]);
        var charts = history.Models.Select(m => ($"{m.Name} (epoch {m.BestEpoch} kept)", 110f, Chart(c.Type, m))).ToList();
        c.Charts(charts, 3, "Loss curves");
    }

    private static Action<SKCanvas, SKRect> Chart(Typesetter type, ModelHistory model)
    {
        var train = model.TrainLoss.Select((loss, i) => (X: (double)(i + 1), Y: loss)).Where(p => double.IsFinite(p.Y)).ToList();
        var validation = model.ValidationLoss.Select((loss, i) => (X: (double)(i + 1), Y: loss ?? double.NaN)).Where(p => double.IsFinite(p.Y)).ToList();
        var all = train.Concat(validation).Select(p => p.Y).DefaultIfEmpty(1).ToList();
        double top = all.Max(), bottom = Math.Min(0, all.Min());
        var plot = new Plot(new Axis("Epoch", 0, Math.Max(1, model.TrainLoss.Count) + 0.5), new Axis("Loss", bottom, top * 1.05 + 1e-9))
            .Add(new ReferenceLine(model.BestEpoch, true, Palette.Reference))
            .Add(new LineSeries(train, Palette.Site, 1.2f));
        if (validation.Count > 1) plot.Add(new LineSeries(validation, Palette.Events, 1.2f));
        plot.Prepare(type);
        return (canvas, area) => plot.Draw(canvas, area, type);
    }
}
