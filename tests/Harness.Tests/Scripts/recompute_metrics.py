#!/usr/bin/env python3
"""Recompute Harness's per-site metrics from predictions.csv and compare them with results.json.

Usage: recompute_metrics.py RESULTS_DIR

RESULTS_DIR holds what `harness validate` writes:
  predictions.csv  header site,id,label,p_<class0>,p_<class1>,... (classes in the model's order),
                   one row per example; label is the class name
  results.json     snake_case; model.class_names, model.positive_class (binary only),
                   development.metrics, and per site n, class_counts, prevalence, metrics, gap,
                   calibration

This is an independent check written with numpy and scikit-learn, not a port of the C# code:
  n, class_counts  counted from predictions.csv
  prevalence       share of model.positive_class (null for multiclass)
  accuracy         numpy argmax (first maximum on ties) == label
  auroc            sklearn.metrics.roc_auc_score; binary on p_<positive>; multiclass the unweighted
                   mean of one-vs-rest AUROCs over the classes with both positives and negatives;
                   null when no class has both
  brier            binary sklearn.metrics.brier_score_loss(pos_label=1) on p_<positive>;
                   multiclass mean over rows of sum_k (p_k - onehot_k)^2
  log_loss         mean of -ln(clip(p_true, 1e-15, 1))
  ece              top-label, 15 equal-width bins closed on the right ((m-1)/15, m/15], 0 in bin 1
  gap              recomputed site value - results.json development value (null if either is null)
  calibration      when results.json has bins: per bin count, mean predicted and observed frequency
                   ("positive_class": p_<class> vs label == class; "top_label": confidence vs correct)

Every value is compared with results.json to an absolute tolerance of 1e-6 (counts exactly).
Prints a table of both values. Exit status: 0 all match, 1 something differs (listed at the end),
2 bad usage or unreadable input.
"""

import csv
import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

TOLERANCE = 1e-6
ECE_BINS = 15
LOG_LOSS_CLIP = 1e-15
METRICS = ["accuracy", "auroc", "brier", "log_loss", "ece"]


class BadInput(Exception):
    pass


def read_predictions(path, class_names):
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise BadInput(f"cannot read {path}: {e}")
    if not rows:
        raise BadInput(f"{path} is empty")
    header = rows[0]
    if header[:3] != ["site", "id", "label"] or len(header) < 5 or not all(h.startswith("p_") for h in header[3:]):
        raise BadInput(f"{path}: header must be site,id,label,p_<class>,... (at least two classes); found {','.join(header)}")
    classes = [h[2:] for h in header[3:]]
    if class_names is not None and list(class_names) != classes:
        raise BadInput(f"{path}: probability columns {classes} do not match model.class_names {list(class_names)}")
    index = {c: k for k, c in enumerate(classes)}
    by_site = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise BadInput(f"{path}:{line}: {len(row)} cells, header has {len(header)}")
        site, _id, label = row[0], row[1], row[2]
        if label not in index:
            raise BadInput(f"{path}:{line}: label '{label}' is not one of {classes}")
        try:
            p = [float(x) for x in row[3:]]
        except ValueError as e:
            raise BadInput(f"{path}:{line}: {e}")
        entry = by_site.setdefault(site, ([], []))
        entry[0].append(index[label])
        entry[1].append(p)
    sites = {name: (np.array(y, dtype=np.int64), np.array(p, dtype=np.float64)) for name, (y, p) in by_site.items()}
    return classes, sites


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


def brier(y, p, classes, positive):
    if positive is not None:
        return float(brier_score_loss((y == positive).astype(int), p[:, positive], pos_label=1))
    onehot = np.eye(len(classes))[y]
    return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))


def log_loss(y, p):
    p_true = p[np.arange(len(y)), y]
    return float(np.mean(-np.log(np.clip(p_true, LOG_LOSS_CLIP, 1.0))))


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


def ece(y, p):
    confidence, correct = top_label(y, p)
    total = 0.0
    for n, conf, acc in reliability(confidence, correct):
        if n:
            total += n / len(y) * abs(acc - conf)
    return total


def recompute(y, p, classes, positive):
    return {
        "accuracy": float(np.mean(np.argmax(p, axis=1) == y)),
        "auroc": auroc(y, p, classes, positive),
        "brier": brier(y, p, classes, positive),
        "log_loss": log_loss(y, p),
        "ece": ece(y, p),
    }


class Comparison:
    def __init__(self):
        self.rows = []
        self.failures = []

    def check(self, site, quantity, reported, expected, exact=False):
        if reported is None or expected is None:
            ok = reported is None and expected is None
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

    def fail(self, site, quantity, why):
        self.rows.append((site, quantity, None, None, None, False))
        self.failures.append(f"{site} {quantity}: {why}")

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
    if isinstance(v, float):
        return f"{v:.10f}"
    return str(v)


def value_of(metrics, name):
    """(present, value) of a metric in a results.json metric object."""
    if not isinstance(metrics, dict) or name not in metrics or not isinstance(metrics[name], dict) or "value" not in metrics[name]:
        return False, None
    return True, metrics[name]["value"]


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
        development = (results.get("development") or {}).get("metrics") or {}
        reported_sites = results.get("sites")
        if not isinstance(reported_sites, list):
            raise BadInput("results.json has no sites list")
    except BadInput as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    cmp = Comparison()
    reported_names = [s.get("name") for s in reported_sites]
    for name in sorted(set(sites) - set(reported_names)):
        cmp.fail(name, "site", "in predictions.csv but not in results.json")

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
            values = recompute(y, p, classes, positive)
        except ValueError as e:  # e.g. sklearn refusing probabilities outside [0, 1]
            cmp.fail(name, "metrics", f"cannot recompute: {e}")
            continue
        for metric in METRICS:
            present, reported = value_of(site.get("metrics"), metric)
            if not present:
                cmp.fail(name, metric, "missing from results.json")
                continue
            cmp.check(name, metric, reported, values[metric])
        for metric in METRICS:
            present, reported = value_of(site.get("gap"), metric)
            dev_present, dev = value_of(development, metric)
            if not present or not dev_present:
                cmp.fail(name, f"gap.{metric}", "gap or development value missing from results.json")
                continue
            expected = None if values[metric] is None or dev is None else values[metric] - dev
            cmp.check(name, f"gap.{metric}", reported, expected)

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

    cmp.print_table()
    if cmp.failures:
        print(f"\n{len(cmp.failures)} value(s) differ from an independent recomputation (tolerance {TOLERANCE:g}):")
        for f in cmp.failures:
            print(f"  {f}")
        return 1
    print(f"\nall {len(cmp.rows)} values match an independent recomputation (tolerance {TOLERANCE:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
