#!/usr/bin/env bash
# The controller's heap after convergence, measured in its own JVM: the in-process API server runs in
# a second JVM (ControllerBench serve) with the synthetic cluster, the real `nodeipam controller`
# runs against it with -Xmx512m (so converging at all shows it fits), and jcmd reads its heap after
# a full GC once every expected status write is done.
#   bench/controller-heap.sh [NODES] [SERVICES]      (default 5000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
nodes="${1:-5000}"
services="${2:-10000}"
mvn -q -B -o -DskipTests package >&2
cp_file=target/bench-classpath.txt
if [[ ! -f "$cp_file" || pom.xml -nt "$cp_file" ]]; then
  mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
work="$(mktemp -d)"
kubeconfig="$work/kubeconfig"
port=18089
touch "$work/server.log"
java -Xmx6g -cp "target/classes:target/test-classes:$(cat "$cp_file")" \
  dev.nodeipam.tools.generate.ControllerBench serve "$kubeconfig" "$nodes" "$services" >"$work/server.log" 2>&1 &
server=$!
cleanup() { rm -f "$kubeconfig"; kill "$controller" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
controller=""
trap cleanup EXIT
until grep -q READY "$work/server.log"; do
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 2
done
ready="$(grep READY "$work/server.log")"
echo "server: $ready"
expected="$(sed 's/.*expectedWrites=\([0-9]*\).*/\1/' <<<"$ready")"
start=$(date +%s)
java -Xmx512m -XX:+UseSerialGC -jar target/nodeipam.jar controller --kubeconfig "$kubeconfig" \
  --leader-elect=false --http-address "127.0.0.1:$port" >"$work/controller.log" 2>&1 &
controller=$!
writes=0
while (( writes < expected )); do
  kill -0 "$controller" 2>/dev/null || { echo "controller exited:"; tail -5 "$work/controller.log"; exit 1; }
  sleep 5
  writes="$(curl -s "127.0.0.1:$port/metrics" | awk '/^nodeipam_status_writes_total/ {print int($2)}')"
  writes="${writes:-0}"
done
echo "controller (-Xmx512m): $writes status writes (expected $expected) after $(( $(date +%s) - start )) s"
jcmd "$controller" GC.run >/dev/null
jcmd "$controller" GC.heap_info | grep -E "generation|Metaspace"
echo "OutOfMemoryError lines in the controller log: $(grep -c OutOfMemoryError "$work/controller.log" || true)"
