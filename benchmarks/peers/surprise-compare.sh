#!/usr/bin/env bash
# Our kNN, baselines, biased SGD and SVD++ side by side with Surprise (issues 12 and 17), on the same files.
#
#   benchmarks/peers/surprise-compare.sh SURPRISE_DIR [WORK_DIR] [SEEDS] [SGD_SEEDS]
#
#   SURPRISE_DIR  a checkout of github.com/NicolasHug/Surprise with its Cython extensions built in place
#                 for the python3 that has numpy (cd SURPRISE_DIR && python3 setup.py build_ext --inplace;
#                 Debian: apt-get install cython3 python3-dev python3-joblib). This repository neither
#                 ships nor builds it.
#   WORK_DIR      where the data and predictions go (default /tmp/cf-surprise)
#   SEEDS         data seeds, comma-separated (default 42,7): each is the RealisticMovieLens100K synthetic
#                 preset of that seed (943 × 1,682, 100k ratings) with a fixed random 80/20 split of the
#                 same seed, written as a MovieLens 100k folder with u1.base / u1.test
#   SGD_SEEDS     random seeds of the SGD fits on both sides (default 1,2,3)
#
# For each data seed: `CollaborativeFiltering.Benchmarks surprise-data` writes the files, `surprise-predict`
# fits ours (Surprise's table rows configured alike, and our defaults) and writes every test prediction,
# then benchmarks/peers/surprise_compare.py fits Surprise on the same u1.base, predicts u1.test and prints
# the table: RMSE of both, the largest per-pair |difference| and the pairs differing by more than 1e-5
# (deterministic algorithms), mean ± sd over the SGD seeds (SVD, SVDpp), our defaults.
#
# On the real MovieLens 100k (not redistributable, so never here): build the benchmarks project, then
#   BENCH=benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net10.0/CollaborativeFiltering.Benchmarks
#   $BENCH surprise-predict --dir ML100K_DIR --out /tmp/cf-surprise/ours-real
#   python3 benchmarks/peers/surprise_compare.py SURPRISE_DIR ML100K_DIR /tmp/cf-surprise/ours-real
# (ML100K_DIR holds u1.base and u1.test): the same table on the real u1 split.
#
# Fit times: ours are in WORK_DIR/ours-SEED/fits.tsv, Surprise's (fit + predict) on the table's last line.
# They are figures only when this runs alone on a quiet machine.
set -euo pipefail

surprise=${1:?usage: surprise-compare.sh SURPRISE_DIR [WORK_DIR] [SEEDS] [SGD_SEEDS]}
work=${2:-/tmp/cf-surprise}
seeds=${3:-42,7}
sgd_seeds=${4:-1,2,3}
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}

dotnet build "$root/benchmarks/CollaborativeFiltering.Benchmarks" -c Release --nologo -v q >/dev/null
bench="$root/benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net10.0/CollaborativeFiltering.Benchmarks"

mkdir -p "$work"
"$bench" surprise-data --out "$work/data" --seeds "$seeds"
for seed in ${seeds//,/ }; do
    "$bench" surprise-predict --dir "$work/data/seed$seed" --out "$work/ours-$seed" --sgd-seeds "$sgd_seeds"
    "$python" "$root/benchmarks/peers/surprise_compare.py" "$surprise" "$work/data/seed$seed" "$work/ours-$seed" "$sgd_seeds"
    echo
    echo "our fit seconds (seed $seed):"
    column -t "$work/ours-$seed/fits.tsv"
    echo
done
