"""Goldens for LogisticCalibrationTests.cs. Run: /usr/bin/python3 logistic_calibration_goldens.py
(Debian python3-statsmodels). Prints the 40-row example (p, y, frequency weights, and the
clipped variant) as C# literals, then statsmodels GLM Binomial fits:
  calibration-in-the-large  sm.GLM(y, ones, offset=logit(p), freq_weights=w)
  calibration slope         sm.GLM(y, [1, logit(p)], freq_weights=w)
with logit(p) taken of p clipped to [1e-15, 1 - 1e-15]. Each fit is checked against a plain
Newton-Raphson in numpy (and weighted against expanded rows) before it is printed."""
import numpy as np
import statsmodels
import statsmodels.api as sm

CLIP = 1e-15
rng = np.random.default_rng(20240611)
n = 40
p = np.round(rng.beta(2.0, 3.0, size=n), 3)
logit = lambda q: np.log(q) - np.log1p(-q)
y = rng.binomial(1, 1 / (1 + np.exp(-(0.4 + 0.7 * logit(p))))).astype(float)
w = rng.integers(0, 4, size=n).astype(float)
# The clip example: the same rows with four made extreme: confident hits and confident misses.
p_clip = p.copy()
p_clip[0], p_clip[1], p_clip[2], p_clip[3] = 0.0, 1.0, 0.0, 1.0
y_clip = y.copy()
y_clip[0], y_clip[1], y_clip[2], y_clip[3] = 0.0, 1.0, 1.0, 0.0


def L(q):
    return logit(np.clip(q, CLIP, 1 - CLIP))


def newton(X, y, w, offset):
    beta = np.zeros(X.shape[1])
    for _ in range(100):
        eta = X @ beta + offset
        mu = 1 / (1 + np.exp(-eta))
        info = X.T @ (X * (w * mu * (1 - mu))[:, None])
        step = np.linalg.solve(info, X.T @ (w * (y - mu)))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-13:
            break
    eta = X @ beta + offset
    mu = 1 / (1 + np.exp(-eta))
    info = X.T @ (X * (w * mu * (1 - mu))[:, None])
    return beta, np.sqrt(np.diag(np.linalg.inv(info)))


def fit(p, y, w, slope):
    lp = L(p)
    if slope:
        X, offset = np.column_stack([np.ones(len(p)), lp]), np.zeros(len(p))
    else:
        X, offset = np.ones((len(p), 1)), lp
    r = sm.GLM(y, X, family=sm.families.Binomial(), offset=offset, freq_weights=w).fit(tol=1e-13, maxiter=200)
    beta, se = newton(X, y, w, offset)
    assert np.allclose(r.params, beta, rtol=1e-10, atol=0), (r.params, beta)
    assert np.allclose(r.bse, se, rtol=1e-10, atol=0), (r.bse, se)
    # frequency weights are expanded rows
    k = w.astype(int)
    r2 = sm.GLM(np.repeat(y, k), X.repeat(k, axis=0), family=sm.families.Binomial(), offset=np.repeat(offset, k)).fit(tol=1e-13, maxiter=200)
    assert np.allclose(r.params, r2.params, rtol=1e-10, atol=0) and np.allclose(r.bse, r2.bse, rtol=1e-10, atol=0)
    return r


def arr(name, v, fmt):
    items = [fmt(x) for x in v]
    lines = [", ".join(items[i:i + 10]) for i in range(0, len(items), 10)]
    print(f"    private static readonly double[] {name} =\n    [\n        " + ",\n        ".join(lines) + ",\n    ];")


print(f"    // Printed by logistic_calibration_goldens.py (statsmodels {statsmodels.__version__}, numpy {np.__version__}).")
arr("P", p, lambda x: f"{x:.3f}")
arr("Y", y, lambda x: f"{int(x)}")
arr("W", w, lambda x: f"{int(x)}")
arr("PClip", p_clip, lambda x: f"{x:.3f}")
arr("YClip", y_clip, lambda x: f"{int(x)}")

for label, (pp, yy, ww) in {
    "Unweighted": (p, y, np.ones(n)),
    "Weighted": (p, y, w),
    "Clipped": (p_clip, y_clip, np.ones(n)),
}.items():
    a = fit(pp, yy, ww, slope=False)
    s = fit(pp, yy, ww, slope=True)
    print(f"    // {label}: calibration-in-the-large a (se); slope model a (se), b (se)")
    print(f"    private static readonly double[] {label}Golden = [{a.params[0]!r}, {a.bse[0]!r}, "
          f"{s.params[0]!r}, {s.bse[0]!r}, {s.params[1]!r}, {s.bse[1]!r}];")
