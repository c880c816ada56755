#!/usr/bin/env python3
"""Recompute Harness's per-site metrics from predictions.csv and compare them with results.json.

Usage: recompute_metrics.py RESULTS_DIR

RESULTS_DIR holds what `harness validate` writes:
  predictions.csv  header site,id,manifest_line,label,p_<class0>,p_<class1>,... (classes in the
                   model's order), one row per example; label is the class name. A site, id or
                   label cell that starts with a single quote had one put in front (so that no
                   spreadsheet runs it as a formula): the value is the cell without it.
  results.json     snake_case, format 2; model.class_names, model.positive_class (binary only),
                   model.operating_point.threshold (binary, optional), intervals.level,
                   development.metrics, and per site n, class_counts, prevalence, metrics, gap,
                   calibration. Each metric is {"value", "ci": {"lower", "upper", "level", "method"},
                   "note"?}; each gap also has "distinguishable" and "worse".

This is an independent check written with numpy, scikit-learn, scipy and statsmodels, not a port of
the C# code. "argmax" is numpy's (first maximum on ties); p is p_<positive class> for binary models;
y is 1 for the positive class. Point estimates, per site:
  n, class_counts    counted from predictions.csv
  prevalence         share of model.positive_class (null for multiclass)
  accuracy           mean(argmax == label)
  balanced_accuracy  sklearn.metrics.balanced_accuracy_score(label, argmax)
  auroc              sklearn.metrics.roc_auc_score; binary on p; multiclass the unweighted mean of the
                     one-vs-rest AUROCs over the classes with both positives and negatives; null when none
  auprc              sklearn.metrics.average_precision_score; binary on p (null without positives);
                     multiclass the unweighted mean of one-vs-rest values over the classes present
  sensitivity, specificity, ppv, npv, f1
                     confusion counts with "positive" meaning p >= model.operating_point.threshold;
                     null where the denominator is 0, and all null when there is no threshold
  oe_ratio           sum(y) / sum(p); null when sum(p) = 0
  calibration_intercept
                     statsmodels GLM Binomial of y on a constant with offset logit(p), p clipped to
                     [1e-15, 1 - 1e-15]; null when y is constant
  calibration_slope  statsmodels GLM Binomial of y on [1, logit(p)]; null when y is constant, logit(p)
                     has one value, or the classes are (quasi-)completely separated by logit(p) (no MLE)
  ici, e50, e90, emax
                     a plain numpy loess of y on p fitted at each row (local quadratic, tricube weights
                     (1 - (d/h)^3)^3 for d < h, h the distance to the q-th nearest row, q =
                     floor(0.75 n + 1e-5); a lower degree where fewer than 3 distinct p carry weight);
                     of |fit - p|: mean, median, numpy quantile 0.9 (linear) and max. Null with fewer than
                     2 distinct p or n < 5. Skipped (with a note) for sites with n > 5000 or more than
                     2000 distinct p, where results.json's curve is documented to be approximated
  ece                top-label, 15 equal-width bins closed on the right ((m-1)/15, m/15], 0 in bin 1,
                     sum of count/n * |accuracy - mean confidence|
  ece_equal_mass     the same over numpy.array_split into 15 parts of the rows stably sorted by confidence
  mce                the largest |accuracy - mean confidence| over the non-empty equal-width bins
  brier              binary sklearn.metrics.brier_score_loss(pos_label=1) on p;
                     multiclass mean over rows of sum_k (p_k - onehot_k)^2
  scaled_brier       1 - brier / reference; reference prev (1 - prev) (binary), 1 - sum of squared class
                     shares (multiclass); null when the reference is 0
  log_loss           mean of -ln(clip(p_true, 1e-15, 1))
Intervals (z = scipy.stats.norm.ppf((1 + level) / 2), level = results.json intervals.level):
  auroc (binary)     DeLong: O(m n) structural components V10, V01 (ties half), variance
                     var(V10)/m + var(V01)/n (ddof 1); auroc +- z se clipped to [0, 1]; none if m or n < 2;
                     skipped (with a note) beyond 4e8 positive-negative pairs
  calibration_intercept, calibration_slope
                     Wald: estimate +- z statsmodels bse
  oe_ratio           exp(ln(O/E) +- z sqrt(1/O - 1/n)); none when O = 0
  bootstrap_percentile (every other metric, and multiclass auroc): not recomputable (another random
                     stream): only lower <= upper, level = intervals.level
  every ci           method is the metric's (delong, wald, log_wald or bootstrap_percentile)
Gaps (site - development; development predictions are not in predictions.csv, so its values and its
standard errors come from results.json: se = (upper - lower) / (2 z), for oe_ratio ln(upper/lower)/(2 z)
on the log scale, only from a development ci not clipped at a bound):
  value              recomputed site value - development value (null if either is null)
  ci                 analytic methods: value +- z sqrt(se_site^2 + se_dev^2) (O/E on its own scale by the
                     delta method, se = O/E * se_log), auroc clipped to [-1, 1]; bootstrap as above;
                     no ci expected where development has no "intervals" (format-1 model card)
  distinguishable    the gap's ci excludes 0 (absent when there is no ci)
  worse              site worse than development: lower for auroc, auprc, accuracy, balanced_accuracy,
                     sensitivity, specificity, ppv, npv, f1, scaled_brier; higher for brier, log_loss,
                     ece, ece_equal_mass, mce, ici, e50, e90, emax; farther from 1 for oe_ratio and
                     calibration_slope, from 0 for calibration_intercept
Calibration bins (when results.json has them): per bin count, mean predicted and observed frequency
  ("positive_class": p_<class> vs label == class; "top_label": confidence vs correct).

Every value is compared with results.json to an absolute tolerance of 1e-6 (counts and booleans
exactly). A metric in results.json that this script does not know is reported as a difference.
Prints a table of both values. Exit status: 0 all match, 1 something differs (listed at the end),
2 bad usage or unreadable input.
"""

