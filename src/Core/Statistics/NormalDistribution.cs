namespace Harness.Core.Statistics;

/// <summary>
/// The standard normal distribution in double precision: <see cref="Cdf"/> and its inverse
/// <see cref="Quantile"/>. Both follow Math's convention for bad input: NaN in, NaN out.
/// </summary>
public static class NormalDistribution
{
    private const double InvSqrt2Pi = 0.398942280401432677939946059934; // 1 / sqrt(2 pi)

    /// <summary>
    /// P(Z &lt;= x), accurate to a few units in the last place in both tails: the Taylor series
    /// Phi(x) = 1/2 + phi(x) (x + x^3/3 + x^5/(3*5) + ...) (no cancellation for |x| &lt;= 2), and
    /// beyond that the tail Q(t) = phi(t) / (t + 1/(t + 2/(t + 3/(t + ...)))) (Laplace's continued
    /// fraction, evaluated by the modified Lentz method), with phi(t) evaluated without the
    /// rounding error of squaring a large t.
    /// </summary>
    public static double Cdf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double t = Math.Abs(x);
        if (t <= 2.0) return 0.5 + Density(x) * OddSeries(x);
        double tail = UpperTail(t);
        return x < 0 ? tail : 1.0 - tail;
    }

    /// <summary>The density phi(x) = exp(-x^2/2) / sqrt(2 pi).</summary>
    public static double Density(double x)
    {
        // x = h + l with h holding x's leading 16 bits, so h^2 is exact and exp(-x^2/2) =
        // exp(-h^2/2) exp(-(x - h)(x + h)/2) loses nothing to the rounding of x^2 (matters for |x| > 5).
        double t = Math.Abs(x);
        if (t > 40) return 0.0;
        double h = Math.Truncate(t * 1024.0) / 1024.0;
        return InvSqrt2Pi * Math.Exp(-0.5 * h * h) * Math.Exp(-0.5 * (t - h) * (t + h));
    }

    /// <summary>x + x^3/3 + x^5/(3*5) + ..., all terms of one sign; fine for |x| &lt;= 2 (about 40 terms).</summary>
    private static double OddSeries(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int k = 3; k < 200; k += 2)
        {
            term *= x2 / k;
            double next = sum + term;
            if (next == sum) break;
            sum = next;
        }
        return sum;
    }

    /// <summary>Q(t) = 1 - Phi(t) for t &gt; 2 by Laplace's continued fraction t + 1/(t + 2/(t + ...)).</summary>
    private static double UpperTail(double t)
    {
        if (t > 40) return 0.0; // Q(40) < 1e-349: below the smallest subnormal
        // Modified Lentz for b0 + a1/(b1 + a2/(b2 + ...)) with b_k = t and a_k = k.
        const double Tiny = 1e-300;
        double f = t, c = t, d = 0.0;
        for (int k = 1; k < 500; k++)
        {
            d = t + k * d;
            if (d == 0) d = Tiny;
            c = t + k / c;
            if (c == 0) c = Tiny;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1.0) < 1e-16) break;
        }
        return Density(t) / f;
    }

    /// <summary>
    /// The inverse of <see cref="Cdf"/>: z with Phi(z) = p; -infinity at 0, +infinity at 1, NaN
    /// outside [0, 1]. Wichura's algorithm AS 241 (PPND16; Applied Statistics 37(3):477-484, 1988):
    /// rational approximations of degree 7 in q^2 for |p - 1/2| &lt;= 0.425, and in
    /// r = sqrt(-ln min(p, 1 - p)) beyond, with relative error about 1e-16.
    /// </summary>
    public static double Quantile(double p)
    {
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;

        double q = p - 0.5;
        if (Math.Abs(q) <= 0.425)
        {
            double s = 0.180625 - q * q;
            return q * Central(s);
        }

        double r = Math.Sqrt(-Math.Log(q < 0 ? p : 1.0 - p));
        double z = r <= 5.0 ? Intermediate(r - 1.6) : Far(r - 5.0);
        return q < 0 ? -z : z;
    }

    // AS 241 coefficients, |q| <= 0.425, in s = 0.425^2 - q^2.
    private static double Central(double s) =>
        (((((((2.5090809287301226727e3 * s + 3.3430575583588128105e4) * s + 6.7265770927008700853e4) * s
              + 4.5921953931549871457e4) * s + 1.3731693765509461125e4) * s + 1.9715909503065514427e3) * s
              + 1.3314166789178437745e2) * s + 3.3871328727963666080e0)
        / (((((((5.2264952788528545610e3 * s + 2.8729085735721942674e4) * s + 3.9307895800092710610e4) * s
              + 2.1213794301586595867e4) * s + 5.3941960214247511077e3) * s + 6.8718700749205790830e2) * s
              + 4.2313330701600911252e1) * s + 1.0);

    // AS 241 coefficients, r in (1.6, 5], in s = r - 1.6.
    private static double Intermediate(double s) =>
        (((((((7.74545014278341407640e-4 * s + 2.27238449892691845833e-2) * s + 2.41780725177450611770e-1) * s
              + 1.27045825245236838258e0) * s + 3.64784832476320460504e0) * s + 5.76949722146069140550e0) * s
              + 4.63033784615654529590e0) * s + 1.42343711074968357734e0)
        / (((((((1.05075007164441684324e-9 * s + 5.47593808499534494600e-4) * s + 1.51986665636164571966e-2) * s
              + 1.48103976427480074590e-1) * s + 6.89767334985100004550e-1) * s + 1.67638483018380384940e0) * s
              + 2.05319162663775882187e0) * s + 1.0);

    // AS 241 coefficients, r > 5, in s = r - 5.
    private static double Far(double s) =>
        (((((((2.01033439929228813265e-7 * s + 2.71155556874348757815e-5) * s + 1.24266094738807843860e-3) * s
              + 2.65321895265761230930e-2) * s + 2.96560571828504891230e-1) * s + 1.78482653991729133580e0) * s
              + 5.46378491116411436990e0) * s + 6.65790464350110377720e0)
        / (((((((2.04426310338993978564e-15 * s + 1.42151175831644588870e-7) * s + 1.84631831751005468180e-5) * s
              + 7.86869131145613259100e-4) * s + 1.48753612908506148525e-2) * s + 1.36929880922735805310e-1) * s
              + 5.99832206555887937690e-1) * s + 1.0);
}
