#!/usr/bin/env python3
"""Surprise's side of the comparison with ours (issues 12 and 17), and the comparison itself.

    python3 surprise_compare.py SURPRISE_DIR DATA_DIR OURS_DIR [SEEDS]

SURPRISE_DIR  a checkout of github.com/NicolasHug/Surprise with its extensions built in place
              (python3 setup.py build_ext --inplace); this repository neither ships nor builds it
DATA_DIR      a folder written by `CollaborativeFiltering.Benchmarks surprise-data` (u1.base, u1.test)
OURS_DIR      the predictions `CollaborativeFiltering.Benchmarks surprise-predict` wrote for DATA_DIR
SEEDS         random_state values of SVD and SVDpp, comma-separated (default 1,2,3: the seeds ours used)

Both sides read the same u1.base/u1.test. Prints one markdown table: Surprise's test RMSE, ours configured
alike, the largest |difference| of the two predictions of one test pair (deterministic algorithms), and how
many pairs differ by more than 1e-5. Fit times are printed for a functional check only: on a shared machine
they are not measurements.
"""
import math
import statistics
import sys
import time

import numpy as np

surprise_dir, data_dir, ours_dir = sys.argv[1:4]
seeds = [int(s) for s in (sys.argv[4] if len(sys.argv) > 4 else "1,2,3").split(",")]
sys.path.insert(0, surprise_dir)

from surprise import (  # noqa: E402
    SVD,
    BaselineOnly,
    Dataset,
    KNNBaseline,
    KNNBasic,
    KNNWithMeans,
    Reader,
    SVDpp,
)
from surprise.model_selection import PredefinedKFold  # noqa: E402

reader = Reader("ml-100k")  # user item rating timestamp, tab-separated, rating scale (1, 5)
data = Dataset.load_from_folds([(f"{data_dir}/u1.base", f"{data_dir}/u1.test")], reader=reader)
trainset, testset = next(PredefinedKFold().split(data))


def read_ours(name):
    """Our predictions, keyed by (raw user, raw item)."""
    out = {}
    with open(f"{ours_dir}/{name}.tsv") as f:
        for line in f:
            u, i, r, p = line.rstrip("\n").split("\t")
            out[(u, i)] = float(p)
    return out


def rmse(pairs):
    return math.sqrt(sum((r - p) ** 2 for r, p in pairs) / len(pairs))


def fit_predict(algo, koren_shrinkage=False):
    started = time.perf_counter()
    algo.fit(trainset)
    if koren_shrinkage:
        to_koren(algo)
    predictions = {(p.uid, p.iid): (p.r_ui, p.est) for p in algo.test(testset)}
    return predictions, time.perf_counter() - started


def to_koren(algo):
    """Rescales Surprise's pearson_baseline shrinkage (n-1)/(n-1+100) to Koren's n/(n+100) (Koren 2010, eq. 2)."""
    ub = algo.sim_options.get("user_based", True)
    n_x = trainset.n_users if ub else trainset.n_items
    n_y = trainset.n_items if ub else trainset.n_users
    x = np.zeros((n_x, n_y))
    for y, ratings in (trainset.ir if ub else trainset.ur).items():
        for x_, _ in ratings:
            x[x_, y] = 1
    n = x @ x.T
    shrink = algo.sim_options.get("shrinkage", 100)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n >= 2, (n / (n + shrink)) / ((n - 1) / (n - 1 + shrink)), 1.0)
    np.fill_diagonal(factor, 1.0)
    algo.sim = algo.sim * factor


known_users = {trainset.to_raw_uid(u) for u in trainset.all_users()}
known_items = {trainset.to_raw_iid(i) for i in trainset.all_items()}
rows = []
times = []


