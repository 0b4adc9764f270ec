#!/usr/bin/env python3
"""Recomputes FID from the feature files of `gan4j eval --features-out DIR --json` with
numpy/scipy and compares it with gan4j's figure.

Two scipy references: the usual `sqrtm(C1 C2)` (pytorch-fid, TF-GAN) and
tr sqrt(C1^1/2 C2 C1^1/2) as the sum of the singular values of C2^1/2 C1^1/2, which stays exact
when covariances are singular (dead ReLU features). Exits 1 when either differs from gan4j by
more than 1e-6 relative.

usage: bench/fid_check.py DIR EVAL_JSON
"""
import json
import sys

import numpy as np
from scipy import linalg

TOLERANCE = 1e-6


def moments(a):
    a = a.astype(np.float64)
    return a.mean(0), np.cov(a, rowvar=False)


def fid_sqrtm(mu1, c1, mu2, c2):
    covmean = linalg.sqrtm(c1.dot(c2))
    return float(((mu1 - mu2) ** 2).sum() + np.trace(c1) + np.trace(c2) - 2 * np.trace(covmean.real))


def psd_sqrt(c):
    w, v = linalg.eigh((c + c.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fid_symmetric(mu1, c1, mu2, c2):
    tr_sqrt = linalg.svdvals(psd_sqrt(c2) @ psd_sqrt(c1)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(c1) + np.trace(c2) - 2 * tr_sqrt)


def main():
    d, report = sys.argv[1], json.load(open(sys.argv[2]))
    mu1, c1 = moments(np.load(f"{d}/real.npy"))
    worst = 0.0
    for name, key in (("generated", "generated"), ("held_out", "real_floor")):
        ours = report[key]["fid"]
        mu2, c2 = moments(np.load(f"{d}/{name}.npy"))
        sym = fid_symmetric(mu1, c1, mu2, c2)
        usual = fid_sqrtm(mu1, c1, mu2, c2)
        rel_sym = abs(ours - sym) / max(abs(sym), 1e-12)
        rel_usual = abs(ours - usual) / max(abs(usual), 1e-12)
        worst = max(worst, rel_sym, rel_usual)
        print(f"{name}: gan4j {ours:.9f}  scipy svd {sym:.9f} (relative difference {rel_sym:.2e})"
              f"  scipy sqrtm(C1 C2) {usual:.9f} ({rel_usual:.2e})")
    print(f"worst relative difference {worst:.2e} ({'within' if worst <= TOLERANCE else 'OVER'} {TOLERANCE:g})")
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
