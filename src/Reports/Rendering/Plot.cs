using System.Globalization;
using SkiaSharp;

namespace Harness.Reports.Rendering;

/// <summary>A linear axis: its range, ticks (nice numbers unless given) and title.</summary>
internal sealed record Axis(string Title, double Min, double Max, IReadOnlyList<double>? Ticks = null)
{
    public IReadOnlyList<double> TickValues => Ticks ?? NiceTicks(Min, Max);

    /// <summary>Ticks at 1, 2 or 5 times a power of ten, about <paramref name="target"/> of them, inside [min, max].</summary>
    public static IReadOnlyList<double> NiceTicks(double min, double max, int target = 5)
    {
        if (!(max > min)) return [min];
        double raw = (max - min) / target, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step)
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    /// <summary>A tick label: as few decimals as the step needs, with a true minus sign.</summary>
    public string Label(double value)
    {
        var ticks = TickValues;
        double step = ticks.Count > 1 ? ticks[1] - ticks[0] : Math.Max(Math.Abs(value), 1);
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) - 1e-9), 0, 6);
        if (Math.Abs(step * Math.Pow(10, decimals) % 1) > 1e-6) decimals++; // 2.5, 0.25
        string text = value.ToString("F" + decimals, CultureInfo.InvariantCulture);
        return text.StartsWith('-') ? ReportFormat.Minus + text[1..] : text;
    }
}

/// <summary>What a plot draws, in data coordinates.</summary>
internal abstract record Series(SKColor Color);

internal sealed record LineSeries(IReadOnlyList<(double X, double Y)> Points, SKColor Color, float Width = 1.3f, bool Dashed = false, bool Steps = false)
    : Series(Color);

/// <summary>A filled band between two curves sampled at the same x.</summary>
internal sealed record BandSeries(IReadOnlyList<(double X, double Lower, double Upper)> Points, SKColor Color) : Series(Color);

/// <summary>Filled circles; Size is the diameter in points.</summary>
internal sealed record MarkerSeries(IReadOnlyList<(double X, double Y, float Size)> Points, SKColor Color) : Series(Color);

/// <summary>Bars from 0 to each value over [From, To) on x.</summary>
internal sealed record BarSeries(IReadOnlyList<(double From, double To, double Value)> Bars, SKColor Color) : Series(Color);

/// <summary>Vertical interval bars with a point (a value per period with its interval).</summary>
internal sealed record ErrorBarSeries(IReadOnlyList<(double X, double Y, double? Lower, double? Upper)> Points, SKColor Color) : Series(Color);

/// <summary>A vertical or horizontal reference line across the whole plot.</summary>
internal sealed record ReferenceLine(double At, bool Vertical, SKColor Color, bool Dashed = true) : Series(Color);

/// <summary>
/// A chart drawn straight onto the PDF canvas as vectors, with the report's own fonts: frame,
/// grid, ticks, axis titles and series, each series clipped to the data area. Small and
/// predictable on purpose: every chart of the report has the same margins, so charts in a row
/// line up, and everything it draws stays inside the rectangle it is given.
/// </summary>
internal sealed class Plot(Axis x, Axis y)
{
    public const float TickSize = 6.5f, TitleSize = 7f;

    /// <summary>Room for the y tick labels and title (left) and the x tick labels and title (bottom).</summary>
    public float LeftMargin { get; init; } = 34;
    public float BottomMargin { get; init; } = 24;
    public float RightMargin { get; init; } = 4;
    public float TopMargin { get; init; } = 3;

    /// <summary>False hides the x tick labels and title (a strip that shares the x axis of the plot above).</summary>
    public bool ShowX { get; init; } = true;

    public bool ShowY { get; init; } = true;

    public List<Series> Series { get; } = [];

    public Axis X => x;
    public Axis Y => y;

    public Plot Add(Series series)
    {
        Series.Add(series);
        return this;
    }

    /// <summary>
    /// Lays out every label once while the report is laid out, so the fonts' subsets (made before
    /// drawing) hold their characters; <see cref="Draw"/> lays them out again in the same way.
    /// </summary>
    public Plot Prepare(Typesetter type)
    {
        foreach (string label in x.TickValues.Select(x.Label).Concat(y.TickValues.Select(y.Label)).Append(x.Title).Append(y.Title))
            type.Wrap(label, TitleSize, 1000);
        return this;
    }

    private SKRect DataArea(SKRect area) =>
        new(area.Left + LeftMargin, area.Top + TopMargin, area.Right - RightMargin, area.Bottom - (ShowX ? BottomMargin : 0));

