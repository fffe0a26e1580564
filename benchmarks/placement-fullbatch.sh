#!/usr/bin/env bash
# The full-batch step on 1 and 2 threads, classified by the placement of the two vCPUs (issue 18 point 1).
# On a 2-vCPU virtual machine the hypervisor moves the vCPUs between a close placement (core-to-core
# cache-line round trip ~70-130 ns) and a far one (~370-420 ns); the two-thread step follows it. Each of
# ROUNDS rounds (default 10) measures the round trip with benchmarks/pp/pp.c, runs every case and schedule
# below once (one process per figure, `step CASE THREADS SCHEDULE` of the benchmark dll), measures the
# round trip again, and is classified close (both below CLOSE_NS, default 200), far (both above FAR_NS,
# default 300) or mixed (the placement moved during the round: reported, left out of the medians).
# Schedules: 1 thread; 2 threads adaptive (the library's default: each step on both threads recomputing
# the residuals, on the caller alone, on both gathering them, or on both on their own rows, whichever is
# fastest now); 2 threads "all" (every step on both, residuals recomputed in the item pass); 2 threads
# "gather" (every step on both, residuals gathered: the schedule before the recomputation); 2 threads
# "own" (every step on both, each on its own rows, streamed in first). Run it on a quiet machine:
#
#     benchmarks/placement-fullbatch.sh [ROUNDS]
#     DOTNET_EnableAVX512=0 benchmarks/placement-fullbatch.sh [ROUNDS]   # 256-bit kernels only
#     CASES="Plain/1M/d64 Plain/10M/d64" benchmarks/placement-fullbatch.sh 5  # other shapes (FactorizerBenchmarks.Cases)
#
# Needs a C compiler (cc) for pp; the binary goes to a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
close_ns=${CLOSE_NS:-200}
far_ns=${FAR_NS:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -pthread -o "$tmp/pp" benchmarks/pp/pp.c
dotnet build benchmarks/CollaborativeFiltering.Benchmarks -c Release -v quiet -nologo >/dev/null
dll=$(ls benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net*/CollaborativeFiltering.Benchmarks.dll | head -1)
out="$tmp/lines"
echo "AVX-512: ${DOTNET_EnableAVX512:-default (on where the CPU has it)}"
for round in $(seq "$rounds"); do
  before=$("$tmp/pp")
  lines=()
  for case in ${CASES:-Plain/100k/d30 Regularized/100k/d50}; do
    for config in "1 adaptive" "2 adaptive" "2 all" "2 gather" "2 own"; do
      set -- $config
      lines+=("$(dotnet "$dll" step "$case" "$1" "$2")")
    done
  done
  after=$("$tmp/pp")
  if [ "$before" -lt "$close_ns" ] && [ "$after" -lt "$close_ns" ]; then class=close
  elif [ "$before" -gt "$far_ns" ] && [ "$after" -gt "$far_ns" ]; then class=far
  else class=mixed; fi
  for line in "${lines[@]}"; do
    echo "round $round pp=${before}/${after}ns placement=$class $line" | tee -a "$out"
  done
done
/usr/bin/env python3 - "$out" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.search(r"placement=(\w+) ours (\S+): threads=(\d+) schedule=(\w+) steps-recomputing=(\d+) steps-alone=(\d+) steps-gathering=(\d+) steps-own-rows=(\d+) ms/iteration median=([\d.]+)", line)
    if m:
        placement, case, threads, schedule, recomputing, alone, gathering, own, ms = m.groups()
        rows.setdefault((case, placement, int(threads), schedule), []).append((float(ms), int(recomputing), int(alone), int(gathering), int(own)))
print("--- medians by placement (ms per iteration; rounds; for 2-thread adaptive, the share of steps per schedule)")
for (case, placement, threads, schedule), values in sorted(rows.items()):
    if placement == "mixed":
        continue
    ms = statistics.median(v[0] for v in values)
    one = rows.get((case, placement, 1, "adaptive"))
    speedup = f", over 1 thread: {statistics.median(v[0] for v in one) / ms:.2f}x" if one and threads == 2 else ""
    share = ""
    if threads == 2 and schedule == "adaptive":
        steps = max(sum(v[1] + v[2] + v[3] + v[4] for v in values), 1)
        share = ", steps recomputing/alone/gathering/own rows: " + "/".join(f"{100 * sum(v[k] for v in values) / steps:.0f}%" for k in (1, 2, 3, 4))
    print(f"{case:22} {placement:5} threads={threads} {schedule:8}: {ms:.3f} ms (min {min(v[0] for v in values):.3f}, max {max(v[0] for v in values):.3f}, {len(values)} rounds){speedup}{share}")
mixed = sum(1 for k, v in rows.items() if k[1] == "mixed" for _ in v)
print(f"figures from rounds whose placement moved (left out): {mixed}")
PY
