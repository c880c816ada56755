#!/usr/bin/env python3
"""Regenerate wdbc.csv (manifest format) from scikit-learn's copy of UCI WDBC.

Usage:  python3 tests/Harness.Tests/Data/wdbc/make_wdbc.py [path/to/breast_cancer.csv]

The default source is Debian's python3-sklearn (1.2.1+dfsg-1):
/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv, whose first line is
"569,30,malignant,benign" and whose rows are 30 features then the target (0 = malignant,
1 = benign). Values are copied as text; the output goes next to this script. Stdlib only.
"""
import os
import sys

DEFAULT_SOURCE = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv"
HERE = os.path.dirname(os.path.abspath(__file__))

# sklearn.datasets.load_breast_cancer's feature_names, in order, with spaces as underscores.
KINDS = ["radius", "texture", "perimeter", "area", "smoothness", "compactness",
         "concavity", "concave_points", "symmetry", "fractal_dimension"]
FEATURES = ([f"mean_{k}" for k in KINDS] + [f"{k}_error" for k in KINDS]
            + [f"worst_{k}" for k in KINDS])
LABELS = {"0": "malignant", "1": "benign"}


def main(argv):
    source = argv[1] if len(argv) > 1 else DEFAULT_SOURCE
    with open(source, "r", encoding="ascii", newline="") as f:
        lines = f.read().replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    if lines[0] != "569,30,malignant,benign":
        sys.exit(f"{source}: unexpected first line {lines[0]!r}")
    out = ["id,label," + ",".join(FEATURES)]
    counts = {"malignant": 0, "benign": 0}
    for n, line in enumerate(lines[1:], start=1):
        cells = line.split(",")
        if len(cells) != 31 or cells[30] not in LABELS:
            sys.exit(f"{source}:{n + 1}: expected 30 features and a 0/1 target")
        for cell in cells[:30]:
            float(cell)  # raises on anything that is not a number
        label = LABELS[cells[30]]
        counts[label] += 1
        out.append(",".join([f"wdbc-{n:03d}", label] + cells[:30]))
    if (len(out) - 1, counts["malignant"], counts["benign"]) != (569, 212, 357):
        sys.exit(f"unexpected counts: {len(out) - 1} rows, {counts}")
    with open(os.path.join(HERE, "wdbc.csv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out) + "\n")
    print(f"wdbc.csv: {len(out) - 1} rows, {counts['malignant']} malignant, {counts['benign']} benign")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
