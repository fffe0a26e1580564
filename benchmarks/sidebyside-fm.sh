#!/usr/bin/env bash
# The Bayesian factorization machine against libFM's MCMC, side by side on the same files (issue 15): rank 10,
# 200 sweeps, three configurations (user and item ids; plus user and item side information; plus the items each
# user rated), ours at 1 and 2 threads and libFM (single-threaded), each run in its own process, the sides
# interleaved ROUNDS times; prints the medians of the times and of the test RMSEs. Run it on a quiet machine:
# figures taken while other work runs are not measurements.
#
#   benchmarks/sidebyside-fm.sh LIBFM_DIR [DATA_DIR] [ROUNDS] [CONFIGS]
#
#   LIBFM_DIR  libFM's bin directory (libFM, convert, transpose), built from its public source with `make all`
#              (github.com/srendle/libfm; this repository neither ships nor builds it)
#   DATA_DIR   where the files are written once (default /tmp/cf-sidebyside-fm)
#   ROUNDS     interleaved rounds per configuration (default 5; round r uses seed r on both sides)
#   CONFIGS    default "ids side implicit"
#
# The data: benchmarks/CollaborativeFiltering.Benchmarks `fm-data` generates the MovieLens-100k-shaped synthetic
# set (SyntheticOptions.RealisticMovieLens100K with occupation effects, seed 2026), writes it as MovieLens 100k
# files with an 80/20 split by rating (u1.base/u1.test), loads the split back and writes libFM's inputs from it:
# ids.{train,test}.libfm (user, item), side.{train,test}.libfm (plus age bracket, sex, occupation, zip prefix,
# genres 1/g, release-year bucket, as FeatureBlocks.UserInfo/ItemInfo encode them), the implicit block as a libFM
# relation (rated.libfm, one row per user: the items it rated in u1.base, each 1/sqrt(n); rated.train/rated.test:
# each rating's row), and *.meta (one prior per feature group, as ours has; the relation has its own group).
#
# What runs:
#   ours   `fm-fit --config C --seed r --threads T`: loads u1.base/u1.test untimed, one 2-sweep fit warms the JIT,
#          then times BayesianFactorizationMachine.Fit (fit_s, wall, and cpu_s, the process's CPU time: layout,
#          200 sweeps, the stored samples) at its
#          defaults (rank 10, 200 sweeps, 10 burn-in, init_stdev 0.1) with the configuration's blocks.
#   libFM  libFM -task r -method mcmc -dim '1,1,10' -iter 200 -init_stdev 0.1 -seed r -meta C.meta
#          [-relation rated], defaults otherwise. It prints no timings, so two are taken: its whole run (wall:
#          parsing the text files, the sweeps, and predicting the test set after every sweep) and, from its
#          -rlog, the summed per-sweep time_learn (CPU time of the draws alone, draw_all: what ours' sweeps do,
#          minus the per-sweep re-prediction of train and test).
set -euo pipefail

LIBFM_DIR=${1:?usage: sidebyside-fm.sh LIBFM_DIR [DATA_DIR] [ROUNDS] [CONFIGS]}
DATA_DIR=${2:-/tmp/cf-sidebyside-fm}
ROUNDS=${3:-5}
CONFIGS=${4:-ids side implicit}
for tool in libFM convert transpose; do
    [ -x "$LIBFM_DIR/$tool" ] || { echo "no executable $tool in $LIBFM_DIR" >&2; exit 2; }
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
PROJECT="$REPO/benchmarks/CollaborativeFiltering.Benchmarks"
dotnet build "$PROJECT" -c Release -v quiet -nologo >/dev/null
OURS=$(find "$PROJECT/bin/Release" -maxdepth 2 -name CollaborativeFiltering.Benchmarks -type f | head -n 1)
mkdir -p "$DATA_DIR"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
if [ ! -s "$DATA_DIR/rated.xt" ]; then
    "$OURS" fm-data --dir "$DATA_DIR"
    "$LIBFM_DIR/convert" --ifile "$DATA_DIR/rated.libfm" --ofilex "$DATA_DIR/rated.x" --ofiley "$DATA_DIR/rated.y" >/dev/null
    "$LIBFM_DIR/transpose" --ifile "$DATA_DIR/rated.x" --ofile "$DATA_DIR/rated.xt" >/dev/null
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

