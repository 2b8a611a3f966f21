package dev.nodeipam.tools.generate;

import dev.nodeipam.controller.ControllerMetrics;
import dev.nodeipam.controller.ControllerSettings;
import dev.nodeipam.controller.NodeIpamController;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller at scale on the real kube-apiserver of {@code ../shared/envtest} (not a test):
 * 1,000 nodes in 20 pools, 2,000 Node IPAM Services selecting one pool each (50 addresses), 200
 * {@code externalTrafficPolicy: Local} Services with EndpointSlices; start-up, heap, a restart, 100
 * heartbeats, a relabel burst of 50 nodes from one pool to another (once per settle delay given, so
 * the writes compare), and 10 % of the nodes deleted. Every expected result comes from the pure
 * decision on the objects as the server holds them.
 *
 * <p>{@code bench/controller-envtest.sh [SETTLE_MS...]} (default {@code 0 1000}).
 */
public final class ControllerEnvtestBench {
  private static final int POOLS = 20;
  private static final int PER_POOL = 50;
  private static final int SERVICES = 2000;
  private static final int LOCAL = 200;
  private static final int ENDPOINT_NODES = 5;
  private static final String NS = "bench";

  /** The latest ingress each Service was written with, and when. */
  private final Map<String, List<String>> latest = new ConcurrentHashMap<>();
  private final Map<String, Long> writtenAt = new ConcurrentHashMap<>();
  private final KubernetesClient client;

  private ControllerEnvtestBench(KubernetesClient client) {
    this.client = client;
  }

  public static void main(String[] args) throws Exception {
    List<Long> settles = new ArrayList<>();
    for (String a : args) {
      settles.add(Long.parseLong(a));
    }
    if (settles.isEmpty()) {
      settles = List.of(0L, 1000L);
    }
    // kube-api-test's Service CIDR (a /24) holds 254 ClusterIPs: bench/controller-envtest.sh
    // starts kube-apiserver through a wrapper that widens it.
    try (RealApiServer server = RealApiServer.start()) {
      new ControllerEnvtestBench(server.admin()).run(settles);
    }
    System.exit(0);
  }

  private void run(List<Long> settles) throws Exception {
    long load = System.nanoTime();
    List<HasMetadata> objects = objects();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
        .endMetadata().build()).create();
    ControllerBench.createAll(client, objects);
    System.out.printf("loaded %d objects into kube-apiserver %s in %.1f s%n", objects.size(),
        RealApiServer.ENVTEST_VERSION, ControllerBench.seconds(load));
    Map<String, List<String>> expected = expected();
    long withAddresses = expected.values().stream().filter(v -> v != null && !v.isEmpty()).count();
    System.out.printf("Node IPAM Services: %d with addresses, %d addresses in all%n",
        withAddresses,
        expected.values().stream().filter(Objects::nonNull).mapToLong(List::size).sum());

    ControllerBench.gc();
    long heapBefore = ControllerBench.heapUsed();
    ControllerMetrics metrics = new ControllerMetrics(new PrometheusRegistry());
    NodeIpamController first = start(metrics, settles.get(0));
    long t0 = System.nanoTime();
    ControllerBench.waitFor(() -> matches(expected) && first.isIdle());
    NodeIpamController controller = first;
    System.out.printf("start-up: all published %.1f s after start, %d status writes (expected %d)"
        + "%n", ControllerBench.seconds(t0), metrics.statusWrites(), withAddresses);
    ControllerBench.gc();
    System.out.printf("heap: %d MB more than before the controller started (this JVM)%n",
        (ControllerBench.heapUsed() - heapBefore) >> 20);