def compare(label, surprise_algo, ours_name, koren=False):
    theirs, seconds = fit_predict(surprise_algo, koren)
    times.append((label, seconds))
    ours = read_ours(ours_name)
    assert set(ours) == set(theirs), f"{ours_name}: the test pairs differ"
    diffs = {k: abs(ours[k] - theirs[k][1]) for k in theirs}
    warm = [d for k, d in diffs.items() if k[0] in known_users and k[1] in known_items]
    rows.append((
        label,
        f"{rmse(list(theirs.values())):.4f}",
        f"{rmse([(theirs[k][0], ours[k]) for k in theirs]):.4f}",
        f"{max(diffs.values()):.2e} ({max(warm):.2e})",
        f"{sum(d > 1e-5 for d in diffs.values())} ({sum(d > 1e-5 for d in warm)})",
    ))


compare("BaselineOnly", BaselineOnly(verbose=False), "surprise-baselineonly")
compare("KNNBasic (user, MSD)", KNNBasic(verbose=False), "surprise-knnbasic")
compare("KNNWithMeans (user, MSD)", KNNWithMeans(verbose=False), "surprise-knnwithmeans")
compare("KNNBaseline (user, MSD)", KNNBaseline(verbose=False), "surprise-knnbaseline")
for ub, orient in ((False, "item"), (True, "user")):
    sim = {"name": "pearson_baseline", "user_based": ub}
    compare(f"KNNBaseline ({orient}, pearson_baseline)", KNNBaseline(sim_options=sim, verbose=False), f"surprise-knnbaseline-pb-{orient}")
    compare(f"  same, Surprise's shrinkage rescaled to n/(n+100)", KNNBaseline(sim_options=sim, verbose=False), f"surprise-knnbaseline-pb-{orient}", koren=True)

for label, make, name in (("SVD", lambda s: SVD(random_state=s), "surprise-svd"), ("SVDpp", lambda s: SVDpp(random_state=s), "surprise-svdpp")):
    theirs_rmse, ours_rmse = [], []
    for s in seeds:
        theirs, seconds = fit_predict(make(s))
        times.append((f"{label} seed {s}", seconds))
        theirs_rmse.append(rmse(list(theirs.values())))
        ours = read_ours(f"{name}.seed{s}")
        ours_rmse.append(rmse([(theirs[k][0], ours[k]) for k in theirs]))
    sd = lambda v: statistics.stdev(v) if len(v) > 1 else 0.0  # noqa: E731
    rows.append((f"{label} ({len(seeds)} seeds)", f"{statistics.mean(theirs_rmse):.4f} ± {sd(theirs_rmse):.4f}",
                 f"{statistics.mean(ours_rmse):.4f} ± {sd(ours_rmse):.4f}", "—", "—"))

print(f"## {data_dir}: {trainset.n_ratings} training, {len(testset)} test ratings; "
      f"{sum(1 for u, i, _ in testset if u not in known_users or i not in known_items)} test pairs with a user or item unseen in training\n")
print("| Surprise algorithm (its defaults) | Surprise RMSE | ours configured alike | max abs diff (both known) | pairs > 1e-5 (both known) |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")

print("\n| our defaults (sample's train --model) | test RMSE |")
print("|---|---|")
truth = {(u, i): r for u, i, r in testset}
for name, label in (("ours-item-knn", "item-knn"), ("ours-item-knn-400", "item-knn, the former 400 neighbours kept"), ("ours-user-knn", "user-knn")):
    ours = read_ours(name)
    print(f"| {label} | {rmse([(truth[k], ours[k]) for k in truth]):.4f} |")
for name in ("ours-svdpp", "ours-biased"):
    values = []
    for s in seeds:
        ours = read_ours(f"{name}.seed{s}")
        values.append(rmse([(truth[k], ours[k]) for k in truth]))
    label = "svdpp" if name == "ours-svdpp" else "biased (sgd)"
    print(f"| {label} ({len(seeds)} seeds) | {statistics.mean(values):.4f} ± {statistics.stdev(values) if len(values) > 1 else 0:.4f} |")

print("\nSurprise fit+predict seconds (functional check only, not a measurement): "
      + ", ".join(f"{label} {t:.1f}" for label, t in times))
