#!/usr/bin/env bash
# Policy engine benchmark: 50,000 pods, 2,000 Services, 10,000 policies (NetworkPolicy, CNP, CCNP).
# Prints engine build time, the first (cold) trace, steady-state trace latency, and the time to load
# the same cluster from a YAML tree. Pass --no-yaml to skip the YAML part.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx6g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  dev.nodeipam.tools.generate.PolicyTraceBench "$@"