    for (int round = 0; round < settles.size(); round++) {
      long settle = settles.get(round);
      if (round > 0) {
        controller.close();
        ControllerMetrics m = new ControllerMetrics(new PrometheusRegistry());
        NodeIpamController c = start(m, settle);
        ControllerBench.waitFor(() -> m.reconciles("unchanged") >= withAddresses && c.isIdle());
        System.out.printf("restart (settle %d ms): %d status writes%n", settle, m.statusWrites());
        controller = c;
        metrics = m;
      }
      // Each round moves another pool's 50 nodes: p00 -> p01, then p02 -> p03, ...
      burst(controller, metrics, settle, 2 * round, 2 * round + 1);
    }
    heartbeats(controller, metrics);
    deleteTenPercent(controller, metrics);
    controller.close();
  }

  private NodeIpamController start(ControllerMetrics metrics, long settleMillis) {
    ControllerSettings settings =
        ControllerSettings.defaults(NodeIpamOptions.reference(), "bench")
            .withLeaderElection(false, "default", "nodeipam", Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2))
            .withWorkers(4)
            .withSettleDelay(Duration.ofMillis(settleMillis));
    NodeIpamController controller =
        new NodeIpamController(client, settings, metrics, change -> {
          latest.put(change.key(), change.after() == null ? List.of() : change.after());
          writtenAt.put(change.key(), System.nanoTime());
        });
    controller.start();
    return controller;
  }

  /** The 50 nodes of one pool relabelled to another, one patch after the other. */
  private void burst(NodeIpamController c, ControllerMetrics m, long settle, int from, int to)
      throws Exception {
    List<String> moved = new ArrayList<>();
    for (Node n : nodeRecords().values()) {
      if (pool(from).equals(n.labels().get("pool"))) {
        moved.add(n.name());
      }
    }
    long writes = m.statusWrites();
    Map<String, List<String>> before = expected();
    long first = System.nanoTime();
    for (String name : moved) {
      client.nodes().withName(name).edit(n -> {
        n.getMetadata().getLabels().put("pool", pool(to));
        return n;
      });
    }
    long last = System.nanoTime();
    report(String.format("burst (settle %d ms): %d nodes %s -> %s in %.1f s", settle, moved.size(),
        pool(from), pool(to), (last - first) / 1e9), c, m, writes, before, last);
  }

  private void heartbeats(NodeIpamController c, ControllerMetrics m) throws Exception {
    long writes = m.statusWrites();
    List<Node> nodes = new ArrayList<>(nodeRecords().values()).subList(0, 100);
    for (Node n : nodes) {
      client.nodes().withName(n.name()).editStatus(o -> {
        o.getStatus().getConditions().forEach(x -> x.setLastHeartbeatTime("2026-01-01T00:05:00Z"));
        return o;
      });
    }
    Thread.sleep(5000);
    ControllerBench.waitFor(c::isIdle);
    System.out.printf("100 node heartbeats: %d status writes%n", m.statusWrites() - writes);
  }

  private void deleteTenPercent(NodeIpamController c, ControllerMetrics m) throws Exception {
    long writes = m.statusWrites();
    Map<String, List<String>> before = expected();
    List<String> names = new ArrayList<>(nodeRecords().keySet());
    names.sort(null);
    int deleted = 0;
    long first = System.nanoTime();
    for (int i = 0; i < names.size(); i += 10) {
      client.nodes().withName(names.get(i)).delete();
      deleted++;
    }
    long last = System.nanoTime();
    report(String.format("%d nodes deleted (10 %%) in %.1f s", deleted, (last - first) / 1e9), c,
        m, writes, before, last);
  }

  /** Waits for the pure decision's results, then prints writes and latencies of what changed. */
  private void report(String what, NodeIpamController c, ControllerMetrics m, long writes,
      Map<String, List<String>> before, long lastChange) throws Exception {
    Map<String, List<String>> after = expected();
    List<String> changed = new ArrayList<>();
    after.forEach((k, v) -> {
      if (v != null && !Objects.equals(v, before.get(k))) {
        changed.add(k);
      }
    });
    ControllerBench.waitFor(() -> matches(after) && c.isIdle());
    List<Double> latencies = new ArrayList<>();
    for (String k : changed) {
      latencies.add((writtenAt.get(k) - lastChange) / 1e6);
    }
    latencies.sort(null);
    System.out.printf("%s: %d Services changed, %d status writes (%.2f per Service);"
            + " last node change to status written p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        what, changed.size(), m.statusWrites() - writes,
        (m.statusWrites() - writes) / (double) Math.max(1, changed.size()),
        percentile(latencies, 0.50), percentile(latencies, 0.99),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
  }

  private static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private boolean matches(Map<String, List<String>> expected) {
    for (var e : expected.entrySet()) {
      List<String> seen = latest.getOrDefault(e.getKey(), List.of());
      if (e.getValue() != null && !e.getValue().equals(seen)) {
        return false;
      }
    }
    return true;
  }

  private Map<String, Node> nodeRecords() {
    Map<String, Node> nodes = new HashMap<>();
    client.nodes().list().getItems()
        .forEach(n -> nodes.put(n.getMetadata().getName(), KubeConverters.node(n, "bench")));
    return nodes;
  }

  private Map<String, List<String>> expected() {
    List<Service> services = new ArrayList<>();
    client.services().inNamespace(NS).list().getItems()
        .forEach(s -> services.add(KubeConverters.service(s, "bench")));
    Map<String, List<EndpointSlice>> slices = new HashMap<>();
    client.discovery().v1().endpointSlices().inNamespace(NS).list().getItems().forEach(e -> {
      EndpointSlice r = KubeConverters.endpointSlice(e, "bench");
      slices.computeIfAbsent(r.namespace() + "/" + r.serviceName(), k -> new ArrayList<>()).add(r);
    });
    return ControllerBench.plan(nodeRecords(), services, slices);
  }

  private static String pool(int p) {
    return String.format("p%02d", p);
  }

  private static String nodeName(int i) {
    return String.format("node-%04d", i);
  }

  private static List<HasMetadata> objects() {
    List<HasMetadata> out = new ArrayList<>();
    for (int i = 0; i < POOLS * PER_POOL; i++) {
      out.add(new NodeBuilder().withNewMetadata().withName(nodeName(i))
          .addToLabels("kubernetes.io/hostname", nodeName(i))
          .addToLabels("pool", pool(i / PER_POOL)).endMetadata()
          .withNewStatus()
          .addNewAddress().withType("InternalIP").withAddress(ip(10, i)).endAddress()
          .addNewAddress().withType("ExternalIP").withAddress(ip(198, i)).endAddress()
          .addNewCondition().withType("Ready").withStatus("True")
          .withLastHeartbeatTime("2026-01-01T00:00:00Z").endCondition()
          .endStatus().build());
    }
    for (int s = 0; s < SERVICES + LOCAL; s++) {
      boolean local = s >= SERVICES;
      String name = (local ? "local-" : "svc-") + s;
      int p = s % POOLS;
      out.add(new ServiceBuilder().withNewMetadata().withNamespace(NS).withName(name)
          .addToAnnotations(ServiceAnnotations.MATCH_NODE_LABELS, "pool=" + pool(p)).endMetadata()
          .withNewSpec().withType("LoadBalancer")
          .withLoadBalancerClass(NodeIpamOptions.DEFAULT_CLASS)
          .withExternalTrafficPolicy(local ? "Local" : "Cluster")
          .withIpFamilies("IPv4").withIpFamilyPolicy("SingleStack")
          .addToSelector("app", name)
          .addNewPort().withName("http").withPort(80).withProtocol("TCP").endPort()
          .endSpec().build());
      if (local) {
        EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata()
            .withNamespace(NS).withName(name + "-1")
            .addToLabels(KubeConverters.SERVICE_NAME_LABEL, name).endMetadata()
            .withAddressType("IPv4");
        for (int e = 0; e < ENDPOINT_NODES; e++) {
          int node = p * PER_POOL + (s * 7 + e * 11) % PER_POOL;
          slice.addToEndpoints(new EndpointBuilder().withAddresses(ip(172, s * 8 + e))
              .withNodeName(nodeName(node)).withNewConditions().withReady(true).endConditions()
              .build());
        }
        out.add(slice.build());
      }
    }
    return out;
  }

  private static String ip(int first, int i) {
    return first + "." + (16 + i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
  }
}
