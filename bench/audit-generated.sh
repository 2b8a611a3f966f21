#!/usr/bin/env bash
# The audit of `nodeipam generate`'s default cluster (107,004 objects, no policy, 5.8 million
# published addresses): load time, audit time (cold and warm), its ratio to the load, the heap.
# Target: the audit within 1.5x the load, under 1 GB of heap.
#   bench/audit-generated.sh [EXTRA_PATH...]   (JAVA_OPTS default -Xmx1g -XX:ActiveProcessorCount=2)
# Extra paths are loaded with the cluster, e.g. bench/inputs/ccnp-egress-443.yaml: the cluster-wide
# CIDR policy of bench/audit-cidr.sh, audit and load then timed in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx1g -XX:ActiveProcessorCount=2} \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.nodeipam.tools.generate.AuditGeneratedBench "$@"
