#!/usr/bin/env bash
# The migration planner benchmark: a synthetic cluster (default 5,000 nodes / 10,000 Services),
# planned by nodeipam migrate and, in the same JVM, by nodeipam plan (medians of 7 runs).
#   bench/migrate-bench.sh [NODES] [SERVICES]      (JAVA_OPTS passed to the JVM, default -Xmx3g)
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
  dev.nodeipam.migrate.MigrateBench "$@"
