using Harness.Core.Metrics;
using Harness.Reports.Rendering;
using Harness.Results;

namespace Harness.Reports.Sections.Definitions;

/// <summary>How to read the numbers: intervals, gaps and hold-out types, then every metric as the catalog defines it, then the methods behind the other sections.</summary>
internal sealed class DefinitionsSection : IReportSection
{
    public string Id => "definitions";
    public string Title => "Definitions";

    public void Compose(Composer c, ReportContext context)
    {
        c.Section(Id, Title, minimumBelow: 40);
        c.Paragraph([new("Intervals: ", Face.Bold), new(IntervalsText(context))], Palette.SmallSize, gap: 2);
        foreach (var (term, definition) in Terms(context.Level))
            c.Paragraph([new(term + ": ", Face.Bold), new(definition)], Palette.SmallSize, gap: 2);
        c.Flow.Advance(4);
        c.SubHeading("Metrics", minimumBelow: 20);
        foreach (var m in context.Shown)
            c.Paragraph([
                new(m.Label + ": ", Face.Bold),
                new($"{m.Formula}. "),
                new(ReportContext.Capitalise(m.DirectionText) + ". Interval: ", Color: Palette.Muted),
                new(MethodName(m.IntervalFor(context.Binary)) + ".", Color: Palette.Muted),
            ], Palette.SmallSize, gap: 2);
    }

    public static string MethodName(IntervalMethod method) => method switch
    {
        IntervalMethod.DeLong => "DeLong (Sun & Xu 2014)",
        IntervalMethod.Wald => "Wald",
        IntervalMethod.LogWald => "Wald on the log scale",
        IntervalMethod.RemlHksj => "REML + HKSJ",
        _ => "bootstrap percentile",
    };

    private static string MethodText(IntervalMethod method) => method switch
    {
        IntervalMethod.DeLong => "DeLong's variance (computed with Sun & Xu's 2014 algorithm), estimate ± z·SE",
        IntervalMethod.Wald => "Wald, estimate ± z·SE from the logistic calibration model",
        IntervalMethod.LogWald => "Wald on the log scale, exp(ln estimate ± z·SE)",
        IntervalMethod.RemlHksj => "random effects across sites, τ² by REML, pooled estimate ± t(k−1)·SE with the Hartung-Knapp-Sidik-Jonkman SE",
        _ => "percentile bootstrap, stratified by outcome and clustered by patient",
    };

    private static string IntervalsText(ReportContext context)
    {
        var options = context.Results.Intervals;
        var analytic = context.Shown.GroupBy(m => m.IntervalFor(context.Binary))
            .Where(g => g.Key != IntervalMethod.BootstrapPercentile)
            .Select(g => $"{string.Join(" and ", g.Select(m => m.Label))}: {MethodText(g.Key)}");
        string bootstrap = options.Resamples > 0
            ? $"every other metric: the percentile interval of a stratified, patient-clustered bootstrap with {ReportFormat.Count(options.Resamples)} " +
              $"resamples (seed {options.Seed}); each resample draws patients with replacement within each outcome class, so a patient's rows stay together"
            : "every other metric: none, because bootstrap intervals were off (0 resamples)";
        return $"Every interval is a {context.Level} confidence interval. " + string.Join("; ", analytic.Append(bootstrap)) + ". " +
            "A gap's interval combines the uncertainty of both samples, site and development: for bootstrap metrics it is the percentile " +
            "interval of the differences between independent resamples of each; for the others, gap ± z·√(SE site² + SE development²).";
    }

    private static IEnumerable<(string Term, string Definition)> Terms(string level) =>
    [
        ("Gap", "site value minus development value (gap = site − development), in the metric's own units. Whether a positive gap is better or worse " +
            "depends on the metric's direction (see each metric below)."),
        ("Distinguishable", $"a gap whose {level} interval excludes 0: the difference from development is larger than sampling noise explains at that " +
            $"level. Marked {AuditReport.WorseMark} (bold) when the site is worse than development, {AuditReport.BetterMark} when better. A gap that is not " +
            "distinguishable is not evidence of no difference: its interval may be wide."),
        ("Development", "the model's internal validation, recorded in the model file: the out-of-fold predictions of cross-validation on its training " +
            "sites (each row predicted by a model that never saw its patient). The reference every gap is measured against."),
        ("Hold-out types", "internal: the training data itself, or a training institution within the training period; temporal: a training institution " +
            "after the training period; institutional: another institution; temporal+institutional: another institution, later; unknown: undated rows " +
            "of a training institution. Only temporal and institutional hold-outs are external validation."),
        ("Pooled estimate", "random-effects meta-analysis of the external sites' estimates on the metric's pooling scale (logit AUROC, ln O/E, the " +
            "calibration slope as it is), τ² by REML, with the Hartung-Knapp-Sidik-Jonkman interval; the prediction interval (Riley et al. 2011, " +
            "t with k−2 degrees of freedom) is where a new site's true value is expected to fall."),
        ("Calibration curve", "the loess smooth of outcomes on predicted risk (span 0.75, local quadratic), as in Austin & Steyerberg (2019); ICI, E50, " +
            "E90 and Emax summarise its distance from the diagonal. Its band is pointwise: fit ± z·SE, where the fit is a weighted sum Σ a_j ȳ_j of " +
            "the outcomes and SE² = Σ a_j² π̂_j(1 − π̂_j)/w_j, with π̂_j the curve at node j (binomial variance; the smoothing bias is ignored)."),
        ("Temperature scaling", "the graph divides the logits by T before the softmax (Guo et al. 2017); T is fitted on the out-of-fold predictions."),
        ("Net benefit", "Vickers & Elkin (2006): TP/n − FP/n · pt/(1 − pt) at threshold probability pt."),
        ("Dataset shift", "SMD (Austin 2009), PSI over training deciles with a missing bin, binned KS, and the single-feature membership AUROC " +
            "(Debray et al. 2015)."),
    ];
}
