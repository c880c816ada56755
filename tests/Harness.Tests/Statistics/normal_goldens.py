"""Goldens for NormalDistributionTests.cs: scipy.stats.norm.ppf and .cdf (and .sf for the far
upper tail), printed as C# rows. Run: /usr/bin/python3 normal_goldens.py (Debian python3-scipy)."""
import scipy
from scipy.stats import norm

print(f"// scipy {scipy.__version__}")
ps = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.025, 0.05, 0.1, 0.3, 0.075, 0.5,
      0.6, 0.9, 0.925, 0.95, 0.975, 0.99, 0.999, 1 - 1e-10]
print("// Quantile")
for p in ps:
    print(f"[InlineData({p!r}, {norm.ppf(p)!r})]")
xs = [-37.5, -20.0, -10.0, -5.0, -3.0, -2.0001, -2.0, -1.9999, -1.0, -0.5, -1e-8, 0.0, 0.3,
      1.0, 1.959963984540054, 2.5, 3.0, 6.0, 8.0]
print("// Cdf")
for x in xs:
    print(f"[InlineData({x!r}, {norm.cdf(x)!r})]")
print("// Upper tail 1 - Cdf(x) = Cdf(-x)")
for x in [2.5, 5.0, 10.0, 30.0]:
    print(f"[InlineData({x!r}, {norm.sf(x)!r})]")
print("// Density")
for x in [0.0, -1.0, 2.5, -5.0, 10.0]:
    print(f"// {x!r}: {norm.pdf(x)!r}")
