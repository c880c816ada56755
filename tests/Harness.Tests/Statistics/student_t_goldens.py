"""Goldens for StudentTTests.cs: Student's t quantiles and CDF for whole degrees of freedom,
printed as C# rows. Run: /usr/bin/python3 student_t_goldens.py (Debian python3-scipy).

scipy.stats.t.cdf/sf are accurate to about 1e-16, but t.ppf (cdflib's stdtrit) is not: it is
off by up to 2e-9 relative (t.ppf(0.75, 3) = 0.764892328080891, where t.cdf gives 0.75 only at
0.764892328404345). So the quantiles here are roots of t.sf(x) = 1 - p (t.cdf(x) = p below 1/2)
found by brentq to 1e-15 relative; scipy's ppf is printed beside each as a comment."""
import scipy
from scipy import optimize
from scipy.stats import t


def quantile(p, df):
    if p < 0.5:
        return -quantile(1 - p, df)
    upper = 1.0
    while t.sf(upper, df) > 1 - p:
        upper *= 2
    return optimize.brentq(lambda x: t.sf(x, df) - (1 - p), 0.0, upper, xtol=1e-300, rtol=1e-15, maxiter=500)


print(f"// scipy {scipy.__version__}")
print("// Quantile")
cases = [(p, df) for df in [1, 2, 3, 4, 5, 7, 10, 12, 30, 101] for p in [0.975, 0.995, 0.75]]
cases += [(0.025, 1), (0.025, 2), (0.0005, 3), (0.6, 9), (0.9995, 1)]
for p, df in cases:
    print(f"[InlineData({p!r}, {df}, {quantile(p, df)!r})] // t.ppf: {t.ppf(p, df)!r}")
print("// Cdf")
for x, df in [(-3.0, 1), (0.5, 1), (2.0, 2), (-1.5, 3), (2.2, 4), (12.0, 5), (0.1, 6), (-2.5, 11), (1.96, 40)]:
    print(f"[InlineData({x!r}, {df}, {t.cdf(x, df)!r})]")
