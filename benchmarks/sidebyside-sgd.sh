#!/usr/bin/env bash
# Biased SGD against LIBMF, side by side on the same files (issues 16 and 18): rank 64, 20 iterations,
# 1 and 2 threads, at the 1M and 10M shapes, each side in its own process and the two interleaved
# ROUNDS times; prints the medians. Run it on a quiet machine: figures taken while other work runs
# are not measurements.
#
#   benchmarks/sidebyside-sgd.sh LIBMF_DIR [DATA_DIR] [ROUNDS] [SHAPES]
#
#   LIBMF_DIR  a directory holding LIBMF's mf-train, built from its public source (this repository
#              neither ships nor builds it)
#   DATA_DIR   where the synthetic files are written once (default /tmp/cf-sidebyside-sgd)
#   ROUNDS     interleaved rounds per case (default 5)
#   SHAPES     default "1m 10m"; "32m" adds ml-32m's shape (slow: minutes per run)
#
# The data: benchmarks/CollaborativeFiltering.Benchmarks `sgd-text` writes the Scale tool's synthetic
# sets (same shapes and seed) as "user item rating" lines with 0-based ids, which mf-train reads.
#
# What is timed (training only, parsing excluded on both sides):
#   ours   `sgd-fit`: the file is read untimed, one 1-epoch fit warms the JIT, then the whole
#          BiasedSgdFactorizer.Fit is timed (fit_s): grid set-up, 20 epochs and the final error pass.
#   LIBMF  mf-train prints no timings, so its training time is estimated as
#          (wall(-t 20) - wall(-t 1)) * 20/19: both runs read the file, build the grid and write
#          the model, so the difference is 19 iterations.
#
# Settings: k = 64, 20 iterations, lambda = 0.08 on the factors on both sides (LIBMF -l2 0.08, our
# default Regularization). What differs and cannot be matched: LIBMF has no biases (we update b_u and
# b_i too, so we do slightly more work per rating), uses AdaGrad-style per-row step sizes from -r 0.1
# where we use a global step 0.01 decayed by 0.97 per epoch, and its grid is max(20, 2s+1) bins with a
# dynamic scheduler where ours is a 16..64 grid run as Latin-square strata. --quiet keeps LIBMF from
# computing the objective every iteration.
set -euo pipefail

LIBMF_DIR=${1:?usage: sidebyside-sgd.sh LIBMF_DIR [DATA_DIR] [ROUNDS] [SHAPES]}
DATA_DIR=${2:-/tmp/cf-sidebyside-sgd}
ROUNDS=${3:-5}
SHAPES=${4:-1m 10m}
MF_TRAIN="$LIBMF_DIR/mf-train"
[ -x "$MF_TRAIN" ] || { echo "no executable mf-train in $LIBMF_DIR" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/.." && pwd)
PROJECT="$REPO/benchmarks/CollaborativeFiltering.Benchmarks"
dotnet build "$PROJECT" -c Release -v quiet -nologo >/dev/null
OURS=$(find "$PROJECT/bin/Release" -maxdepth 2 -name CollaborativeFiltering.Benchmarks -type f | head -n 1)
mkdir -p "$DATA_DIR"

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

RESULTS="$DATA_DIR/results.tsv"
: > "$RESULTS"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(dotnet --version 2>/dev/null | sed 's/^/dotnet /'); rounds: $ROUNDS"

for shape in $SHAPES; do
    file="$DATA_DIR/$shape.txt"
    [ -s "$file" ] || "$OURS" sgd-text --shape "$shape" --out "$file"
    for threads in 1 2; do
        for round in $(seq 1 "$ROUNDS"); do
            line=$("$OURS" sgd-fit --file "$file" --threads "$threads" --dims 64 --epochs 20)
            echo "$line"
            fit=$(sed -E 's/.*fit_s=([0-9.]+).*/\1/' <<<"$line")
            printf '%s\t%s\tours\t%s\n' "$shape" "$threads" "$fit" >> "$RESULTS"

            start=$(now); "$MF_TRAIN" -k 64 -t 20 -s "$threads" -l2 0.08 --quiet "$file" "$DATA_DIR/$shape.model"; end=$(now)
            t20=$(echo "$end - $start" | bc -l)
            start=$(now); "$MF_TRAIN" -k 64 -t 1 -s "$threads" -l2 0.08 --quiet "$file" "$DATA_DIR/$shape.model"; end=$(now)
            t1=$(echo "$end - $start" | bc -l)
            train=$(echo "($t20 - $t1) * 20 / 19" | bc -l)
            printf 'libmf threads=%s whole_run_s=%.3f one_iteration_run_s=%.3f train_s=%.3f\n' "$threads" "$t20" "$t1" "$train"
            printf '%s\t%s\tlibmf\t%s\n' "$shape" "$threads" "$train" >> "$RESULTS"
            printf '%s\t%s\tlibmf_whole\t%s\n' "$shape" "$threads" "$t20" >> "$RESULTS"
        done
    done
done

echo
echo "| shape | threads | ours: Fit, median s | LIBMF: training, median s | LIBMF whole run (parse + grid + train + save), median s | ours / LIBMF |"
echo "|---|---|---|---|---|---|"
for shape in $SHAPES; do
    for threads in 1 2; do
        ours=$(awk -F'\t' -v s="$shape" -v t="$threads" '$1 == s && $2 == t && $3 == "ours" { print $4 }' "$RESULTS" | median)
        libmf=$(awk -F'\t' -v s="$shape" -v t="$threads" '$1 == s && $2 == t && $3 == "libmf" { print $4 }' "$RESULTS" | median)
        whole=$(awk -F'\t' -v s="$shape" -v t="$threads" '$1 == s && $2 == t && $3 == "libmf_whole" { print $4 }' "$RESULTS" | median)
        printf '| %s | %s | %.3f | %.3f | %.3f | %.2f |\n' "$shape" "$threads" "$ours" "$libmf" "$whole" "$(echo "$ours / $libmf" | bc -l)"
    done
done

echo
echo "second thread (1-thread median / 2-thread median):"
for shape in $SHAPES; do
    for side in ours libmf; do
        one=$(awk -F'\t' -v s="$shape" -v x="$side" '$1 == s && $2 == 1 && $3 == x { print $4 }' "$RESULTS" | median)
        two=$(awk -F'\t' -v s="$shape" -v x="$side" '$1 == s && $2 == 2 && $3 == x { print $4 }' "$RESULTS" | median)
        printf '  %s %s: %.2fx\n' "$shape" "$side" "$(echo "$one / $two" | bc -l)"
    done
done
echo "raw figures: $RESULTS"
