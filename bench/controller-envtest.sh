#!/usr/bin/env bash
# The controller at scale on the real kube-apiserver and etcd of ../shared/envtest: 1,000 nodes in
# 20 pools, 2,000 Node IPAM Services (50 addresses each), 200 externalTrafficPolicy Local Services
# with EndpointSlices; start-up time, writes and heap, a restart, 100 heartbeats, the relabel burst
# of 50 nodes (once per settle delay given, default "0 1000": before and after coalescing), and
# 10 % of the nodes deleted, with p50/p99 from the last node change to the status written.
#   bench/controller-envtest.sh [SETTLE_MS[:WORKERS]...] 2>log   (JAVA_OPTS to the JVM, default
#   -Xmx2g; -Dbench.delete=false skips the deletion; the controller logs every write on stderr)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
eval "$(../shared/envtest/install target/envtest)"
# kube-api-test passes --service-cluster-ip-range 10.0.0.0/24 last (254 ClusterIPs, too few for
# 2,200 Services, and a flag given before it loses): a wrapper widens that one value to a /16.
bench_dir="$root/target/envtest-bench"
bench_bin="$bench_dir/k8s/$KUBE_API_TEST_API_SERVER_VERSION-linux-amd64"
mkdir -p "$bench_bin"
for b in etcd kubectl; do
  [ -e "$ENVTEST_BIN/$b" ] && ln -sf "$ENVTEST_BIN/$b" "$bench_bin/$b"
done
cat >"$bench_bin/kube-apiserver" <<WRAP
#!/usr/bin/env bash
args=()
for a in "\$@"; do [ "\$a" = 10.0.0.0/24 ] && a=10.96.0.0/16; args+=("\$a"); done
exec "$ENVTEST_BIN/kube-apiserver" "\${args[@]}"
WRAP
chmod +x "$bench_bin/kube-apiserver"
export KUBE_API_TEST_DIR="$bench_dir"
mvn -q -B -o test-compile >&2
cp_file=target/bench-classpath.txt
if [[ ! -f "$cp_file" || pom.xml -nt "$cp_file" ]]; then
  mvn -q -B -o dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
# shellcheck disable=SC2086
classes="${BENCH_CLASSES:-target/classes:target/test-classes}"
exec java ${JAVA_OPTS:--Xmx2g} -cp "$classes:$(cat "$cp_file")" \
  dev.nodeipam.tools.generate.ControllerEnvtestBench "$@"
