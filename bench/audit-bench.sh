#!/usr/bin/env bash
# The audit benchmark: the trace benchmark's synthetic cluster (default 1,000 nodes, 5,500 Services
# x 10 pods, 45% of them on node addresses in externalIPs: 4,040 Service addresses; 10,000 policies)
# written as YAML and loaded back, then the full audit on it. Prints the number of Service addresses,
# the load time, the audit time (cold and warm) and its ratio to the load, the findings and the heap,
# then the time and size of the grouped text and JSON reports (skipped with --no-render; --per-pod
# adds the version 1 JSON, one finding per source pod: tens of GB at the default shape). Target:
# under 30 s and 2 GB heap on 2 cores, at most 3x the load.
#   bench/audit-bench.sh [NODES SERVICES PODS_PER_SERVICE] [--no-render] [--per-pod] [--cold-only]   (JAVA_OPTS default -Xmx2g)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx2g -XX:ActiveProcessorCount=2} \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.nodeipam.tools.generate.AuditBench "$@"
