#!/usr/bin/env bash
# Interleaved A/B of the full-batch step between a base commit and the working tree: builds the base's
# benchmark project from `git archive BASE` in a temporary directory, then runs `step CASE THREADS
# [SCHEDULE]` alternately on both, ROUNDS times (default 15), one process per figure, and prints the
# medians and the median of the pairwise ratios (new / base). Run it on a quiet machine:
#
#     benchmarks/ab-fullbatch.sh d612fd9 [ROUNDS] [CASE] [THREADS] [SCHEDULE]
#
# e.g. `benchmarks/ab-fullbatch.sh d612fd9 15 Plain/100k/d30 1` checks that the one-thread step is as
# fast as before the schedules. SCHEDULE applies to the working tree only (the base may not know it).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?base commit}
rounds=${2:-15}
case=${3:-Plain/100k/d30}
threads=${4:-1}
schedule=${5:-adaptive}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$base" | tar -x -C "$tmp"
dotnet build "$tmp/benchmarks/CollaborativeFiltering.Benchmarks" -c Release -v quiet -nologo >/dev/null
dotnet build benchmarks/CollaborativeFiltering.Benchmarks -c Release -v quiet -nologo >/dev/null
old=$(ls "$tmp"/benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net*/CollaborativeFiltering.Benchmarks.dll | head -1)
new=$(ls benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net*/CollaborativeFiltering.Benchmarks.dll | head -1)
out="$tmp/lines"
for round in $(seq "$rounds"); do
  echo "base $(dotnet "$old" step "$case" "$threads")" | tee -a "$out"
  echo "new $(dotnet "$new" step "$case" "$threads" "$schedule")" | tee -a "$out"
done
/usr/bin/env python3 - "$out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.search(r"^(\w+) ours .*?median=([\d.]+) min=([\d.]+).*cpu-ms/iteration=([\d.]+)", line)
    if m:
        rows.setdefault(m[1], []).append((float(m[2]), float(m[3]), float(m[4])))
for who in ("base", "new"):
    v = rows[who]
    print(f"{who:4}: median {statistics.median(x[0] for x in v):.3f} ms, best minimum {min(x[1] for x in v):.3f} ms, CPU {statistics.median(x[2] for x in v):.3f} ms per iteration ({len(v)} runs)")
ratios = [n[0] / b[0] for b, n in zip(rows["base"], rows["new"])]
print(f"new / base, median of the pairwise ratios: {statistics.median(ratios):.3f}")
PY
