#!/usr/bin/env bash
# The diff benchmark (timed commands, not a test): a one-Service change on a tree of about 100,000
# objects from `nodeipam generate`, with the seed article's namespaces and policies added to both
# states; the change lists the WAN address in the gateway's spec.externalIPs (the article's line).
# Times, end to end (JVM start, reading every manifest, writing the JSON):
#   load   `nodeipam trace -f BEFORE --from hermes/hermes-atlas --to 24.85.233.58:443 -o json`
#          one state: reading and converting every manifest, then one verdict (the baseline)
#   diff   `nodeipam diff --before B --after A -o json`
#   base   `nodeipam diff --base HEAD -f cluster -o json` in a git repository (before from git)
# Target: diff within 2.5x the load of one state.
#   bench/diff-bench.sh            # 100,000 objects in bench-data/, 2 runs each
#   OBJECTS=20000 RUNS=1 bench/diff-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
objects="${OBJECTS:-100000}"
runs="${RUNS:-2}"
data="${DATA:-$root/bench-data}"
tree="$data/tree-$objects"
work="$data/diff-$objects"
nodeipam="$root/bin/nodeipam"

"$nodeipam" --version >/dev/null  # builds the jar if needed, outside the timing
if [[ ! -d "$tree" ]]; then
  "$nodeipam" generate --objects "$objects" --seed 42 --out "$tree"
fi
if [[ ! -d "$work/repo/.git" ]]; then
  rm -rf "$work"
  mkdir -p "$work/before" "$work/after"
  cp -r "$tree" "$work/before/generated"
  cp -r "$root/examples/pr-externalip/before" "$work/before/article"
  cp -r "$tree" "$work/after/generated"
  cp -r "$root/examples/pr-externalip/after" "$work/after/article"
  mkdir -p "$work/repo"
  cp -r "$work/before" "$work/repo/cluster"
  git -C "$work/repo" init -q -b main
  git -C "$work/repo" add -A
  git -C "$work/repo" -c user.name=bench -c user.email=bench@example.org commit -q -m before
  cp "$work/after/article/istio-system.yaml" "$work/repo/cluster/article/istio-system.yaml"
fi
echo "tree: $(find "$work/before" -type f | wc -l) files, $(du -sh "$work/before" | cut -f1);" \
  "change: one Service ($(diff -r "$work/before" "$work/after" | grep -c '^[<>]') lines differ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(java -version 2>&1 | head -1), load average$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
timed() {
  local label="$1"
  shift
  /usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, %M KB max RSS" "$@" >/dev/null
}
for ((i = 1; i <= runs; i++)); do
  timed "run $i load" "$nodeipam" trace -f "$work/before" --from hermes/hermes-atlas \
    --to 24.85.233.58:443 -o json
  timed "run $i diff" "$nodeipam" diff --before "$work/before" --after "$work/after" -o json \
    --fail-on never
  (cd "$work/repo" && timed "run $i base" "$nodeipam" diff --base HEAD -f cluster -o json \
    --fail-on never)
done
"$nodeipam" diff --before "$work/before" --after "$work/after" -o json --fail-on never \
  | grep -A4 '"evaluated"'
(cd "$work/repo" && git status --porcelain | head -3)
