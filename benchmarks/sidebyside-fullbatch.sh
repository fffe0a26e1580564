#!/usr/bin/env bash
# The notebook's full-batch step, ours and PyTorch's, side by side (issue 18 point 1): ROUNDS rounds
# (default 5), each running ours on 1 and 2 threads with AVX-512 on and off (DOTNET_EnableAVX512=0;
# not DOTNET_EnableAVX512F, which does nothing on .NET 10) and PyTorch on 1 and 2 threads, interleaved,
# one process per figure; then the median of each over the rounds, the ratios to PyTorch, and the FMA
# peak of this machine (our GFLOP/s as a fraction of it), and last the second thread's gain paired in one
# process. Ours on 2 threads is the library's default, the adaptive schedule (benchmarks/placement-fullbatch.sh
# times each schedule by placement). Run it on a quiet machine:
#
#     benchmarks/sidebyside-fullbatch.sh [ROUNDS]
#
# Needs /usr/bin/python3 with torch (python3-torch); `python3` on PATH may lack it.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
dotnet build benchmarks/CollaborativeFiltering.Benchmarks -c Release -v quiet -nologo >/dev/null
dll=$(ls benchmarks/CollaborativeFiltering.Benchmarks/bin/Release/net*/CollaborativeFiltering.Benchmarks.dll | head -1)
for round in $(seq "$rounds"); do
  for threads in 1 2; do
    for avx in on off; do
      for case in Plain/100k/d30 Regularized/100k/d50; do
        if [ "$avx" = off ]; then export DOTNET_EnableAVX512=0; else unset DOTNET_EnableAVX512; fi
        line=$(dotnet "$dll" step "$case" "$threads")
        echo "round $round avx512=$avx $line" | tee -a "$out"
      done
    done
    unset DOTNET_EnableAVX512
    /usr/bin/python3 benchmarks/pytorch/notebook_step.py "$threads" | sed "s/^/round $round pytorch /" | tee -a "$out"
  done
done
echo "--- FMA peak (best of 7), AVX-512 on, then off"
dotnet "$dll" fma-peak 2
DOTNET_EnableAVX512=0 dotnet "$dll" fma-peak 2
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
ours, torch = {}, {}
for line in lines:
    m = re.search(r"avx512=(\w+) ours (\S+): threads=(\d+) .*?ms/iteration median=([\d.]+).*GFLOP/s=([\d.]+)", line)
    if m:
        ours.setdefault((m[2], m[1], int(m[3])), []).append((float(m[4]), float(m[5])))
        continue
    m = re.search(r"pytorch (\w+): d=\d+ threads=(\d+) ms/iteration median=([\d.]+)", line)
    if m:
        torch.setdefault((m[1], int(m[2])), []).append(float(m[3]))
print(f"--- medians over {sys.argv[2]} rounds (ms per iteration)")
for (case, avx, threads), values in sorted(ours.items()):
    ms = statistics.median(v[0] for v in values)
    gflops = statistics.median(v[1] for v in values)
    model = "plain" if case.startswith("Plain") else "regularized"
    pt = statistics.median(torch.get((model, threads), [float("nan")]))
    single = ours.get((case, avx, 1))
    speedup = statistics.median(v[0] for v in single) / ms if single and threads == 2 else float("nan")
    print(f"{case:22} AVX-512 {avx:3} threads={threads}: ours {ms:.3f} ms ({gflops:.1f} GFLOP/s), PyTorch {pt:.2f} ms, ratio {pt / ms:.1f}x"
          + (f", 2 threads over 1: {speedup:.2f}x" if threads == 2 else ""))
PY
echo "Fraction of peak: divide an 'ours' GFLOP/s by the FMA peak above for the same width and threads (256-bit when AVX-512 is off)."
# The "2 threads over 1" above divides medians taken in separate processes minutes apart; on a host whose
# speed drifts, the paired figure below (a one-thread and a two-thread trainer stepped in rotation in one
# process, step-ab's @THREADS) is the one to quote.
echo "--- the second thread, paired in one process (median of the rounds' ratios: ratio-to-first on the 2-thread line is its time over the 1-thread one's)"
for avx in on off; do
  for case in Plain/100k/d30 Regularized/100k/d50; do
    if [ "$avx" = off ]; then export DOTNET_EnableAVX512=0; else unset DOTNET_EnableAVX512; fi
    dotnet "$dll" step-ab "$case" 2 "$((2 * rounds + 1))" adaptive@1 adaptive | tail -2 | sed "s/^/avx512=$avx /"
  done
done
unset DOTNET_EnableAVX512
