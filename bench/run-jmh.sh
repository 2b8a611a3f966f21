#!/usr/bin/env bash
# JMH benchmarks of the decision core (src/test/java/dev/nodeipam/tools/generate/). Modest settings for a
# small machine: one fork, 3 warm-up and 5 measured iterations of 2 s, one thread; the forked JVM
# sees one processor (-XX:ActiveProcessorCount=1), so the figures are "on one core".
#   bench/run-jmh.sh                       # ClusterPlanBenchmark, 5,000 nodes / 10,000 Services
#   bench/run-jmh.sh -p nodes=1000 -p services=2000
#   MVN_FLAGS=-o bench/run-jmh.sh          # Maven offline
#   bench/run-jmh.sh --cpu-time            # the same work timed by the thread's CPU time, for a
#                                          # machine whose load makes wall-clock figures swing
# Extra arguments go to org.openjdk.jmh.Main (e.g. -prof gc, -i 10, another benchmark regexp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn_cmd=(mvn -q -B ${MVN_FLAGS:-})
build_log="$("${mvn_cmd[@]}" -DskipTests test-compile 2>&1)" || { echo "$build_log" >&2; exit 1; }
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
cp_log="$("${mvn_cmd[@]}" dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$cp_file" 2>&1)" || { echo "$cp_log" >&2; exit 1; }
classpath="target/test-classes:target/classes:$(cat "$cp_file")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
if [[ "${1:-}" == "--cpu-time" ]]; then
  shift
  exec java -Xmx2g -XX:ActiveProcessorCount=1 -cp "$classpath" dev.nodeipam.tools.generate.ClusterPlanCpuTime "$@"
fi
pattern="ClusterPlanBenchmark"
if [[ $# -gt 0 && "$1" != -* ]]; then
  pattern="$1"
  shift
fi
exec java -cp "$classpath" org.openjdk.jmh.Main "$pattern" -f 1 -wi 3 -i 5 -t 1 "$@"
