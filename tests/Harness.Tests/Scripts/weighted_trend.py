"""A trend across periods computed independently of Harness (statsmodels), for WeightedTrendTests.cs
and PeriodValidationTests.cs.

    weighted_trend.py LEVEL T1,T2,... Y1,Y2,... V1,V2,...

fits y = a + b t by weighted least squares with weights 1/v and the scale fixed at 1 (the
variances taken as known: a fixed-effect meta-regression), as
    statsmodels.api.WLS(y, add_constant(t), weights=1/v).fit(cov_type="fixed scale")
and prints one JSON object: k, slope, se, z, p (two-sided, normal), ci_lower, ci_upper (at LEVEL),
residual_q (the fit's ssr: sum of w (y - fitted)^2), and the same slope, se and q by numpy's
closed form (weighted centring) as closed_slope, closed_se, closed_q, a second route to the same numbers.
Exit code 0: printed; 2: bad usage.
"""
import json
import sys

import numpy as np
import statsmodels.api as sm


def main() -> int:
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    level = float(sys.argv[1])
    t, y, v = (np.array([float(x) for x in a.split(",")]) for a in sys.argv[2:5])
    if not (len(t) == len(y) == len(v) >= 3) or np.any(v <= 0):
        print("need at least 3 times, estimates and positive variances of equal length", file=sys.stderr)
        return 2
    fit = sm.WLS(y, sm.add_constant(t), weights=1 / v).fit(cov_type="fixed scale")
    lower, upper = fit.conf_int(alpha=1 - level)[1]
    w = 1 / v
    tbar, ybar = np.sum(w * t) / np.sum(w), np.sum(w * y) / np.sum(w)
    stt = np.sum(w * (t - tbar) ** 2)
    b = np.sum(w * (t - tbar) * (y - ybar)) / stt
    print(json.dumps({
        "k": len(t),
        "slope": fit.params[1], "se": fit.bse[1], "z": fit.tvalues[1], "p": fit.pvalues[1],
        "ci_lower": lower, "ci_upper": upper, "residual_q": fit.ssr,
        "closed_slope": b, "closed_se": 1 / np.sqrt(stt),
        "closed_q": np.sum(w * (y - ybar - b * (t - tbar)) ** 2),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
