#!/usr/bin/env bash
# The guard's latency: a manifest folder (default: the seed article's cluster before its change)
# served by the in-process API server, a guard on it, AdmissionReviews posted over HTTPS. Prints
# the p50/p99 of a trapping change, a harmless change and an unchanged object, the process CPU
# time per review and the load average beside each, and the heap.
#   bench/guard-bench.sh [DIR] [ROUNDS]     (JAVA_OPTS default -Xmx512m)
#   bench/guard-bench.sh --synthetic [ROUNDS]
# --synthetic: `nodeipam generate`'s 1,000 nodes, 2,000 Services, 16,000 pods (target/guard-synth,
# written once) plus policies: ns-000's pods may reach 0.0.0.0/0 on 80 only, ns-001's are denied
# all egress; the trapping change adds an externalIP to ns-001/svc-00001 (port 80); without a
# cilium-config it is not translated for pods, so it is judged but warns of nothing (JAVA_OPTS
# default -Xmx2g: the in-process API server holds the cluster in the same heap).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
if [ "${1:-}" = --synthetic ]; then
  dir=target/guard-synth
  if [ ! -d "$dir/cluster" ]; then
    java -cp "$cp" dev.nodeipam.cli.Main generate --nodes 1000 --services 2000 \
      --pods-per-service 8 --out "$dir/cluster" >&2
  fi
  if [ ! -d "$dir/policies" ]; then
    mkdir -p "$dir/policies"
    cat > "$dir/policies/policies.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-80, namespace: ns-000}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
    ports: [{port: 80, protocol: TCP}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress, namespace: ns-001}
spec:
  podSelector: {}
  policyTypes: [Egress]
YAML
  fi
  # An address no Service of the synthetic cluster publishes (192.0.2.10 is already the
  # LoadBalancer address of ns-009/svc-01759: adding it changed no flow and drew no warning).
  set -- "$dir" "${2:-200}" ns-001/svc-00001 203.0.113.77
  opts=${JAVA_OPTS:--Xmx2g}
else
  set -- "${1:-examples/pr-externalip/before}" "${2:-200}"
  opts=${JAVA_OPTS:--Xmx512m}
fi
# shellcheck disable=SC2086
java $opts -cp "$cp" dev.nodeipam.guard.GuardBench "$work/tls.crt" "$work/tls.key" "$@"
