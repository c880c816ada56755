namespace Harness.Core.Statistics;

/// <summary>
/// One-predictor local quadratic regression with R's semantics: <see cref="Fit"/> returns what
/// <c>predict(loess(y ~ x, span = span, degree = 2, family = "gaussian", surface = "direct"), newdata)</c>
/// returns on the same data (Cleveland, Grosse &amp; Shyu 1992; R's <c>stats/src/loessf.f</c>, <c>ehg127</c>).
/// <para>
/// At a query x0, with N the number of rows (frequency weights counted), the neighbourhood size is
/// q = min(N, floor(N * span + 1e-5)) (<c>loess_workspace</c> in <c>loessc.c</c>) and the radius h is the
/// distance from x0 to its q-th nearest row (for span &gt; 1, that distance times sqrt(span): R multiplies
/// the squared radius by span). There is no enlargement of h: rows at distance h, and so every row beyond
/// the q nearest, get weight 0, which is why ties at the boundary do not matter. Row i gets the tricube
/// weight (1 - (|x_i - x0| / h)^3)^3 and the fitted value is the intercept of the weighted least-squares
/// quadratic in (x - x0). This code solves the 3 x 3 normal equations in u = (x - x0) / h with equilibrated
/// columns, in O(window) per query: the data are sorted, so the neighbourhood is a contiguous run of rows.
/// </para>
/// <para>Degenerate neighbourhoods, where R warns and this code chooses:</para>
/// <list type="bullet">
/// <item>Fewer than three distinct x among the rows of positive weight: the quadratic is not identified.
/// R warns "pseudoinverse used" and returns the minimum-norm solution in equilibrated coordinates; here the
/// degree is lowered to what the rows support (a weighted line through two x values, or the weighted mean
/// of y at one). Where x0 is one of those x values the two agree exactly (both give the weighted mean of y
/// at x0), which covers every fit at an observed x; between data values R's minimum-norm quadratic has no
/// statistical meaning (it can return half the interpolated value) and the answers differ.</item>
/// <item>h = 0 (at least q rows sit at x0): R warns "zero-width neighborhood" and returns NaN-derived
/// values; here the fit is the weighted mean of y over the rows at x0.</item>
/// <item>Every one of the q nearest rows lies at distance exactly h: R warns "all data on boundary of
/// neighborhood" and returns 0; here the boundary rows get equal weight (the limit as the radius grows
/// past h), so the fit is the line through the weighted means of y on either side, or the one mean.</item>
/// <item>q &lt; 3: R reads outside its neighbourhood matrix (after warning "span too small"); this code
/// throws. With q = 3 (N = 4 or 5 at span 0.75) the farthest row has weight 0, so R takes the
/// pseudo-inverse and this code the lowered-degree fit above.</item>
/// </list>
/// </summary>
public static class Loess
{
    public const double DefaultSpan = 0.75;