    public void Draw(SKCanvas canvas, SKRect area, Typesetter type)
    {
        var data = DataArea(area);
        float Px(double v) => data.Left + (float)((v - x.Min) / (x.Max - x.Min)) * data.Width;
        float Py(double v) => data.Bottom - (float)((v - y.Min) / (y.Max - y.Min)) * data.Height;

        using var grid = Stroke(Palette.Grid, 0.5f);
        using var frame = Stroke(Palette.Ink, 0.7f);
        foreach (double t in x.TickValues)
        {
            float px = Px(t);
            canvas.DrawLine(px, data.Top, px, data.Bottom, grid);
            canvas.DrawLine(px, data.Bottom, px, data.Bottom + 2.5f, frame);
            if (ShowX)
            {
                // Centred under its tick, but never past the chart's edges (the first and last labels).
                var label = type.Wrap(x.Label(t), TickSize, area.Width);
                float left = Math.Clamp(px - label[0].Width / 2, area.Left, area.Right - label[0].Width);
                type.Draw(canvas, label, left, data.Bottom + 3.5f, TickSize, Palette.Ink);
            }
        }
        foreach (double t in y.TickValues)
        {
            float py = Py(t);
            canvas.DrawLine(data.Left, py, data.Right, py, grid);
            canvas.DrawLine(data.Left - 2.5f, py, data.Left, py, frame);
            if (ShowY)
            {
                string label = y.Label(t);
                var lines = type.Wrap(label, TickSize, LeftMargin);
                float width = lines[0].Width;
                type.Draw(canvas, lines, data.Left - 4 - width, py - TickSize * 0.55f, TickSize, Palette.Ink);
            }
        }
        if (ShowX && x.Title.Length > 0)
            Centred(canvas, type, x.Title, data.MidX, data.Bottom + 4 + Typesetter.LineHeight(TickSize), TitleSize, data.Width);
        if (ShowY && y.Title.Length > 0)
        {
            // The y title runs upwards along the left edge.
            int saved = canvas.Save();
            canvas.Translate(area.Left, data.MidY);
            canvas.RotateDegrees(-90);
            Centred(canvas, type, y.Title, 0, 0, TitleSize, data.Height);
            canvas.RestoreToCount(saved);
        }

        int clip = canvas.Save();
        canvas.ClipRect(data);
        foreach (var series in Series) DrawSeries(canvas, series, Px, Py, data);
        canvas.RestoreToCount(clip);
        canvas.DrawRect(data, frame);
    }

    private static void DrawSeries(SKCanvas canvas, Series series, Func<double, float> px, Func<double, float> py, SKRect data)
    {
        switch (series)
        {
            case BandSeries b when b.Points.Count > 1:
                using (var path = new SKPath())
                using (var fill = Fill(b.Color))
                {
                    path.MoveTo(px(b.Points[0].X), py(b.Points[0].Upper));
                    foreach (var p in b.Points.Skip(1)) path.LineTo(px(p.X), py(p.Upper));
                    foreach (var p in b.Points.Reverse()) path.LineTo(px(p.X), py(p.Lower));
                    path.Close();
                    canvas.DrawPath(path, fill);
                }
                break;
            case BarSeries bars:
                using (var fill = Fill(bars.Color))
                    foreach (var (from, to, value) in bars.Bars.Where(b => b.Value != 0))
                        canvas.DrawRect(new SKRect(px(from), Math.Min(py(value), py(0)), px(to), Math.Max(py(value), py(0))), fill);
                break;
            case LineSeries line when line.Points.Count > 1:
                using (var path = new SKPath())
                using (var stroke = Stroke(line.Color, line.Width, line.Dashed))
                {
                    path.MoveTo(px(line.Points[0].X), py(line.Points[0].Y));
                    for (int i = 1; i < line.Points.Count; i++)
                    {
                        if (line.Steps) path.LineTo(px(line.Points[i].X), py(line.Points[i - 1].Y));
                        path.LineTo(px(line.Points[i].X), py(line.Points[i].Y));
                    }
                    canvas.DrawPath(path, stroke);
                }
                break;
            case MarkerSeries markers:
                using (var fill = Fill(markers.Color))
                using (var edge = Stroke(SKColors.White, 0.5f))
                    foreach (var (mx, my, size) in markers.Points)
                    {
                        canvas.DrawCircle(px(mx), py(my), size / 2, fill);
                        canvas.DrawCircle(px(mx), py(my), size / 2, edge);
                    }
                break;
            case ErrorBarSeries bars:
                using (var stroke = Stroke(bars.Color, 1f))
                using (var fill = Fill(bars.Color))
                    foreach (var (bx, by, lower, upper) in bars.Points)
                    {
                        if (lower is { } lo && upper is { } hi)
                        {
                            canvas.DrawLine(px(bx), py(lo), px(bx), py(hi), stroke);
                            canvas.DrawLine(px(bx) - 2, py(lo), px(bx) + 2, py(lo), stroke);
                            canvas.DrawLine(px(bx) - 2, py(hi), px(bx) + 2, py(hi), stroke);
                        }
                        canvas.DrawCircle(px(bx), py(by), 2.2f, fill);
                    }
                break;
            case ReferenceLine r:
                using (var stroke = Stroke(r.Color, 0.8f, r.Dashed))
                {
                    if (r.Vertical) canvas.DrawLine(px(r.At), data.Top, px(r.At), data.Bottom, stroke);
                    else canvas.DrawLine(data.Left, py(r.At), data.Right, py(r.At), stroke);
                }
                break;
        }
    }

    private static void Centred(SKCanvas canvas, Typesetter type, string text, float centre, float top, float size, float width = 60)
    {
        var lines = type.Wrap(text, size, width);
        type.Draw(canvas, lines, centre - width / 2, top, size, Palette.Ink, width, SKTextAlign.Center);
    }

    public static SKPaint Stroke(SKColor color, float width, bool dashed = false) => new()
    {
        Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true,
        PathEffect = dashed ? SKPathEffect.CreateDash([3f, 2f], 0) : null,
    };

    public static SKPaint Fill(SKColor color) => new() { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
}
