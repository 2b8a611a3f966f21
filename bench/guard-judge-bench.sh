#!/usr/bin/env bash
# The guard's judgement alone, without API server and HTTP: a manifest folder put into a review
# handler's cache as its informers would, then the reviews of guard-bench.sh handed to it. Prints
# wall and process-CPU p50/p99 per review and the heap; what the guard's evaluation costs.
#   bench/guard-judge-bench.sh [DIR] [ROUNDS]     (JAVA_OPTS default -Xmx512m)
#   bench/guard-judge-bench.sh --synthetic [ROUNDS]   (the cluster of guard-bench.sh --synthetic;
#                                                     run that once first to write it)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
cp="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
if [ "${1:-}" = --synthetic ]; then
  # An address no Service of the synthetic cluster publishes (192.0.2.10 is already the
  # LoadBalancer address of ns-009/svc-01759: adding it changed no flow and drew no warning).
  set -- target/guard-synth "${2:-20}" ns-001/svc-00001 203.0.113.77
else
  set -- "${1:-examples/pr-externalip/before}" "${2:-200}"
fi
# shellcheck disable=SC2086
java ${JAVA_OPTS:--Xmx512m} -cp "$cp" dev.nodeipam.guard.GuardJudgeBench "$@"
