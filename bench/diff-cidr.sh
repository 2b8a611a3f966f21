#!/usr/bin/env bash
# The diff row of issue 21's table (timed commands, not a test): `nodeipam generate`'s cluster
# before, and after one CiliumClusterwideNetworkPolicy is added (endpointSelector {}, toCIDR
# 0.0.0.0/0 on 443: every pod may reach the internet on 443). Runs, in the same machine state:
#   load   `nodeipam plan -f BEFORE -o json`: reading one state, the reference (1x)
#   diff   `nodeipam diff --before BEFORE --after BEFORE CCNP -o json` (and text)
# Each run records wall and CPU time (/usr/bin/time -v), max RSS, the peak heap before a GC
# (-Xlog:gc) and the output's bytes; the table gives diff as a ratio of the load.
# Target: diff within 2.5x one load, in a 2 GB heap (-Xmx2g), JSON <= 10 MB.
#   bench/diff-cidr.sh [OUT_DIR]                      # generate's default cluster (5,000 nodes)
#   NODES=1000 SERVICES=2000 bench/diff-cidr.sh target/diff-cidr-1k
# JAR=old.jar runs another build's jar with java; HEAP=... another heap (default 2g).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/diff-cidr}
heap=${HEAP:-2g}
mkdir -p "$out"
if [ ! -d "$out/cluster" ]; then
  sizes=()
  [ -n "${NODES:-}" ] && sizes+=(--nodes "$NODES")
  [ -n "${SERVICES:-}" ] && sizes+=(--services "$SERVICES")
  bin/nodeipam generate "${sizes[@]}" --out "$out/cluster" >&2
fi
mkdir -p "$out/ccnp"
cp bench/inputs/ccnp-egress-443.yaml "$out/ccnp/egress-443.yaml"

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), heap -Xmx$heap," \
  "load average$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
load_cpu=""
# run NAME OUTPUT_FILE ARGS...: one row of the table.
run() {
  local name=$1 file=$2
  shift 2
  local log="$out/$name.gc.log" tv="$out/$name.time"
  local jvm=(-Xmx"$heap" -Xlog:gc:file="$log")
  if [ -n "${JAR:-}" ]; then
    /usr/bin/time -v -o "$tv" java "${jvm[@]}" -jar "$JAR" "$@" > "$file" 2> "$out/$name.err" \
      || true
  else
    JAVA_OPTS="${jvm[*]}" /usr/bin/time -v -o "$tv" bin/nodeipam "$@" > "$file" \
      2> "$out/$name.err" || true
  fi
  local wall cpu rss heap_peak bytes lines ratio
  wall=$(grep 'Elapsed (wall' "$tv" | awk '{print $NF}')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$tv")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%d MB", $2 / 1024}' "$tv")
  heap_peak=$(grep -o '[0-9]*M->[0-9]*M' "$log" 2>/dev/null | sed 's/M->.*//' | sort -n | tail -1)
  bytes=$(wc -c < "$file")
  lines=$(wc -l < "$file")
  if [ -z "$load_cpu" ]; then
    load_cpu=$cpu
  fi
  ratio=$(awk -v a="$cpu" -v b="$load_cpu" 'BEGIN {printf "%.2f", a / b}')
  printf '| %s | %s | %s s | %sx | %s | %s MB | %s bytes, %s lines | exit %s |\n' \
    "$name" "$wall" "$cpu" "$ratio" "$rss" "${heap_peak:-?}" "$bytes" "$lines" \
    "$(grep 'Exit status' "$tv" | awk '{print $NF}')"
}

echo '| run | wall | CPU | CPU / load | max RSS | peak heap | output | |'
echo '| --- | --- | --- | --- | --- | --- | --- | --- |'
run load "$out/plan.json" plan -f "$out/cluster" -o json
run diff-json "$out/diff.json" diff --before "$out/cluster" --after "$out/cluster" \
  --after "$out/ccnp" -o json --fail-on never
run diff-text "$out/diff.txt" diff --before "$out/cluster" --after "$out/cluster" \
  --after "$out/ccnp" --fail-on never
grep -m1 -A3 '"summary"' "$out/diff.json" || true
