"""Goldens for DeLongTests.cs. Run: /usr/bin/python3 delong_goldens.py (Debian python3-sklearn).
Prints 200 rows (scores rounded to 2 decimals, so ties are common; labels; frequency weights 0..3)
as C# literals, then the AUROC and DeLong's structural-component variances by the ORIGINAL
O(m n) definition (DeLong, DeLong & Clarke-Pearson 1988), not the fast rank algorithm:
  psi(x, y) = 1 if x > y, 1/2 if x == y, 0 otherwise
  V10(X_i) = mean_j psi(X_i, Y_j),  V01(Y_j) = mean_i psi(X_i, Y_j),  AUROC = mean V10
  S10 = sum (V10 - AUROC)^2 / (m - 1),  S01 = sum (V01 - AUROC)^2 / (n - 1),  Var = S10/m + S01/n
in exact rational arithmetic (fractions), for the unweighted rows and for the rows expanded by
their weights. Checks the AUROC against sklearn.metrics.roc_auc_score."""
from fractions import Fraction

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

rng = np.random.default_rng(1988)
n = 200
positive = rng.random(n) < 0.35
scores = np.round(np.clip(rng.normal(0.45 + 0.2 * positive, 0.18), 0, 1), 2)
weights = rng.integers(0, 4, size=n)


def delong(scores, positive):
    xs = [Fraction(str(s)) for s, p in zip(scores, positive) if p]
    ys = [Fraction(str(s)) for s, p in zip(scores, positive) if not p]
    m, k = len(xs), len(ys)
    psi = lambda x, y: Fraction(1) if x > y else Fraction(1, 2) if x == y else Fraction(0)
    v10 = [sum(psi(x, y) for y in ys) / k for x in xs]
    v01 = [sum(psi(x, y) for x in xs) / m for y in ys]
    auc = sum(v10) / m
    assert auc == sum(v01) / k
    s10 = sum((v - auc) ** 2 for v in v10) / (m - 1)
    s01 = sum((v - auc) ** 2 for v in v01) / (k - 1)
    return m, k, auc, s10, s01, s10 / m + s01 / k


def show(label, scores, positive):
    m, k, auc, s10, s01, var = delong(scores, positive)
    sk = roc_auc_score(positive, scores)
    assert abs(float(auc) - sk) < 1e-15, (float(auc), sk)
    print(f"    // {label}: m = {m}, n = {k}; sklearn roc_auc_score = {sk!r}")
    print(f"    private const int {label}Positives = {m}, {label}Negatives = {k};")
    print(f"    private const double {label}Auroc = {float(auc)!r}, {label}S10 = {float(s10)!r}, "
          f"{label}S01 = {float(s01)!r}, {label}Variance = {float(var)!r};")


def arr(name, v, fmt, type_="double"):
    items = [fmt(x) for x in v]
    lines = [", ".join(items[i:i + 20]) for i in range(0, len(items), 20)]
    print(f"    private static readonly {type_}[] {name} =\n    [\n        " + ",\n        ".join(lines) + ",\n    ];")


print(f"    // Printed by delong_goldens.py (sklearn {sklearn.__version__}, numpy {np.__version__}).")
arr("Scores", scores, lambda x: f"{x:.2f}")
arr("Labels", positive, lambda b: "1" if b else "0", "int")
arr("Weights", weights, lambda x: f"{x}")
show("Unweighted", scores, positive)
show("Weighted", np.repeat(scores, weights), np.repeat(positive, weights))
