#!/usr/bin/env bash
# The controller benchmark: a synthetic cluster (default 5,000 nodes / 10,000 Services) served by
# the in-process API server, the real controller against it. Prints initial convergence, the writes
# and latency of one node label change, heap, and the writes of 100 node heartbeats.
#   bench/controller-bench.sh [NODES] [SERVICES]      (JAVA_OPTS passed to the JVM, default -Xmx3g)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -o test-compile >&2
cp_file=target/bench-classpath.txt
if [[ ! -f "$cp_file" || pom.xml -nt "$cp_file" ]]; then
  mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xmx3g} -cp "target/classes:target/test-classes:$(cat "$cp_file")" \
  dev.nodeipam.tools.generate.ControllerBench "$@"