import csv
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import norm
from sklearn.metrics import average_precision_score, balanced_accuracy_score, brier_score_loss, roc_auc_score
import statsmodels.api as sm

TOLERANCE = 1e-6
ECE_BINS = 15
LOG_LOSS_CLIP = 1e-15
LOGIT_CLIP = 1e-15
LOESS_SPAN = 0.75
LOESS_MAX_N = 5000
LOESS_MAX_DISTINCT = 2000  # results.json's curve compresses beyond this many distinct risks
DELONG_MAX_PAIRS = 4e8

HIGHER = "higher"
LOWER = "lower"
# metric: (direction or ideal value, binary only, interval method for binary, for multiclass)
CATALOG = {
    "accuracy": (HIGHER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "balanced_accuracy": (HIGHER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "auroc": (HIGHER, False, "delong", "bootstrap_percentile"),
    "auprc": (HIGHER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "sensitivity": (HIGHER, True, "bootstrap_percentile", None),
    "specificity": (HIGHER, True, "bootstrap_percentile", None),
    "ppv": (HIGHER, True, "bootstrap_percentile", None),
    "npv": (HIGHER, True, "bootstrap_percentile", None),
    "f1": (HIGHER, True, "bootstrap_percentile", None),
    "oe_ratio": (1.0, True, "log_wald", None),
    "calibration_intercept": (0.0, True, "wald", None),
    "calibration_slope": (1.0, True, "wald", None),
    "ici": (LOWER, True, "bootstrap_percentile", None),
    "e50": (LOWER, True, "bootstrap_percentile", None),
    "e90": (LOWER, True, "bootstrap_percentile", None),
    "emax": (LOWER, True, "bootstrap_percentile", None),
    "ece": (LOWER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "ece_equal_mass": (LOWER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "mce": (LOWER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "brier": (LOWER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "scaled_brier": (HIGHER, False, "bootstrap_percentile", "bootstrap_percentile"),
    "log_loss": (LOWER, False, "bootstrap_percentile", "bootstrap_percentile"),
}
INTERVAL_METHODS = {"delong", "wald", "log_wald", "bootstrap_percentile"}
# The range a metric's gap interval is clipped to (auroc: a difference of two values in [0, 1]).
GAP_SPAN = {"auroc": 1.0}


class BadInput(Exception):
    pass


class Skip:
    """A metric that is not recomputed here, and why."""

    def __init__(self, why):
        self.why = why


def unquote(cell):
    """A user-text cell as it was: Harness puts a single quote before one that starts with =, +, -, @, a quote or a control."""
    return cell[1:] if cell.startswith("'") else cell


def read_predictions(path, class_names):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e}")
    if not rows:
        raise BadInput(f"{path} is empty")
    header = rows[0]
    if header[:4] != ["site", "id", "manifest_line", "label"] or len(header) < 6 or not all(h.startswith("p_") for h in header[4:]):
        raise BadInput(f"{path}: header must be site,id,manifest_line,label,p_<class>,... (at least two classes); found {','.join(header)}")
    classes = [h[2:] for h in header[4:]]
    if class_names is not None and list(class_names) != classes:
        raise BadInput(f"{path}: probability columns {classes} do not match model.class_names {list(class_names)}")
    index = {c: k for k, c in enumerate(classes)}
    by_site = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise BadInput(f"{path}:{line}: {len(row)} cells, header has {len(header)}")
        site, label = unquote(row[0]), unquote(row[3])
        if label not in index:
            raise BadInput(f"{path}:{line}: label '{label}' is not one of {classes}")
        try:
            # shortest float32 text: read back as the float32 it names, then widened exactly
            p = [float(np.float32(x)) for x in row[4:]]
        except ValueError as e:
            raise BadInput(f"{path}:{line}: {e}")
        entry = by_site.setdefault(site, ([], []))
        entry[0].append(index[label])
        entry[1].append(p)
    sites = {name: (np.array(y, dtype=np.int64), np.array(p, dtype=np.float64)) for name, (y, p) in by_site.items()}
    return classes, sites


# ---------------------------------------------------------------- discrimination

def auroc(y, p, classes, positive):
    if positive is not None:
        t = (y == positive).astype(int)
        if t.min() == t.max():
            return None
        return float(roc_auc_score(t, p[:, positive]))
    per_class = []
    for k in range(len(classes)):
        t = (y == k).astype(int)
        if t.min() != t.max():
            per_class.append(float(roc_auc_score(t, p[:, k])))
    return float(np.mean(per_class)) if per_class else None


def auprc(y, p, classes, positive):
    scored = [positive] if positive is not None else range(len(classes))
    per_class = []
    for k in scored:
        t = (y == k).astype(int)
        if t.sum() > 0:
            per_class.append(float(average_precision_score(t, p[:, k])))
    return float(np.mean(per_class)) if per_class else None


def delong_se(scores, events):
    """DeLong, DeLong & Clarke-Pearson (1988): the AUROC's standard error from the structural
    components V10(X_i) = mean_j psi(X_i, Y_j), V01(Y_j) = mean_i psi(X_i, Y_j), psi = 1 if X > Y,
    1/2 if X == Y, else 0 (X positives, Y negatives). None when a class has fewer than 2 rows."""
    x, ys = scores[events], scores[~events]
    m, n = len(x), len(ys)
    if m < 2 or n < 2:
        return None
    v10 = np.empty(m)
    v01 = np.zeros(n)
    chunk = max(1, int(2_000_000 // n))
    for start in range(0, m, chunk):
        xi = x[start:start + chunk, None]
        psi = (xi > ys[None, :]) + 0.5 * (xi == ys[None, :])
        v10[start:start + chunk] = psi.mean(axis=1)
        v01 += psi.sum(axis=0)
    v01 /= m
    variance = np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n
    return float(math.sqrt(variance))


def at_threshold(y, p, positive, threshold):
    keys = ["sensitivity", "specificity", "ppv", "npv", "f1"]
    if threshold is None:
        return {k: None for k in keys}
    event = y == positive
    flagged = p[:, positive] >= threshold
    tp = int(np.sum(event & flagged))
    fp = int(np.sum(~event & flagged))
    tn = int(np.sum(~event & ~flagged))
    fn = int(np.sum(event & ~flagged))

    def ratio(a, b):
        return a / b if b else None

    return {
        "sensitivity": ratio(tp, tp + fn),
        "specificity": ratio(tn, tn + fp),
        "ppv": ratio(tp, tp + fp),
        "npv": ratio(tn, tn + fn),
        "f1": ratio(2 * tp, 2 * tp + fp + fn),
    }


# ---------------------------------------------------------------- calibration

def logit(p):
    q = np.clip(p, LOGIT_CLIP, 1 - LOGIT_CLIP)
    return np.log(q) - np.log1p(-q)


def glm(y, exog, offset=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = sm.GLM(y, exog, family=sm.families.Binomial(), offset=offset)
        # IRLS (statsmodels' default; its "newton" divides by zero at logits of +-34.5, p clipped at 1e-15)
        return model.fit(maxiter=200, tol=1e-13, tol_criterion="params")


def calibration_intercept(t, p):
    """(estimate, standard error) of a in logit P(y) = a + offset(logit p)."""
    if t.min() == t.max():
        return None
    fit = glm(t, np.ones((len(t), 1)), offset=logit(p))
    return float(fit.params[0]), float(fit.bse[0])


def calibration_slope(t, p):
    """(estimate, standard error) of b in logit P(y) = a + b logit p; None when no finite MLE exists."""
    if t.min() == t.max():
        return None
    x = logit(p)
    if np.unique(x).size < 2:
        return None
    pos, neg = x[t == 1], x[t == 0]
    if neg.max() <= pos.min() or pos.max() <= neg.min():
        return None  # (quasi-)complete separation: the likelihood has no maximum
    fit = glm(t, sm.add_constant(x, has_constant="add"))
    return float(fit.params[1]), float(fit.bse[1])


def loess_at_points(x, y, span=LOESS_SPAN):
    """Loess (local quadratic, tricube weights) of y on x evaluated at every x."""
    n = len(x)
    q = min(n, int(math.floor(n * span + 1e-5)))
    fitted = np.empty(n)
    for i in range(n):
        d = np.abs(x - x[i])
        h = np.partition(d, q - 1)[q - 1]
        if h == 0:
            fitted[i] = y[d == 0].mean()
            continue
        r = d / h
        w = np.where(r < 1, (1 - r ** 3) ** 3, 0.0)
        use = w > 0
        u = (x[use] - x[i]) / h
        degree = min(2, np.unique(x[use]).size - 1)
        design = np.vander(u, degree + 1, increasing=True)
        sw = np.sqrt(w[use])
        coef, *_ = np.linalg.lstsq(design * sw[:, None], y[use] * sw, rcond=None)
        fitted[i] = coef[0]
    return fitted


def flexible(t, p):
    """ICI, E50, E90, Emax of |loess(y ~ p)(p_i) - p_i|, or None (undefined) or a Skip."""
    distinct = np.unique(p).size
    if distinct < 2 or len(p) < 5:
        return None
    if len(p) > LOESS_MAX_N:
        return Skip(f"n = {len(p)} > {LOESS_MAX_N}: the O(n^2) loess is not recomputed")
    if distinct > LOESS_MAX_DISTINCT:
        return Skip(f"{distinct} distinct risks > {LOESS_MAX_DISTINCT}: results.json's curve is approximated")
    d = np.abs(loess_at_points(p, t.astype(np.float64)) - p)
    return {"ici": float(np.mean(d)), "e50": float(np.median(d)), "e90": float(np.quantile(d, 0.9)), "emax": float(np.max(d))}


def bin_members(values, m, bins=ECE_BINS):
    """Boolean mask of values in bin m (1-based): ((m-1)/bins, m/bins]; <= 0 in the first, > 1 in the last."""
    lower, upper = (m - 1) / bins, m / bins
    mask = (values > lower) & (values <= upper)
    if m == 1:
        mask |= values <= 0
    if m == bins:
        mask |= values > 1
    return mask


def reliability(predicted, happened, bins=ECE_BINS):
    """Per bin: (count, mean predicted or None, observed frequency or None)."""
    out = []
    for m in range(1, bins + 1):
        mask = bin_members(predicted, m, bins)
        n = int(mask.sum())
        out.append((n, float(predicted[mask].mean()), float(happened[mask].mean())) if n else (0, None, None))
    return out


def top_label(y, p):
    predicted = np.argmax(p, axis=1)
    return p[np.arange(len(y)), predicted], (predicted == y).astype(np.float64)


def ece_and_mce(y, p):
    confidence, correct = top_label(y, p)
    gaps = [(n, abs(acc - conf)) for n, conf, acc in reliability(confidence, correct) if n]
    return sum(n / len(y) * g for n, g in gaps), max(g for _, g in gaps)


def ece_equal_mass(y, p):
    confidence, correct = top_label(y, p)
    order = np.argsort(confidence, kind="stable")
    total = 0.0
    for part in np.array_split(order, ECE_BINS):
        if len(part):
            total += len(part) / len(y) * abs(correct[part].mean() - confidence[part].mean())
    return float(total)


# ---------------------------------------------------------------- overall

def brier(y, p, classes, positive):
    if positive is not None:
        return float(brier_score_loss((y == positive).astype(int), p[:, positive], pos_label=1))
    onehot = np.eye(len(classes))[y]
    return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))


def scaled_brier(y, classes, positive, brier_value):
    shares = np.bincount(y, minlength=len(classes)) / len(y)
    if positive is not None:
        reference = shares[positive] * (1 - shares[positive])
    else:
        reference = 1 - np.sum(shares ** 2)
    return None if reference <= 0 else float(1 - brier_value / reference)


def log_loss(y, p):
    p_true = p[np.arange(len(y)), y]
    return float(np.mean(-np.log(np.clip(p_true, LOG_LOSS_CLIP, 1.0))))


def recompute(y, p, classes, positive, threshold):
    """Point estimates (value or None or Skip) and, for analytic intervals, (center, se, kind)."""
    predicted = np.argmax(p, axis=1)
    ece, mce = ece_and_mce(y, p)
    values = {
        "accuracy": float(np.mean(predicted == y)),
        "balanced_accuracy": float(balanced_accuracy_score(y, predicted)),
        "auroc": auroc(y, p, classes, positive),
        "auprc": auprc(y, p, classes, positive),
        "ece": ece,
        "ece_equal_mass": ece_equal_mass(y, p),
        "mce": mce,
        "brier": brier(y, p, classes, positive),
        "log_loss": log_loss(y, p),
    }
    values["scaled_brier"] = scaled_brier(y, classes, positive, values["brier"])
    se = {}
    if positive is None:
        return values, se
    t = (y == positive).astype(np.int64)
    risk = p[:, positive]
    values.update(at_threshold(y, p, positive, threshold))

    if values["auroc"] is not None:
        events = t == 1
        pairs = float(events.sum()) * float((~events).sum())
        se["auroc"] = Skip(f"{pairs:.3g} pairs: DeLong's O(m n) components not recomputed") if pairs > DELONG_MAX_PAIRS \
            else delong_se(risk, events)

    observed, expected = float(t.sum()), float(risk.sum())
    values["oe_ratio"] = None if expected <= 0 else observed / expected
    if values["oe_ratio"] is not None:
        se["oe_ratio"] = None if observed == 0 else math.sqrt(max(0.0, 1 / observed - 1 / len(t)))

    for key, fitter in (("calibration_intercept", calibration_intercept), ("calibration_slope", calibration_slope)):
        fit = fitter(t, risk)
        values[key], se[key] = (None, None) if fit is None else fit

    curve = flexible(t, risk)
    for key in ("ici", "e50", "e90", "emax"):
        values[key] = curve[key] if isinstance(curve, dict) else curve
    return values, se


def interval(method, value, se, z, lo=-math.inf, hi=math.inf):
    """The analytic interval of a point estimate."""
    if method == "log_wald":
        return value * math.exp(-z * se), value * math.exp(z * se)
    return max(value - z * se, lo), min(value + z * se, hi)


def reconstructed_se(method, ci, z, lo=-math.inf, hi=math.inf):
    """A development standard error from its reported interval (log scale for log_wald); None where clipped."""
    if not isinstance(ci, dict):
        return None
    lower, upper = ci.get("lower"), ci.get("upper")
    if lower is None or upper is None:
        return None
    if method == "log_wald":
        return math.log(upper / lower) / (2 * z) if lower > 0 else None
    if lower <= lo or upper >= hi:
        return None
    return (upper - lower) / (2 * z)


def is_worse(metric, site, development):
    direction = CATALOG[metric][0]
    if direction == HIGHER:
        return site < development
    if direction == LOWER:
        return site > development
    return abs(site - direction) > abs(development - direction)


# ---------------------------------------------------------------- comparison

class Comparison:
    def __init__(self):
        self.rows = []
        self.failures = []
        self.notes = []

    def check(self, site, quantity, reported, expected, exact=False):
        if reported is None or expected is None:
            ok = reported is None and expected is None
            diff = None
        elif isinstance(expected, bool) or isinstance(reported, bool):
            ok = reported is expected
            diff = None
        else:
            try:
                diff = abs(float(reported) - float(expected))
            except (TypeError, ValueError):
                diff, ok = None, False
            else:
                ok = diff == 0 if exact else diff <= TOLERANCE
                if math.isnan(diff):
                    ok = False
        self.rows.append((site, quantity, reported, expected, diff, ok))
        if not ok:
            self.failures.append(f"{site} {quantity}: results.json {fmt(reported)}, recomputed {fmt(expected)}")

    def require(self, site, quantity, condition, reported, why):
        """A property of results.json that cannot be recomputed, only checked."""
        self.rows.append((site, quantity, reported, why, None, condition))
        if not condition:
            self.failures.append(f"{site} {quantity}: results.json {fmt(reported)}, expected {why}")

    def fail(self, site, quantity, why):
        self.rows.append((site, quantity, None, None, None, False))
        self.failures.append(f"{site} {quantity}: {why}")

    def skip(self, site, quantity, why):
        self.notes.append(f"{site} {quantity}: not checked ({why})")

    def print_table(self):
        headers = ("site", "quantity", "results.json", "recomputed", "|diff|", "")
        lines = [(s, q, fmt(r), fmt(e), "" if d is None else f"{d:.2e}", "ok" if ok else "DIFFERS")
                 for s, q, r, e, d, ok in self.rows]
        widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines)]
        for row in [headers, tuple("-" * w for w in widths), *lines]:
            print("  ".join(str(x).ljust(w) for x, w in zip(row, widths)).rstrip())


def fmt(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.10f}"
    return str(v)


def entry_of(metrics, name):
    """(present, entry) of a metric in a results.json metric object."""
    if not isinstance(metrics, dict) or name not in metrics or not isinstance(metrics[name], dict) or "value" not in metrics[name]:
        return False, None
    return True, metrics[name]


def check_ci_form(cmp, site, quantity, ci, level, method):
    """What can be checked of any interval: bounds in order, the run's level, the metric's method."""
    if not isinstance(ci, dict):
        cmp.fail(site, quantity, f"ci is not an object: {ci!r}")
        return False
    lower, upper = ci.get("lower"), ci.get("upper")
    ordered = isinstance(lower, (int, float)) and isinstance(upper, (int, float)) and lower <= upper
    cmp.require(site, f"{quantity}.lower<=upper", ordered, f"{fmt(lower)}..{fmt(upper)}", "lower <= upper")
    cmp.check(site, f"{quantity}.level", ci.get("level"), level)
    reported = ci.get("method")
    cmp.require(site, f"{quantity}.method", reported in INTERVAL_METHODS and reported == method, reported, method)
    return ordered


def check_metric(cmp, site, metric, entry, value, se, method, z, level):
    cmp.check(site, metric, entry.get("value"), value)
    ci = entry.get("ci")
    if ci is None:
        if method != "bootstrap_percentile" and value is not None and se is not None and not isinstance(se, Skip):
            cmp.fail(site, f"{metric}.ci", f"missing, though the {method} standard error is {se:.6g}")
        return
    if value is None:
        cmp.fail(site, f"{metric}.ci", "present for an undefined value")
        return
    check_ci_form(cmp, site, f"{metric}.ci", ci, level, method)
    if method == "bootstrap_percentile":
        return
    if isinstance(se, Skip):
        cmp.skip(site, f"{metric}.ci", se.why)
        return
    if se is None:
        cmp.fail(site, f"{metric}.ci", f"present, but the {method} standard error is undefined")
        return
    lo, hi = (0.0, 1.0) if metric == "auroc" else (-math.inf, math.inf)
    lower, upper = interval(method, value, se, z, lo, hi)
    cmp.check(site, f"{metric}.ci.lower", ci.get("lower"), lower)
    cmp.check(site, f"{metric}.ci.upper", ci.get("upper"), upper)


def check_gap(cmp, site, metric, gap, value, se, development, method, z, level, with_intervals):
    dev_value = development.get("value")
    expected = None if value is None or dev_value is None or isinstance(value, Skip) else value - dev_value
    if isinstance(value, Skip):
        cmp.skip(site, f"gap.{metric}", value.why)
        return
    quantity = f"gap.{metric}"
    cmp.check(site, quantity, gap.get("value"), expected)
    cmp.check(site, f"{quantity}.worse", gap.get("worse"), None if expected is None else bool(is_worse(metric, value, dev_value)))
    ci = gap.get("ci")
    cmp.check(site, f"{quantity}.distinguishable", gap.get("distinguishable"),
              None if not isinstance(ci, dict) or ci.get("lower") is None or ci.get("upper") is None
              else bool(ci["lower"] > 0 or ci["upper"] < 0))
    if expected is None or not with_intervals:
        if ci is not None:
            cmp.fail(site, f"{quantity}.ci", "present, though " + ("the gap is undefined" if expected is None
                     else "development has no intervals (no development predictions)"))
        return
    if method == "bootstrap_percentile":
        if ci is not None:
            check_ci_form(cmp, site, f"{quantity}.ci", ci, level, method)
        return
    span = GAP_SPAN.get(metric, math.inf)
    if isinstance(se, Skip):
        cmp.skip(site, f"{quantity}.ci", se.why)
        return
    dev_ci = development.get("ci")
    dev_se = reconstructed_se(method, dev_ci, z, *((0.0, 1.0) if metric == "auroc" else (-math.inf, math.inf)))
    if se is None or dev_ci is None:
        if ci is not None:
            cmp.fail(site, f"{quantity}.ci", "present, though a standard error is undefined")
        return
    if ci is None:
        cmp.fail(site, f"{quantity}.ci", "missing, though both standard errors are defined")
        return
    check_ci_form(cmp, site, f"{quantity}.ci", ci, level, method)
    if dev_se is None:
        cmp.skip(site, f"{quantity}.ci", "the development ci is clipped: its standard error cannot be recovered")
        return
    if method == "log_wald":  # delta method: se of O/E = O/E * se of ln(O/E)
        se, dev_se = value * se, dev_value * dev_se
    half = z * math.sqrt(se * se + dev_se * dev_se)
    cmp.check(site, f"{quantity}.ci.lower", ci.get("lower"), max(expected - half, -span))
    cmp.check(site, f"{quantity}.ci.upper", ci.get("upper"), min(expected + half, span))


def check_decision_curve(cmp, site, curve, events, risk, z):
    """Net benefit (Vickers and Elkin 2006): TP/n - FP/n * pt/(1 - pt), treating risk >= pt; treat-all
    pi - (1 - pi) pt/(1 - pt); at the key thresholds the Wald interval with the stratified binomial
    variance (n1 s(1 - s) + w^2 n0 f(1 - f)) / n^2."""
    if not isinstance(curve, dict):
        cmp.fail(site, "decision_curve", "missing for a binary model")
        return
    n, n1 = len(events), int(np.sum(events))
    n0, prevalence = n - n1, n1 / n
    thresholds = np.round(np.arange(0.05, 0.505, 0.01), 2)
    cmp.check(site, "decision_curve.thresholds", len(curve.get("thresholds") or []), len(thresholds), exact=True)
    for k, pt in enumerate(thresholds):
        w = pt / (1 - pt)
        treated = risk >= pt
        tp, fp = int(np.sum(treated & events)), int(np.sum(treated & ~events))
        cmp.check(site, f"decision_curve.model[{pt:.2f}]", (curve.get("model") or [None] * 99)[k], (tp - fp * w) / n)
        cmp.check(site, f"decision_curve.treat_all[{pt:.2f}]", (curve.get("treat_all") or [None] * 99)[k], prevalence - (1 - prevalence) * w)
    for key in curve.get("key") or []:
        pt = key.get("threshold")
        w = pt / (1 - pt)
        treated = risk >= pt
        tp, fp = int(np.sum(treated & events)), int(np.sum(treated & ~events))
        nb = (tp - fp * w) / n
        s, f = tp / n1 if n1 else 0.0, fp / n0 if n0 else 0.0
        se = math.sqrt(n1 * s * (1 - s) + w * w * n0 * f * (1 - f)) / n
        cmp.check(site, f"decision_curve.key[{pt}].net_benefit", key.get("net_benefit"), nb)
        cmp.check(site, f"decision_curve.key[{pt}].ci.lower", (key.get("ci") or {}).get("lower"), nb - z * se)
        cmp.check(site, f"decision_curve.key[{pt}].ci.upper", (key.get("ci") or {}).get("upper"), nb + z * se)
        best = max(prevalence - (1 - prevalence) * w, 0.0)
        cmp.check(site, f"decision_curve.key[{pt}].advantage", key.get("advantage"), nb - best)


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    results_dir = Path(argv[1])
    if not results_dir.is_dir():
        print(f"error: {results_dir} is not a folder", file=sys.stderr)
        return 2
    try:
        try:
            results = json.loads((results_dir / "results.json").read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as e:
            raise BadInput(f"cannot read results.json: {e}")
        model = results.get("model") or {}
        class_names = model.get("class_names")
        classes, sites = read_predictions(results_dir / "predictions.csv", class_names)
        positive_name = model.get("positive_class")
        if len(classes) == 2:
            if positive_name not in classes:
                raise BadInput(f"binary model without a valid model.positive_class ({positive_name!r})")
            positive = classes.index(positive_name)
        else:
            positive = None
        threshold = (model.get("operating_point") or {}).get("threshold") if positive is not None else None
        level = (results.get("intervals") or {}).get("level")
        if not isinstance(level, (int, float)) or not 0 < level < 1:
            raise BadInput(f"results.json has no valid intervals.level ({level!r})")
        z = float(norm.ppf((1 + level) / 2))
        development_node = results.get("development") or {}
        development = development_node.get("metrics") or {}
        with_intervals = development_node.get("intervals") is not None
        reported_sites = results.get("sites")
        if not isinstance(reported_sites, list):
            raise BadInput("results.json has no sites list")
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    binary = positive is not None
    metrics = [m for m, (_, binary_only, _, _) in CATALOG.items() if binary or not binary_only]
    methods = {m: CATALOG[m][2] if binary else CATALOG[m][3] for m in metrics}

    cmp = Comparison()
    if threshold is None and binary:
        cmp.notes.append("model.operating_point.threshold is absent: the threshold metrics must be null")
    reported_names = [s.get("name") for s in reported_sites]
    for name in sorted(set(sites) - set(reported_names)):
        cmp.fail(name, "site", "in predictions.csv but not in results.json")
    for metric in sorted(set(development) - set(metrics)):
        cmp.fail("development", metric, "not a metric this script recomputes for this model")
    for metric in metrics:
        present, entry = entry_of(development, metric)
        if present and entry.get("ci") is not None:
            check_ci_form(cmp, "development", f"{metric}.ci", entry["ci"], level, methods[metric])

    for site in reported_sites:
        name = site.get("name")
        if name not in sites:
            cmp.fail(name, "site", "in results.json but has no rows in predictions.csv")
            continue
        y, p = sites[name]
        cmp.check(name, "n", site.get("n"), len(y), exact=True)
        counts = site.get("class_counts") or {}
        for k, c in enumerate(classes):
            cmp.check(name, f"class_counts.{c}", counts.get(c, 0), int(np.sum(y == k)), exact=True)
        for extra in sorted(set(counts) - set(classes)):
            cmp.fail(name, f"class_counts.{extra}", "not a class of the model")
        prevalence = float(np.mean(y == positive)) if positive is not None else None
        cmp.check(name, "prevalence", site.get("prevalence"), prevalence)

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values, ses = recompute(y, p, classes, positive, threshold)
        except ValueError as e:  # e.g. sklearn refusing probabilities outside [0, 1]
            cmp.fail(name, "metrics", f"cannot recompute: {e}")
            continue
        site_metrics = site.get("metrics") or {}
        for extra in sorted(set(site_metrics) - set(metrics)):
            cmp.fail(name, extra, "not a metric this script recomputes for this model")
        for metric in metrics:
            present, entry = entry_of(site_metrics, metric)
            if not present:
                cmp.fail(name, metric, "missing from results.json")
                continue
            if isinstance(values[metric], Skip):
                cmp.skip(name, metric, values[metric].why)
                if entry.get("ci") is not None:
                    check_ci_form(cmp, name, f"{metric}.ci", entry["ci"], level, methods[metric])
                continue
            check_metric(cmp, name, metric, entry, values[metric], ses.get(metric), methods[metric], z, level)

        gaps = site.get("gap") or {}
        for extra in sorted(set(gaps) - set(metrics)):
            cmp.fail(name, f"gap.{extra}", "not a metric this script recomputes for this model")
        for metric in metrics:
            present, gap = entry_of(gaps, metric)
            dev_present, dev = entry_of(development, metric)
            if not dev_present:
                if present:
                    cmp.fail(name, f"gap.{metric}", "present, but development has no such metric")
                continue
            if not present:
                cmp.fail(name, f"gap.{metric}", "missing from results.json (development has the metric)")
                continue
            check_gap(cmp, name, metric, gap, values[metric], ses.get(metric), dev, methods[metric], z, level, with_intervals)

        calibration = site.get("calibration")
        if calibration:
            kind = calibration.get("kind")
            if kind == "positive_class":
                cls = calibration.get("class")
                if cls not in classes:
                    cmp.fail(name, "calibration", f"class {cls!r} is not a class of the model")
                    continue
                k = classes.index(cls)
                expected_bins = reliability(p[:, k], (y == k).astype(np.float64))
            elif kind == "top_label":
                expected_bins = reliability(*top_label(y, p))
            else:
                cmp.fail(name, "calibration", f"unknown kind {kind!r}")
                continue
            for b in calibration.get("bins") or []:
                m = int(round(float(b.get("lower", -1)) * ECE_BINS))
                if not 0 <= m < ECE_BINS:
                    cmp.fail(name, "calibration", f"bin with lower edge {b.get('lower')!r}")
                    continue
                n, mean_predicted, observed = expected_bins[m]
                cmp.check(name, f"calibration[{m}].count", b.get("count"), n, exact=True)
                cmp.check(name, f"calibration[{m}].mean_predicted", b.get("mean_predicted"), mean_predicted)
                cmp.check(name, f"calibration[{m}].observed_frequency", b.get("observed_frequency"), observed)

        if positive is not None:
            check_decision_curve(cmp, name, site.get("decision_curve"), y == positive, p[:, positive], z)

    cmp.print_table()
    if cmp.notes:
        print("\nnotes:")
        for note in cmp.notes:
            print(f"  {note}")
    if cmp.failures:
        print(f"\n{len(cmp.failures)} value(s) differ from an independent recomputation (tolerance {TOLERANCE:g}):")
        for f in cmp.failures:
            print(f"  {f}")
        return 1
    print(f"\nall {len(cmp.rows)} values match an independent recomputation (tolerance {TOLERANCE:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
