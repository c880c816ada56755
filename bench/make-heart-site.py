#!/usr/bin/python3
"""Writes a deterministic synthetic heart-disease site (manifest.csv) of any size, for benchmarks.

Same columns, labels and value ranges as sites/heart/cleveland/manifest.csv; features drawn
independently from rough marginals of the UCI heart data, the label from a logistic model of a
few of them (so a trained model has signal to rank). Not clinical data; not for accuracy claims.

With --from/--to, a date column too: each row's date uniform over those days (both included),
rows in date order, --undated of them (a share) left without a date; with --noise-per-year P,
the label of a row dated k years after --from is replaced by a fair coin with probability
min(1, P k), so discrimination drifts down over the years. The dates and the noise come from
their own random stream: the features and labels of a seed are the same with or without them.

    bench/make-heart-site.py --rows 1000000 --seed 7 --out /tmp/big-site
    bench/make-heart-site.py --rows 1000000 --seed 7 --from 2015-01-01 --to 2024-12-31 --undated 0.01 --out /tmp/dated
"""
import argparse
import os

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True, help="site folder to write manifest.csv into")
    parser.add_argument("--from", dest="first", help="first date (YYYY-MM-DD): adds a date column")
    parser.add_argument("--to", dest="last", help="last date (YYYY-MM-DD)")
    parser.add_argument("--undated", type=float, default=0.0, help="share of rows without a date")
    parser.add_argument("--noise-per-year", type=float, default=0.0, help="growth per year of the share of labels replaced by a coin")
    args = parser.parse_args()
    if (args.first is None) != (args.last is None):
        parser.error("--from and --to go together")

    n, rng = args.rows, np.random.default_rng(args.seed)
    age = np.clip(np.rint(rng.normal(54, 9, n)), 28, 77)
    sex = (rng.random(n) < 0.7).astype(float)
    cp = rng.choice([1.0, 2.0, 3.0, 4.0], n, p=[0.07, 0.17, 0.28, 0.48])
    trestbps = np.clip(np.rint(rng.normal(132, 18, n)), 92, 200)
    chol = np.clip(np.rint(rng.normal(245, 55, n)), 85, 603)
    fbs = (rng.random(n) < 0.15).astype(float)
    restecg = rng.choice([0.0, 1.0, 2.0], n, p=[0.55, 0.05, 0.40])
    thalach = np.clip(np.rint(rng.normal(145, 23, n)), 71, 202)
    exang = (rng.random(n) < 0.33).astype(float)
    oldpeak = np.round(np.clip(rng.exponential(1.0, n), 0, 6.2), 1)
    slope = rng.choice([1.0, 2.0, 3.0], n, p=[0.47, 0.46, 0.07])
    ca = rng.choice([0.0, 1.0, 2.0, 3.0], n, p=[0.59, 0.22, 0.13, 0.06])
    thal = rng.choice([3.0, 6.0, 7.0], n, p=[0.55, 0.06, 0.39])

    logit = (-2.9 + 0.03 * (age - 54) + 0.8 * sex + 1.0 * (cp == 4) - 0.02 * (thalach - 145)
             + 0.8 * exang + 0.5 * oldpeak + 0.7 * ca + 1.0 * (thal == 7))
    disease = rng.random(n) < 1 / (1 + np.exp(-logit))

    dates = None
    if args.first is not None:
        dated = np.random.default_rng([args.seed, 1])  # its own stream: the columns above do not change
        first, last = np.datetime64(args.first, "D"), np.datetime64(args.last, "D")
        days = np.sort(dated.integers(0, int((last - first).astype(int)) + 1, n))
        when = first + days.astype("timedelta64[D]")
        years = when.astype("datetime64[Y]").astype(int) - first.astype("datetime64[Y]").astype(int)
        coin = dated.random(n) < np.minimum(1.0, args.noise_per_year * years)
        disease = np.where(coin, dated.random(n) < 0.5, disease)
        dates = np.where(dated.random(n) < args.undated, "", np.datetime_as_string(when, unit="D"))

    os.makedirs(args.out, exist_ok=True)
    columns = [age, sex, cp, trestbps, chol, fbs, restecg, thalach, exang, oldpeak, slope, ca, thal]
    table = np.column_stack(columns)
    width = len(str(n))
    with open(os.path.join(args.out, "manifest.csv"), "w", encoding="ascii", newline="\n") as f:
        f.write("id,label," + ("date," if dates is not None else "") + "age,sex,cp,trestbps,chol,fbs,restecg,thalach,exang,oldpeak,slope,ca,thal\n")
        chunk = 100_000
        for start in range(0, n, chunk):
            stop = min(n, start + chunk)
            values = np.char.mod("%.1f", table[start:stop])
            lines = []
            for i in range(start, stop):
                date = "" if dates is None else dates[i] + ","
                lines.append(f"big-{i + 1:0{width}d},{'disease' if disease[i] else 'no_disease'},{date}" + ",".join(values[i - start]))
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
