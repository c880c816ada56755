namespace Harness.Core.Statistics;

/// <summary>
/// Student's t distribution with a whole number of degrees of freedom (meta-analysis needs k - 1
/// and k - 2): <see cref="Cdf"/> and its inverse <see cref="Quantile"/>. NaN in, NaN out.
/// </summary>
public static class StudentT
{
    /// <summary>
    /// P(T &lt;= t) = 1/2 + sign(t) A(|t|)/2, where A(t) = P(|T| &lt;= t) is the finite series of
    /// Abramowitz &amp; Stegun 26.7.3-26.7.4 (exact for whole degrees of freedom ν), with
    /// θ = atan(t/√ν) and c = cos²θ: for odd ν, A = (2/π)(θ + sinθ cosθ (1 + (2/3) c + (2·4)/(3·5) c² + ...
    /// + (2·4···(ν-3))/(3·5···(ν-2)) c^((ν-3)/2))), the bracket absent for ν = 1; for even ν,
    /// A = sinθ (1 + (1/2) c + (1·3)/(2·4) c² + ... + (1·3···(ν-3))/(2·4···(ν-2)) c^((ν-2)/2)).
    /// Accurate to a few units of 1e-16 absolutely (not relatively, far in the tails).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">degreesOfFreedom is below 1.</exception>
    public static double Cdf(double t, int degreesOfFreedom)
    {
        CheckDegrees(degreesOfFreedom);
        if (double.IsNaN(t)) return double.NaN;
        double a = TwoSided(Math.Abs(t), degreesOfFreedom);
        return t < 0 ? 0.5 - a / 2 : 0.5 + a / 2;
    }

    /// <summary>
    /// The inverse of <see cref="Cdf"/>: t with P(T &lt;= t) = p; -infinity at 0, +infinity at 1, NaN
    /// outside [0, 1]. Bisection of A(t) = |2p - 1| (A is increasing) down to adjacent doubles,
    /// after doubling an upper bound from 1: about 1e-15 relative for p in [0.001, 0.999] (the
    /// closed forms tan(π(p - 1/2)) for ν = 1 and (2p - 1)/√(2p(1 - p)) for ν = 2 agree to 1e-13);
    /// further out, the rounding of 2p - 1 limits it (3.5e-11 relative at p = 1e-6, ν = 1).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">degreesOfFreedom is below 1.</exception>
    public static double Quantile(double p, int degreesOfFreedom)
    {
        CheckDegrees(degreesOfFreedom);
        if (double.IsNaN(p) || p < 0 || p > 1) return double.NaN;
        if (p == 0) return double.NegativeInfinity;
        if (p == 1) return double.PositiveInfinity;
        if (p == 0.5) return 0.0;

        double target = Math.Abs(2 * p - 1);
        double lower = 0, upper = 1;
        while (TwoSided(upper, degreesOfFreedom) < target && upper < double.MaxValue / 4)
        {
            lower = upper;
            upper *= 2;
        }
        for (int i = 0; i < 2100; i++)
        {
            double middle = lower + (upper - lower) / 2;
            if (middle <= lower || middle >= upper) break; // adjacent doubles
            if (TwoSided(middle, degreesOfFreedom) < target) lower = middle;
            else upper = middle;
        }
        double t = lower + (upper - lower) / 2;
        return p < 0.5 ? -t : t;
    }

    /// <summary>A(t) = P(|T| &lt;= t) for t &gt;= 0 (A&amp;S 26.7.3-26.7.4).</summary>
    private static double TwoSided(double t, int nu)
    {
        if (double.IsPositiveInfinity(t)) return 1.0;
        double theta = Math.Atan(t / Math.Sqrt(nu));
        double sin = Math.Sin(theta), cos = Math.Cos(theta), c = cos * cos;
        double term = 1, sum = 1;
        if (nu % 2 == 1)
        {
            if (nu == 1) return 2 * theta / Math.PI;
            for (int j = 1; j <= (nu - 3) / 2; j++)
            {
                term *= c * (2.0 * j) / (2.0 * j + 1);
                sum += term;
            }
            return Math.Min(1.0, 2 / Math.PI * (theta + sin * cos * sum));
        }
        for (int j = 1; j <= (nu - 2) / 2; j++)
        {
            term *= c * (2.0 * j - 1) / (2.0 * j);
            sum += term;
        }
        return Math.Min(1.0, sin * sum);
    }

    private static void CheckDegrees(int degreesOfFreedom)
    {
        if (degreesOfFreedom < 1)
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Student's t needs at least 1 degree of freedom.");
    }
}
