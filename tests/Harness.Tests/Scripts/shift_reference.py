"""Dataset shift computed independently of Harness (numpy, scipy, scikit-learn), for ShiftTests.cs.

    shift_reference.py training TRAIN_MANIFEST...
        the training distribution: rows, class counts, and per feature (the first manifest's
        column order) observed and missing counts, mean, sample SD (ddof=1), the deciles
        0.1, ..., 0.9 (np.quantile's default method, 'linear'), the histogram edges (the
        distinct deciles) and the counts per bin (np.searchsorted(edges, x, 'left'):
        bins right-closed, outer bins open).
    shift_reference.py site SITE_MANIFEST TRAIN_MANIFEST...
        per feature of the site against those training rows: missing shares, site mean and SD,
        SMD (Austin 2009: (mean_s - mean_t) / sqrt((var_s + var_t) / 2), ddof=1), PSI over the
        bins plus a missing bin with each share floored at 1e-4, the binned KS as the largest
        |ECDF_site(e) - ECDF_training(e)| over the edges e (evaluated on the values, not through
        the histogram), the exact two-sample KS (scipy.stats.ks_2samp) and the membership AUROC
        (sklearn.metrics.roc_auc_score of site rows against training rows, each row scored by its
        bin's likelihood ratio share_site / share_training, missing a bin, inf for bins training
        never filled); and the class shares.

Manifests are read with the csv module; an empty cell or '?' is missing; values go through
float32 first, as Harness reads them. Every feature is treated as numeric (the heart model has
no categorical feature). Prints one JSON object. Exit code 0: printed; 2: bad usage.
"""
import csv
import json
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import roc_auc_score

RESERVED = {"id", "label", "patient_id", "date"}
PROBABILITIES = np.arange(1, 10) / 10
FLOOR = 1e-4


def read(paths, features=None):
    rows = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if features is None:
                features = [c for c in reader.fieldnames if c not in RESERVED]
            rows.extend(reader)
    values = np.array([[np.nan if r[c].strip() in ("", "?") else float(r[c]) for c in features] for r in rows])
    return features, values.astype(np.float32).astype(np.float64), [r["label"] for r in rows]


def edges_of(observed):
    return np.unique(np.quantile(observed, PROBABILITIES))


def training(paths):
    features, x, labels = read(paths)
    out = {"rows": len(labels), "class_counts": {c: labels.count(c) for c in sorted(set(labels))}, "features": []}
    for f, name in enumerate(features):
        v = x[:, f][~np.isnan(x[:, f])]
        edges = edges_of(v)
        out["features"].append({
            "name": name, "observed": int(v.size), "missing": int(np.isnan(x[:, f]).sum()),
            "mean": float(np.mean(v)), "sd": float(np.std(v, ddof=1)),
            "quantiles": np.quantile(v, PROBABILITIES).tolist(), "edges": edges.tolist(),
            "counts": np.bincount(np.searchsorted(edges, v, side="left"), minlength=edges.size + 1).tolist(),
        })
    return out


def site(site_path, paths):
    features, t, t_labels = read(paths)
    _, s, s_labels = read([site_path], features)
    classes = sorted(set(t_labels) | set(s_labels))
    out = {"classes": {c: {"training": t_labels.count(c) / len(t_labels), "site": s_labels.count(c) / len(s_labels)} for c in classes},
           "features": {}}
    for f, name in enumerate(features):
        tv, sv = t[:, f][~np.isnan(t[:, f])], s[:, f][~np.isnan(s[:, f])]
        edges = edges_of(tv)

        def bins(column):  # bin per row, the missing bin last
            b = np.searchsorted(edges, np.nan_to_num(column), side="left")
            return np.where(np.isnan(column), edges.size + 1, b)

        t_bins, s_bins = bins(t[:, f]), bins(s[:, f])
        t_share = np.bincount(t_bins, minlength=edges.size + 2) / t_bins.size
        s_share = np.bincount(s_bins, minlength=edges.size + 2) / s_bins.size
        ft, fs = np.maximum(t_share, FLOOR), np.maximum(s_share, FLOOR)
        ratio = np.where(t_share > 0, s_share / np.where(t_share > 0, t_share, 1), np.inf)
        scores = np.concatenate([ratio[s_bins], ratio[t_bins]])
        scores = np.where(np.isinf(scores), 1e300, scores)
        member = np.concatenate([np.ones(s_bins.size), np.zeros(t_bins.size)])
        row = {
            "missing_training": float(np.isnan(t[:, f]).mean()), "missing_site": float(np.isnan(s[:, f]).mean()),
            "psi": float(np.sum((fs - ft) * np.log(fs / ft))),
            "membership_auroc": float(roc_auc_score(member, scores)),
            "mean_site": None, "sd_site": None, "smd": None, "ks_binned": None, "ks_exact": None,
        }
        if sv.size > 0:
            row["mean_site"] = float(np.mean(sv))
            row["ks_binned"] = float(max((abs(np.mean(sv <= e) - np.mean(tv <= e)) for e in edges), default=0.0))
            row["ks_exact"] = float(stats.ks_2samp(sv, tv).statistic)
        if sv.size > 1:
            row["sd_site"] = float(np.std(sv, ddof=1))
            row["smd"] = float((np.mean(sv) - np.mean(tv)) / np.sqrt((np.var(sv, ddof=1) + np.var(tv, ddof=1)) / 2))
        out["features"][name] = row
    return out


def main(argv):
    if len(argv) >= 2 and argv[0] == "training":
        print(json.dumps(training(argv[1:])))
    elif len(argv) >= 3 and argv[0] == "site":
        print(json.dumps(site(argv[1], argv[2:])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
