#!/usr/bin/env bash
# The table of docs/audit.md "CIDR policies at scale": `nodeipam generate`'s default cluster
# (107,004 objects) plus (a) a NetworkPolicy in one namespace, ipBlock 0.0.0.0/0 on 443, (b) a
# CiliumClusterwideNetworkPolicy, endpointSelector {} and toCIDR 0.0.0.0/0 on 443: `plan` (the
# load), `audit` text and JSON, and `diff --before/--after` adding (b). Each run records wall and
# CPU time, max RSS (/usr/bin/time -v) and the peak heap after GC (-Xlog:gc), and the output size.
#   bench/audit-cidr.sh [OUT_DIR]   (needs target/nodeipam-tools.jar: mvn -B -o package)
# Heaps: audit -Xmx1g, diff -Xmx2g (override with AUDIT_HEAP / DIFF_HEAP).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/audit-cidr}
mkdir -p "$out"
[ -d "$out/cluster" ] || bin/nodeipam generate --out "$out/cluster" >&2
mkdir -p "$out/np" "$out/ccnp"
cat > "$out/np/egress-443.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-443, namespace: ns-000}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 443, protocol: TCP}]
YAML
cp bench/inputs/ccnp-egress-443.yaml "$out/ccnp/egress-443.yaml"

# run NAME HEAP OUTPUT_FILE ARGS...: one row of the table.
run() {
  local name=$1 heap=$2 file=$3
  shift 3
  local log="$out/$name.gc.log" tv="$out/$name.time"
  JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$log" /usr/bin/time -v -o "$tv" \
    bin/nodeipam "$@" > "$file" 2> "$out/$name.err" || true
  local wall cpu rss heap_peak size lines
  wall=$(grep 'Elapsed (wall' "$tv" | awk '{print $NF}')
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$tv")
  rss=$(awk -F': ' '/Maximum resident/ {printf "%d MB", $2 / 1024}' "$tv")
  heap_peak=$(grep -o '[0-9]*M->[0-9]*M' "$log" | sed 's/M->.*//' | sort -n | tail -1)
  size=$(du -h "$file" | cut -f1)
  lines=$(wc -l < "$file")
  printf '| %s | %s | %s s | %s | %s MB | %s, %s lines |\n' \
    "$name" "$wall" "$cpu" "$rss" "${heap_peak:-?}" "$size" "$lines"
}

echo '| run | wall | CPU | max RSS | peak heap | output |'
echo '| --- | --- | --- | --- | --- | --- |'
run plan "${AUDIT_HEAP:-1g}" "$out/plan.txt" plan -f "$out/cluster"
run audit-np-text "${AUDIT_HEAP:-1g}" "$out/np.txt" audit -f "$out/cluster" -f "$out/np" \
  --fail-on never
run audit-np-json "${AUDIT_HEAP:-1g}" "$out/np.json" audit -f "$out/cluster" -f "$out/np" \
  -o json --fail-on never
run audit-ccnp-text "${AUDIT_HEAP:-1g}" "$out/ccnp.txt" audit -f "$out/cluster" -f "$out/ccnp" \
  --fail-on never
run audit-ccnp-json "${AUDIT_HEAP:-1g}" "$out/ccnp.json" audit -f "$out/cluster" \
  -f "$out/ccnp" -o json --fail-on never
run diff-ccnp-json "${DIFF_HEAP:-2g}" "$out/diff.json" diff --before "$out/cluster" \
  --after "$out/cluster" --after "$out/ccnp" -o json
