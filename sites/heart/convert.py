#!/usr/bin/env python3
"""Regenerate the four heart-disease site manifests from the UCI files in uci/.

Usage:  python3 sites/heart/convert.py           (writes <site>/manifest.csv)
        python3 sites/heart/convert.py --check   (exit 1 if a committed manifest differs)

Deterministic and stdlib-only; paths are relative to this script, so it runs from anywhere.
Rules (see README.md): id = <site>-<1-based source row, 3 digits>; label = disease if num > 0
else no_disease; feature cells copied as text; '?' -> empty; chol == 0 and trestbps == 0
(not measured) -> empty.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (output folder, source file in uci/)
SITES = [
    ("cleveland", "processed.cleveland.data"),
    ("hungary", "processed.hungarian.data"),
    ("switzerland", "processed.switzerland.data"),
    ("va-long-beach", "processed.va.data"),
]
SOURCE_COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
                  "thalach", "exang", "oldpeak", "slope", "ca", "thal", "num"]
FEATURES = SOURCE_COLUMNS[:-1]
# Zeros that cannot be real measurements (serum cholesterol, resting blood pressure).
ZERO_MEANS_MISSING = {"chol", "trestbps"}


def convert(site, source):
    """Returns (manifest text, summary dict) for one source file."""
    with open(os.path.join(HERE, "uci", source), "r", encoding="ascii", newline="") as f:
        text = f.read()
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = ["id,label," + ",".join(FEATURES)]
    positives = 0
    missing = {c: 0 for c in FEATURES}
    recoded = {c: 0 for c in sorted(ZERO_MEANS_MISSING)}
    for n, line in enumerate(lines, start=1):
        cells = line.split(",")
        if len(cells) != len(SOURCE_COLUMNS):
            sys.exit(f"{source}:{n}: {len(cells)} cells, expected {len(SOURCE_COLUMNS)}")
        for c, cell in zip(SOURCE_COLUMNS, cells):
            if cell != "?":
                try:
                    float(cell)
                except ValueError:
                    sys.exit(f"{source}:{n}: column {c}: '{cell}' is neither a number nor '?'")
        if cells[-1] == "?":
            sys.exit(f"{source}:{n}: num (the diagnosis) is missing")
        disease = float(cells[-1]) > 0
        positives += disease
        row = [f"{site}-{n:03d}", "disease" if disease else "no_disease"]
        for c, cell in zip(FEATURES, cells):
            if cell == "?":
                cell = ""
            elif c in ZERO_MEANS_MISSING and float(cell) == 0:
                recoded[c] += 1
                cell = ""
            if cell == "":
                missing[c] += 1
            row.append(cell)
        out.append(",".join(row))
    summary = {"rows": len(lines), "positives": positives, "missing": missing, "recoded": recoded}
    return "\n".join(out) + "\n", summary


def main(argv):
    check = "--check" in argv[1:]
    stale = []
    for site, source in SITES:
        manifest, s = convert(site, source)
        path = os.path.join(HERE, site, "manifest.csv")
        if check:
            try:
                with open(path, "r", encoding="utf-8", newline="") as f:
                    if f.read() != manifest:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(manifest)
        missing = " ".join(f"{c}={k}" for c, k in s["missing"].items() if k)
        recoded = " ".join(f"{c}={k}" for c, k in s["recoded"].items())
        print(f"{site}: rows={s['rows']} positives={s['positives']} "
              f"recoded zeros: {recoded}; missing: {missing or 'none'}")
    if stale:
        print("out of date (run python3 sites/heart/convert.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
