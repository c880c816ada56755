"""Random-effects meta-analysis computed independently of Harness (numpy and scipy only), for
RandomEffectsMetaAnalysisTests.cs.

    meta_analysis.py LEVEL Y1,Y2,... V1,V2,...   one analysis: estimates and within-study variances
    meta_analysis.py --bcg                       the worked example (BCG trials, log risk ratios)

prints one JSON object: k, tau2, mu, se (HKSJ), ci_lower, ci_upper, pi_lower, pi_upper, i2
(a share, not a percentage), and for --bcg also y and v.

Method (as metamisc's valmeta with metafor's rma(method="REML", test="knha")), but reached
another way than Harness's Fisher scoring: tau^2 maximises the restricted log-likelihood
    l_R(tau2) = -1/2 [sum log(v_i + tau2) + log sum w_i + sum w_i (y_i - mu(tau2))^2],
    w_i = 1/(v_i + tau2), mu(tau2) = sum w_i y_i / sum w_i,
directly, by scipy.optimize.minimize_scalar (bounded Brent, xatol 1e-13) over [0, upper];
tau2 = 0 when l_R(0) is at least as high. A maximum found from function values alone is good to
about sqrt(machine epsilon) relative (1e-8): the tests allow 1e-6.
HKSJ: q = sum w_i (y_i - mu)^2 / (k - 1), se = sqrt(q / sum w_i) (q not truncated),
CI mu -+ t(k-1) se; prediction interval mu -+ t(k-2) sqrt(tau2 + se^2) (t quantiles as roots of
scipy's t.sf, whose t.ppf is off by up to 2e-9 relative); I^2 = tau2 / (tau2 + s^2),
s^2 = (k-1) sum u / ((sum u)^2 - sum u^2), u_i = 1/v_i (Higgins & Thompson 2002, eq. 9).
Exit code 0: printed; 2: bad usage.
"""
import json
import sys

import numpy as np
from scipy import optimize, stats

# BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg): vaccinated TB cases, vaccinated
# without TB, control TB cases, control without TB.
BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg():
    """Log risk ratios and their large-sample variances (metafor's escalc(measure="RR"))."""
    a, b, c, d = (np.array(col, dtype=float) for col in zip(*BCG))
    y = np.log((a / (a + b)) / (c / (c + d)))
    v = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return y, v


def neg_restricted_loglik(tau2, y, v):
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    return 0.5 * (np.sum(np.log(v + tau2)) + np.log(np.sum(w)) + np.sum(w * (y - mu) ** 2))


def reml_tau2(y, v):
    upper = 100 * (np.var(y, ddof=1) + np.max(v))
    fit = optimize.minimize_scalar(neg_restricted_loglik, bounds=(0, upper), args=(y, v),
                                   method="bounded", options={"xatol": 1e-13, "maxiter": 10000})
    tau2 = fit.x
    assert tau2 < 0.99 * upper, "the maximum lies at the search bound"
    if neg_restricted_loglik(0.0, y, v) <= neg_restricted_loglik(tau2, y, v):
        tau2 = 0.0
    return float(tau2)


def t_quantile(p, df):
    """The t quantile as the root of scipy's t.sf (p > 1/2): scipy's t.ppf is off by up to 2e-9 relative."""
    upper = 1.0
    while stats.t.sf(upper, df) > 1 - p:
        upper *= 2
    return optimize.brentq(lambda x: stats.t.sf(x, df) - (1 - p), 0.0, upper, xtol=1e-300, rtol=1e-15, maxiter=500)


def analyse(y, v, level):
    y, v = np.asarray(y, dtype=float), np.asarray(v, dtype=float)
    k = len(y)
    tau2 = reml_tau2(y, v)
    w = 1 / (v + tau2)
    mu = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - mu) ** 2) / (k - 1)
    se = np.sqrt(q / np.sum(w))
    t_ci = t_quantile((1 + level) / 2, k - 1)
    t_pi = t_quantile((1 + level) / 2, k - 2)
    half_pi = t_pi * np.sqrt(tau2 + se ** 2)
    u = 1 / v
    typical = (k - 1) * np.sum(u) / (np.sum(u) ** 2 - np.sum(u ** 2))
    return {
        "k": k, "tau2": tau2, "mu": float(mu), "se": float(se),
        "ci_lower": float(mu - t_ci * se), "ci_upper": float(mu + t_ci * se),
        "pi_lower": float(mu - half_pi), "pi_upper": float(mu + half_pi),
        "i2": float(tau2 / (tau2 + typical)),
    }


def main(argv):
    if argv == ["--bcg"]:
        y, v = bcg()
        out = analyse(y, v, 0.95)
        out["y"], out["v"] = y.tolist(), v.tolist()
    elif len(argv) == 3:
        level = float(argv[0])
        y = [float(s) for s in argv[1].split(",")]
        v = [float(s) for s in argv[2].split(",")]
        if len(y) != len(v) or len(y) < 3:
            print("need as many variances as estimates, at least 3", file=sys.stderr)
            return 2
        out = analyse(y, v, level)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