    /// <summary>
    /// Fits the local quadratic at each query. <paramref name="x"/> must be sorted ascending (checked);
    /// <paramref name="w"/> are frequency weights (non-negative whole numbers): a row with weight k counts
    /// as k identical rows, toward q as well as toward the fit, and a row with weight 0 is absent. The
    /// result equals R's loess on the data with each row repeated w times. Queries may be in any order and
    /// outside the data (the local quadratic is then extrapolated, as R's direct surface does); a NaN query
    /// gives NaN.
    /// </summary>
    public static double[] Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w,
        ReadOnlySpan<double> queries, double span = DefaultSpan)
    {
        if (y.Length != x.Length || w.Length != x.Length)
            throw new ArgumentException($"x, y and w must have the same length (got {x.Length}, {y.Length}, {w.Length}).");
        if (!(span > 0) || double.IsInfinity(span))
            throw new ArgumentOutOfRangeException(nameof(span), span, "The span must be positive and finite.");
        var data = new Neighbourhoods(x, y, w, span);
        var fitted = new double[queries.Length];
        for (int i = 0; i < queries.Length; i++) fitted[i] = data.FitAt(queries[i]);
        return fitted;
    }

    /// <summary>
    /// <see cref="Fit"/> and the variance of each fitted value. The fit is linear in the rows' y:
    /// fit(x0) = sum_j a_j(x0) y_j, with a_j(x0) = k_j e1' (X'KX)^-1 (1, u_j, u_j^2)' for the local quadratic
    /// (k_j the tricube weight times w_j, u_j = (x_j - x0) / h), and the corresponding weights of the
    /// lowered-degree fits where those are used (a weighted line, a weighted mean, the mean of the two
    /// boundary means). Row j's y is taken as the mean of w_j independent outcomes of variance
    /// <paramref name="unitVariance"/>[j] each, so Var(fit(x0)) = sum_j a_j(x0)^2 unitVariance_j / w_j
    /// (neighbourhoods and smoother weights held fixed). The fitted values are the same as <see cref="Fit"/>'s, bit for bit.
    /// </summary>
    public static (double[] Fit, double[] Variance) FitWithVariance(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w,
        ReadOnlySpan<double> queries, ReadOnlySpan<double> unitVariance, double span = DefaultSpan)
    {
        if (y.Length != x.Length || w.Length != x.Length || unitVariance.Length != x.Length)
            throw new ArgumentException($"x, y, w and unitVariance must have the same length (got {x.Length}, {y.Length}, {w.Length}, {unitVariance.Length}).");
        if (!(span > 0) || double.IsInfinity(span))
            throw new ArgumentOutOfRangeException(nameof(span), span, "The span must be positive and finite.");
        foreach (double v in unitVariance)
            if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException($"Variances must be non-negative and finite (got {v}).", nameof(unitVariance));
        var data = new Neighbourhoods(x, y, w, span);
        double[] uv = unitVariance.ToArray();
        var fitted = new double[queries.Length];
        var variance = new double[queries.Length];
        for (int i = 0; i < queries.Length; i++) fitted[i] = data.Evaluate(queries[i], uv, out variance[i]);
        return (fitted, variance);
    }

    /// <summary>The sorted rows, their cumulative weights and the neighbourhood size q.</summary>
    private sealed class Neighbourhoods
    {
        /// <summary>Below this tricube weight a row does not count as a distinct x for identifiability
        /// (R's singular-value cut-off, 100 machine epsilons relative, drops such rows' direction too).</summary>
        private const double NegligibleKernel = 1e-12;

        private readonly double[] _x, _y, _w;
        /// <summary>_cumulative[i] = total weight of rows before i; length n + 1.</summary>
        private readonly double[] _cumulative;
        private readonly double _total, _q, _spanFactor;

        public Neighbourhoods(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> w, double span)
        {
            _x = x.ToArray(); _y = y.ToArray(); _w = w.ToArray();
            _cumulative = new double[x.Length + 1];
            double total = 0;
            for (int i = 0; i < x.Length; i++)
            {
                if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                    throw new ArgumentException($"Row {i} has a non-finite x or y.");
                if (i > 0 && x[i] < x[i - 1])
                    throw new ArgumentException($"x must be sorted ascending (x[{i - 1}] = {x[i - 1]} > x[{i}] = {x[i]}).", nameof(x));
                if (!(w[i] >= 0) || w[i] != Math.Floor(w[i]) || double.IsInfinity(w[i]))
                    throw new ArgumentException($"Frequency weights must be non-negative whole numbers (w[{i}] = {w[i]}).", nameof(w));
                total += w[i];
                _cumulative[i + 1] = total;
            }
            if (total <= 0) throw new ArgumentException("No rows with positive weight.", nameof(w));
            _total = total;
            // R: nf = min(N, floor(N * span + 1e-5)) (loess_workspace, loessc.c).
            _q = Math.Min(total, Math.Floor(total * span + 1e-5));
            if (_q < 3)
                throw new ArgumentOutOfRangeException(nameof(span), span,
                    $"The span is too small: {total} rows give a neighbourhood of {_q} (a local quadratic needs at least 3).");
            // R: rho = (q-th smallest squared distance) * max(1, span) (ehg127).
            _spanFactor = Math.Sqrt(Math.Max(1.0, span));
        }

        public double FitAt(double x0) => Evaluate(x0, null, out _);

        /// <summary>The fit at x0 and, with <paramref name="unitVariance"/>, its variance (see <see cref="FitWithVariance"/>; NaN without).</summary>
        public double Evaluate(double x0, double[]? unitVariance, out double variance)
        {
            variance = double.NaN;
            if (double.IsNaN(x0)) return double.NaN;
            double h = Radius(x0) * _spanFactor;
            if (h == 0)
            {
                if (unitVariance is not null) variance = MeanVarianceAt(x0, unitVariance);
                return MeanAt(x0);
            }

            // The rows with |x - x0| < h: a contiguous run, found with the same subtraction as the weights use.
            int lo = FirstWithin(_x, x0, h);
            int hi = FirstBeyond(_x, x0, h) - 1;
            double invH = 1.0 / h;
            var (s0, s1, s2, s3, s4, t0, t1, t2) = Moments(_x, _y, _w, lo, hi, x0, invH);
            if (s0 == 0) return BoundaryFit(x0, h, unitVariance, out variance);

            int distinct = DistinctSupported(lo, hi, x0, invH);
            if (distinct >= 3 && Solve3(s0, s1, s2, s3, s4, t0, t1, t2) is double quadratic)
            {
                if (unitVariance is not null)
                    variance = SmootherVariance(lo, hi, x0, invH, InterceptWeights3(s0, s1, s2, s3, s4)!.Value, unitVariance);
                return quadratic;
            }
            if (distinct >= 2 && Solve2(s0, s1, s2, t0, t1) is double linear)
            {
                if (unitVariance is not null)
                {
                    var (c0, c1) = InterceptWeights2(s0, s1, s2)!.Value;
                    variance = SmootherVariance(lo, hi, x0, invH, (c0, c1, 0), unitVariance);
                }
                return linear;
            }
            if (unitVariance is not null) variance = SmootherVariance(lo, hi, x0, invH, (1 / s0, 0, 0), unitVariance);
            return t0 / s0;
        }

        /// <summary>
        /// sum_j a_j^2 v_j / w_j over rows lo..hi, where a_j = k_j (c0 + c1 u_j + c2 u_j^2), k_j = w_j (1 - |u_j|^3)^3 for
        /// |u_j| &lt; 1: computed as sum_j w_j v_j ((1 - |u_j|^3)^3 (c0 + c1 u_j + c2 u_j^2))^2, so rows of weight 0 add 0.
        /// </summary>
        private double SmootherVariance(int lo, int hi, double x0, double invH, (double C0, double C1, double C2) c, double[] unitVariance)
        {
            double variance = 0;
            for (int i = lo; i <= hi; i++)
            {
                double u = (_x[i] - x0) * invH;
                double a = u < 0 ? -u : u;
                if (a >= 1) continue;
                double t = 1 - a * a * a;
                double weight = t * t * t * (c.C0 + u * (c.C1 + u * c.C2));
                variance += _w[i] * unitVariance[i] * weight * weight;
            }
            return variance;
        }

        /// <summary>
        /// The kernel-weighted moments s_k = sum k u^k (k = 0..4) and t_k = sum k u^k y (k = 0..2), with
        /// u = (x - x0) / h and k = w (1 - |u|^3)^3 for |u| &lt; 1, over rows lo..hi. The hot loop; it indexes
        /// arrays rather than spans because unoptimised (Debug) code calls the span indexer on every access.
        /// </summary>
        private static (double, double, double, double, double, double, double, double) Moments(
            double[] x, double[] y, double[] w, int lo, int hi, double x0, double invH)
        {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, t0 = 0, t1 = 0, t2 = 0;
            for (int i = lo; i <= hi; i++)
            {
                double u = (x[i] - x0) * invH;
                double a = u < 0 ? -u : u;
                if (a >= 1) continue;
                double c = 1 - a * a * a;
                double k = c * c * c * w[i];
                double ku = k * u, ku2 = ku * u, yi = y[i];
                s0 += k; s1 += ku; s2 += ku2; s3 += ku2 * u; s4 += ku2 * u * u;
                t0 += k * yi; t1 += ku * yi; t2 += ku2 * yi;
            }
            return (s0, s1, s2, s3, s4, t0, t1, t2);
        }

        /// <summary>Distance from x0 to its q-th nearest row, counting rows with multiplicity.</summary>
        private double Radius(double x0)
        {
            // Windows of q consecutive units (a row of weight k is k units) starting at unit s, 0 &lt;= s &lt;= N - q.
            // Left reach x0 - x(s) falls with s and right reach x(s + q - 1) - x0 rises; the q-th nearest distance
            // is the smallest max(left, right), found where right first reaches left.
            long q = (long)_q, last = (long)_total - q;
            long a = 0, b = last + 1;
            while (a < b)
            {
                long s = a + (b - a) / 2;
                if (UnitX(s + q - 1) - x0 >= x0 - UnitX(s)) b = s; else a = s + 1;
            }
            double best = double.PositiveInfinity;
            for (long s = Math.Max(0, a - 1); s <= Math.Min(last, a); s++)
                best = Math.Min(best, Math.Max(Math.Abs(x0 - UnitX(s)), Math.Abs(UnitX(s + q - 1) - x0)));
            return best;
        }

        /// <summary>x of the row holding unit <paramref name="unit"/> (0-based) of the expanded data.</summary>
        private double UnitX(long unit)
        {
            // Largest row i with _cumulative[i] <= unit; rows of weight 0 are never chosen.
            int a = 0, b = _x.Length - 1;
            while (a < b)
            {
                int m = a + (b - a + 1) / 2;
                if (_cumulative[m] <= unit) a = m; else b = m - 1;
            }
            return _x[a];
        }

        /// <summary>First row with x0 - x &lt; h, or n.</summary>
        private static int FirstWithin(ReadOnlySpan<double> x, double x0, double h)
        {
            int a = 0, b = x.Length;
            while (a < b)
            {
                int m = a + (b - a) / 2;
                if (x0 - x[m] < h) b = m; else a = m + 1;
            }
            return a;
        }

        /// <summary>First row with x &gt;= value, or n.</summary>
        private static int FirstAtLeast(ReadOnlySpan<double> x, double value)
        {
            int a = 0, b = x.Length;
            while (a < b)
            {
                int m = a + (b - a) / 2;
                if (x[m] >= value) b = m; else a = m + 1;
            }
            return a;
        }

        /// <summary>First row with x - x0 &gt;= h, or n.</summary>
        private static int FirstBeyond(ReadOnlySpan<double> x, double x0, double h)
        {
            int a = 0, b = x.Length;
            while (a < b)
            {
                int m = a + (b - a) / 2;
                if (x[m] - x0 >= h) b = m; else a = m + 1;
            }
            return a;
        }

        /// <summary>How many distinct x (up to 3) carry non-negligible weight in rows lo..hi.</summary>
        private int DistinctSupported(int lo, int hi, double x0, double invH)
        {
            int count = 0;
            double previous = double.NaN;
            for (int i = lo; i <= hi && count < 3; i++)
            {
                if (_w[i] == 0 || _x[i] == previous) continue;
                double a = Math.Abs((_x[i] - x0) * invH);
                if (a >= 1) continue;
                double c = 1 - a * a * a;
                if (c * c * c < NegligibleKernel) continue;
                count++;
                previous = _x[i];
            }
            return count;
        }

        /// <summary>Variance of <see cref="MeanAt"/>: sum_j w_j^2 (v_j / w_j) / (sum_j w_j)^2 over the rows at <paramref name="value"/>.</summary>
        private double MeanVarianceAt(double value, double[] unitVariance)
        {
            double sw = 0, swv = 0;
            for (int i = FirstAtLeast(_x, value); i < _x.Length && _x[i] == value; i++)
            {
                sw += _w[i];
                swv += _w[i] * unitVariance[i];
            }
            return swv / (sw * sw);
        }

        /// <summary>Weighted mean of y over the rows whose x equals <paramref name="value"/>.</summary>
        private double MeanAt(double value)
        {
            double sw = 0, swy = 0;
            for (int i = FirstAtLeast(_x, value); i < _x.Length && _x[i] == value; i++)
            {
                sw += _w[i];
                swy += _w[i] * _y[i];
            }
            return swy / sw;
        }

        /// <summary>
        /// Every neighbour sits at distance exactly h: give the boundary rows equal weight (the limit as the
        /// radius grows past h). They hold at most two x values, x0 - h and x0 + h, so the fit is the line
        /// through their weighted means, evaluated at the midpoint x0, or the one mean.
        /// </summary>
        private double BoundaryFit(double x0, double h, double[]? unitVariance, out double variance)
        {
            variance = double.NaN;
            int above = FirstAtLeast(_x, x0);
            while (above < _x.Length && (_w[above] == 0 || _x[above] == x0)) above++;
            int below = FirstAtLeast(_x, x0) - 1;
            while (below >= 0 && _w[below] == 0) below--;
            bool useAbove = above < _x.Length && _x[above] - x0 <= h;
            bool useBelow = below >= 0 && x0 - _x[below] <= h;
            if (useAbove && useBelow)
            {
                if (unitVariance is not null) variance = (MeanVarianceAt(_x[below], unitVariance) + MeanVarianceAt(_x[above], unitVariance)) / 4;
                return (MeanAt(_x[below]) + MeanAt(_x[above])) / 2;
            }
            double at = useAbove ? _x[above] : _x[below];
            if (unitVariance is not null) variance = MeanVarianceAt(at, unitVariance);
            return MeanAt(at);
        }
    }

    /// <summary>
    /// Intercept of the weighted quadratic from its normal equations (moments s_k = sum k u^k, t_k = sum k u^k y),
    /// solved by Cholesky after scaling the columns to unit norm; null when a pivot vanishes.
    /// </summary>
    internal static double? Solve3(double s0, double s1, double s2, double s3, double s4, double t0, double t1, double t2) =>
        InterceptWeights3(s0, s1, s2, s3, s4) is var (c0, c1, c2) ? c0 * t0 + c1 * t1 + c2 * t2 : null;

    /// <summary>
    /// The intercept's smoother coefficients c = M^-1 e1 of the quadratic's normal equations M b = t (moments
    /// as in <see cref="Solve3"/>), by Cholesky of the equilibrated (unit-diagonal) Gram matrix, so that the
    /// intercept is c0 t0 + c1 t1 + c2 t2; null when a pivot vanishes.
    /// </summary>
    internal static (double C0, double C1, double C2)? InterceptWeights3(double s0, double s1, double s2, double s3, double s4)
    {
        double d0 = Math.Sqrt(s0), d1 = Math.Sqrt(s2), d2 = Math.Sqrt(s4);
        if (d1 == 0 || d2 == 0) return null;
        double g01 = s1 / (d0 * d1), g02 = s2 / (d0 * d2), g12 = s3 / (d1 * d2);
        double l10 = g01, l20 = g02;
        double p11 = 1 - l10 * l10;
        if (!(p11 > PivotFloor)) return null;
        double l11 = Math.Sqrt(p11);
        double l21 = (g12 - l20 * l10) / l11;
        double p22 = 1 - l20 * l20 - l21 * l21;
        if (!(p22 > PivotFloor)) return null;
        double l22 = Math.Sqrt(p22);
        // G z = D^-1 e1 = (1/d0, 0, 0), then c = D^-1 z.
        double z0 = 1 / d0, z1 = -l10 * z0 / l11, z2 = (-l20 * z0 - l21 * z1) / l22;
        double b2 = z2 / l22, b1 = (z1 - l21 * b2) / l11, b0 = z0 - l10 * b1 - l20 * b2;
        return (b0 / d0, b1 / d1, b2 / d2);
    }

    /// <summary>The intercept's smoother coefficients of the weighted line (see <see cref="Solve2"/>); null where Solve2 is.</summary>
    internal static (double C0, double C1)? InterceptWeights2(double s0, double s1, double s2)
    {
        double d0 = Math.Sqrt(s0), d1 = Math.Sqrt(s2);
        if (d0 == 0 || d1 == 0) return null;
        double g = s1 / (d0 * d1);
        double det = 1 - g * g;
        if (!(det > PivotFloor)) return null;
        return (1 / (s0 * det), -g / (d0 * d1 * det));
    }

    /// <summary>Intercept of the weighted line from its normal equations; null when singular.</summary>
    internal static double? Solve2(double s0, double s1, double s2, double t0, double t1)
    {
        double d0 = Math.Sqrt(s0), d1 = Math.Sqrt(s2);
        if (d0 == 0 || d1 == 0) return null;
        double g = s1 / (d0 * d1), r0 = t0 / d0, r1 = t1 / d1;
        double det = 1 - g * g;
        if (!(det > PivotFloor)) return null;
        return (r0 - g * r1) / det / d0;
    }

    /// <summary>Smallest Cholesky pivot of the equilibrated Gram matrix accepted as non-singular
    /// (a reciprocal condition number of about 1e-12 for the Gram, 1e-6 for the design).</summary>
    private const double PivotFloor = 1e-12;
}
