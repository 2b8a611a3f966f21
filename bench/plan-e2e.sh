#!/usr/bin/env bash
# End-to-end timing of `nodeipam plan` on a generated tree of about 100,000 objects:
# JVM start, reading and converting every manifest, deciding every Service, writing the JSON.
#   bench/plan-e2e.sh                  # 100,000 objects in bench-data/tree-100000, 3 runs
#   OBJECTS=20000 RUNS=1 bench/plan-e2e.sh
# The tree is generated once (nodeipam generate --objects N --seed 42) and reused.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
objects="${OBJECTS:-100000}"
runs="${RUNS:-3}"
tree="${TREE:-$root/bench-data/tree-$objects}"
nodeipam="$root/bin/nodeipam"

"$nodeipam" --version >/dev/null  # builds the jar if needed, outside the timing
if [[ ! -d "$tree" ]]; then
  "$nodeipam" generate --objects "$objects" --seed 42 --out "$tree"
fi
echo "tree: $tree ($(find "$tree" -type f | wc -l) files, $(du -sh "$tree" | cut -f1))"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(java -version 2>&1 | head -1), load average$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
for ((i = 1; i <= runs; i++)); do
  start=$(date +%s.%N)
  if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f "run $i: %e s wall, %U s user, %S s sys, %M KB max RSS" \
      "$nodeipam" plan -f "$tree" -o json >/dev/null
  else
    "$nodeipam" plan -f "$tree" -o json >/dev/null
    echo "run $i: $(echo "$(date +%s.%N) - $start" | bc) s wall"
  fi
done
