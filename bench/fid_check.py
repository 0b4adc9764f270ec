#!/usr/bin/env python3
"""Recomputes FID from the feature files of `gan4j eval --features-out DIR --json` with
numpy/scipy and compares it with gan4j's figure.

usage: bench/fid_check.py DIR EVAL_JSON
"""
import json
import sys

import numpy as np
from scipy import linalg


def fid(a, b):
    a = a.astype(np.float64)
    b = b.astype(np.float64)
    mu1, mu2 = a.mean(0), b.mean(0)
    c1, c2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(c1.dot(c2), disp=False)
    covmean = covmean.real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(c1) + np.trace(c2) - 2 * np.trace(covmean))


def main():
    d, report = sys.argv[1], json.load(open(sys.argv[2]))
    real = np.load(f"{d}/real.npy")
    for name, key in (("generated", "generated"), ("held_out", "real_floor")):
        ours = report[key]["fid"]
        theirs = fid(real, np.load(f"{d}/{name}.npy"))
        rel = abs(ours - theirs) / max(abs(theirs), 1e-12)
        print(f"{name}: gan4j {ours:.9f}  scipy {theirs:.9f}  relative difference {rel:.2e}")


if __name__ == "__main__":
    main()
