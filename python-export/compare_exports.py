"""Compares two exports (the committed one and a fresh regeneration): every fixture .npy and
manifest, bit for bit, and every reference model's weights. Exit 1 on any difference.

Usage: python compare_exports.py COMMITTED_ROOT FRESH_ROOT
"""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np


def arrays_h5(path):
    out = {}
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as z:
            f = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    else:
        f = h5py.File(path, "r")
    f.visititems(lambda n, o: out.__setitem__(n, o[()]) if isinstance(o, h5py.Dataset) else None)
    return out


def main():
    old, new = sys.argv[1], sys.argv[2]
    checked, bad = 0, []
    for sub in ("fixtures", "reference"):
        for dirpath, _, files in os.walk(os.path.join(old, sub)):
            for name in sorted(files):
                a = os.path.join(dirpath, name)
                rel = os.path.relpath(a, old)
                b = os.path.join(new, rel)
                if name.endswith(".md"):
                    continue
                if not os.path.exists(b):
                    bad.append(rel + ": missing from the regeneration")
                    continue
                checked += 1
                if name.endswith(".npy"):
                    x, y = np.load(a), np.load(b)
                    if x.shape != y.shape or x.tobytes() != y.tobytes():
                        diff = np.nanmax(np.abs(x - y)) if x.shape == y.shape else "shape"
                        bad.append("%s: differs (max abs %s)" % (rel, diff))
                elif name.endswith(".json") and sub == "fixtures":
                    if json.load(open(a)) != json.load(open(b)):
                        bad.append(rel + ": manifest differs")
                elif name.endswith((".h5", ".keras")):
                    x, y = arrays_h5(a), arrays_h5(b)
                    if x.keys() != y.keys():
                        bad.append(rel + ": different weight sets")
                    for k in x:
                        if k in y and (x[k].shape != y[k].shape or np.asarray(x[k]).tobytes() != np.asarray(y[k]).tobytes()):
                            bad.append("%s: weight %s differs" % (rel, k))
                elif name == "training.json":
                    if json.load(open(a))["models"] != json.load(open(b))["models"]:
                        bad.append(rel + ": training results differ")
    for line in bad:
        print("DIFF", line)
    print("checked %d files: %s" % (checked, "all reproduced exactly" if not bad else "%d differ" % len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
