#!/usr/bin/env bash
# The guard's latency: a manifest folder (default: the seed article's cluster before its change)
# served by the in-process API server, a guard on it, AdmissionReviews posted over HTTPS. Prints
# the p50/p99 of the seed's change and of an unchanged object, and the heap.
#   bench/guard-bench.sh [DIR] [ROUNDS]     (JAVA_OPTS default -Xmx512m)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.crt" 2>/dev/null
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx512m} -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.nodeipam.guard.GuardBench "$work/tls.crt" "$work/tls.key" \
  "${1:-examples/pr-externalip/before}" "${2:-200}"