RESULTS="$DATA_DIR/results.tsv"
: > "$RESULTS"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(dotnet --version 2>/dev/null | sed 's/^/dotnet /'); rounds: $ROUNDS"

for config in $CONFIGS; do
    file=$config; relation=()
    if [ "$config" = implicit ]; then file=side; relation=(-relation "$DATA_DIR/rated"); fi
    for round in $(seq 1 "$ROUNDS"); do
        for threads in 1 2; do
            line=$("$OURS" fm-fit --dir "$DATA_DIR" --config "$config" --seed "$round" --threads "$threads" --warmup 1)
            echo "$line"
            rmse=$(sed -E 's/.*test_rmse=([0-9.]+).*/\1/' <<<"$line")
            printf '%s\tours%s\t%s\t%s\n' "$config" "$threads" "$(sed -E 's/.*fit_s=([0-9.]+).*/\1/' <<<"$line")" "$rmse" >> "$RESULTS"
            printf '%s\tours%s_cpu\t%s\t%s\n' "$config" "$threads" "$(sed -E 's/.*cpu_s=([0-9.]+).*/\1/' <<<"$line")" "$rmse" >> "$RESULTS"
        done

        rlog="$DATA_DIR/libfm-$config.rlog"
        start=$(now)
        rmse=$("$LIBFM_DIR/libFM" -task r -method mcmc -train "$DATA_DIR/$file.train.libfm" -test "$DATA_DIR/$file.test.libfm" \
            -dim '1,1,10' -iter 200 -init_stdev 0.1 -seed "$round" -meta "$DATA_DIR/$file.meta" "${relation[@]}" -rlog "$rlog" \
            | tail -n 1 | sed -E 's/.*Test=([0-9.]+).*/\1/')
        end=$(now)
        whole=$(echo "$end - $start" | bc -l)
        learn=$(awk -F'\t' 'NR == 1 { for (c = 1; c <= NF; c++) if ($c == "time_learn") col = c; next } { s += $col } END { print s }' "$rlog")
        printf 'libfm config=%s seed=%s whole_run_s=%.3f draws_cpu_s=%.3f test_rmse=%s\n' "$config" "$round" "$whole" "$learn" "$rmse"
        printf '%s\tlibfm\t%s\t%s\n' "$config" "$learn" "$rmse" >> "$RESULTS"
        printf '%s\tlibfm_whole\t%s\t%s\n' "$config" "$whole" "$rmse" >> "$RESULTS"
    done
done

col() { awk -F'\t' -v c="$1" -v s="$2" -v k="$3" '$1 == c && $2 == s { print $k }' "$RESULTS" | median; }
echo
echo "| config | ours 1 thread: Fit, median s | ours 1 thread: Fit CPU, median s | ours 2 threads: Fit, median s | libFM: draws CPU, median s | libFM whole run, median s | ours 1-thread CPU / libFM draws CPU | test RMSE ours / libFM (medians) |"
echo "|---|---|---|---|---|---|---|---|"
for config in $CONFIGS; do
    o1=$(col "$config" ours1 3); c1=$(col "$config" ours1_cpu 3); o2=$(col "$config" ours2 3); l=$(col "$config" libfm 3); w=$(col "$config" libfm_whole 3)
    printf '| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.2f | %.4f / %.4f |\n' "$config" "$o1" "$c1" "$o2" "$l" "$w" "$(echo "$c1 / $l" | bc -l)" "$(col "$config" ours1 4)" "$(col "$config" libfm 4)"
done
echo "raw figures: $RESULTS"
