package dev.nodeipam.tools.generate;

import dev.nodeipam.controller.BenchHooks;
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
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The controller at scale on the real kube-apiserver of {@code ../shared/envtest} (not a test):
 * 1,000 nodes in 20 pools, 2,000 Node IPAM Services selecting one pool each (50 addresses), 200
 * {@code externalTrafficPolicy: Local} Services with EndpointSlices; start-up, heap, a restart, 100
 * heartbeats, a relabel burst of 50 nodes from one pool to another (once per settle delay given, so
 * the writes compare), and 10 % of the nodes deleted. Every expected result comes from the pure
 * decision on the objects as the server holds them.
 *
 * <p>{@code bench/controller-envtest.sh [SETTLE_MS[:WORKERS]...]} (default {@code 0 1000}): one
 * burst per argument, each against a controller started with that settle delay and number of
 * workers, so that rounds alternating two settings compare them under the same load;
 * {@code -Dbench.workers=N} in {@code JAVA_OPTS} for another default number of workers than the
 * controller's, {@code -Dbench.delete=false} to leave the nodes in place.
 *
 * <p>The latency of a changed Service runs from the last node change to its last status write and
 * is split at the start of that write's reconcile: the wait before it (the settle delay, the
 * informer's delivery, the queue) and the reconcile with its status patch. The CPU seconds that
 * the benchmark's JVM (the controller), kube-apiserver and etcd spent meanwhile say how much of the
 * wall time was work and how much waiting for one of the machine's cores.
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
  private final Map<String, Long> reconcileStarted = new ConcurrentHashMap<>();
  /** When the reconcile that made each Service's latest write started. */
  private final Map<String, Long> writeStarted = new ConcurrentHashMap<>();
  private final AtomicLong changes = new AtomicLong();
  /** Status writes per Service since the current step began. */
  private final Map<String, Integer> writesOf = new ConcurrentHashMap<>();
  private final KubernetesClient client;

  private ControllerEnvtestBench(KubernetesClient client) {
    this.client = client;
  }

  /** One burst: the settle delay and the number of workers of the controller it runs against. */
  private record Round(long settle, int workers) {
    static Round of(String arg) {
      String[] parts = arg.split(":");
      return new Round(Long.parseLong(parts[0]),
          parts.length > 1 ? Integer.parseInt(parts[1]) : Integer.getInteger("bench.workers",
              ControllerSettings.DEFAULT_WORKERS));
    }
  }

  public static void main(String[] args) throws Exception {
    List<Round> settles = new ArrayList<>();
    for (String a : args) {
      settles.add(Round.of(a));
    }
    if (settles.isEmpty()) {
      settles = List.of(Round.of("0"), Round.of("1000"));
    }
    // kube-api-test's Service CIDR (a /24) holds 254 ClusterIPs: bench/controller-envtest.sh
    // starts kube-apiserver through a wrapper that widens it.
    try (RealApiServer server = RealApiServer.start()) {
      new ControllerEnvtestBench(server.admin()).run(settles);
    }
    System.exit(0);
  }

  private void run(List<Round> settles) throws Exception {
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
    double[] cpu = cpuSeconds();
    NodeIpamController first = start(metrics, settles.get(0));
    long t0 = System.nanoTime();
    ControllerBench.waitFor(() -> matches(expected) && first.isIdle());
    NodeIpamController controller = first;
    double[] cpuAfter = cpuSeconds();
    System.out.printf("start-up: all published %.1f s after start, %d status writes (expected %d);"
            + " CPU seconds: controller JVM %.1f, kube-apiserver %.1f, etcd %.1f; load average"
            + " %s%n",
        ControllerBench.seconds(t0), metrics.statusWrites(), withAddresses, cpuAfter[0] - cpu[0],
        cpuAfter[1] - cpu[1], cpuAfter[2] - cpu[2], loadAverage());
    ControllerBench.gc();
    System.out.printf("heap: %d MB more than before the controller started (this JVM)%n",
        (ControllerBench.heapUsed() - heapBefore) >> 20);

    for (int round = 0; round < settles.size(); round++) {
      Round settle = settles.get(round);
      if (round > 0) {
        controller.close();
        ControllerMetrics m = new ControllerMetrics(new PrometheusRegistry());
        NodeIpamController c = start(m, settle);
        ControllerBench.waitFor(() -> m.reconciles("unchanged") >= withAddresses && c.isIdle());
        System.out.printf("restart (settle %d ms, %d workers): %d status writes%n", settle.settle(),
            settle.workers(), m.statusWrites());
        controller = c;
        metrics = m;
      }
      // Each round moves another pool's 50 nodes: p00 -> p01, then p02 -> p03, ...
      burst(controller, metrics, settle, 2 * round, 2 * round + 1);
    }
    heartbeats(controller, metrics);
    if (Boolean.parseBoolean(System.getProperty("bench.delete", "true"))) {
      deleteTenPercent(controller, metrics);
    }
    controller.close();
  }

  private NodeIpamController start(ControllerMetrics metrics, Round round) {
    ControllerSettings settings =
        ControllerSettings.defaults(NodeIpamOptions.reference(), "bench")
            .withLeaderElection(false, "default", "nodeipam", Duration.ofSeconds(15),
                Duration.ofSeconds(10), Duration.ofSeconds(2))
            .withWorkers(round.workers())
            .withSettleDelay(Duration.ofMillis(round.settle()));
    NodeIpamController controller =
        new NodeIpamController(client, settings, metrics, change -> {
          long now = System.nanoTime();
          latest.put(change.key(), change.after() == null ? List.of() : change.after());
          writeStarted.put(change.key(), reconcileStarted.getOrDefault(change.key(), now));
          writtenAt.put(change.key(), now);
          changes.incrementAndGet();
          writesOf.merge(change.key(), 1, Integer::sum);
        });
    BenchHooks.observeReconciles(controller, k -> reconcileStarted.put(k, System.nanoTime()));
    controller.start();
    return controller;
  }

  /**
   * The 50 nodes of one pool relabelled to another, one JSON merge patch after the other, as
   * {@code kubectl label} sends them (staging/src/k8s.io/kubectl/pkg/cmd/label/label.go).
   */
  private void burst(NodeIpamController c, ControllerMetrics m, Round settle, int from, int to)
      throws Exception {
    List<String> moved = new ArrayList<>();
    for (Node n : nodeRecords().values()) {
      if (pool(from).equals(n.labels().get("pool"))) {
        moved.add(n.name());
      }
    }
    long writes = m.statusWrites();
    Map<String, List<String>> before = expected();
    writesOf.clear();
    double[] cpu = cpuSeconds();
    long first = System.nanoTime();
    String label = "{\"metadata\":{\"labels\":{\"pool\":\"" + pool(to) + "\"}}}";
    String lastNode = moved.get(moved.size() - 1);
    AtomicLong delivered = new AtomicLong();
    long last;
    // A watch of this JVM's own sees the last change about when the controller's informer does.
    try (Watch w = client.nodes().withName(lastNode).watch(labelled("pool", pool(to), delivered))) {
      for (String name : moved) {
        client.nodes().withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), label);
      }
      last = System.nanoTime();
      ControllerBench.waitFor(() -> delivered.get() != 0);
    }
    report(String.format("burst (settle %d ms, %d workers): %d nodes %s -> %s in %.1f s; a watch"
        + " saw the last change %.0f ms after its patch returned", settle.settle(),
        settle.workers(), moved.size(), pool(from), pool(to), (last - first) / 1e9,
        Math.max(0, delivered.get() - last) / 1e6), c, m, writes, before, last, cpu);
  }

  /** A watcher that notes when it first sees the object carry the label. */
  private static <T extends HasMetadata> Watcher<T> labelled(String key, String value,
      AtomicLong seenAt) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        if (value.equals(object.getMetadata().getLabels().get(key))) {
          seenAt.compareAndSet(0, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
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
    writesOf.clear();
    List<String> names = new ArrayList<>(nodeRecords().keySet());
    names.sort(null);
    int deleted = 0;
    double[] cpu = cpuSeconds();
    long first = System.nanoTime();
    for (int i = 0; i < names.size(); i += 10) {
      client.nodes().withName(names.get(i)).delete();
      deleted++;
    }
    long last = System.nanoTime();
    report(String.format("%d nodes deleted (10 %%) in %.1f s", deleted, (last - first) / 1e9), c,
        m, writes, before, last, cpu);
  }

  /**
   * Waits for the controller to finish (idle, no write for {@link #QUIET}), then for the pure
   * decision's results, and prints writes, latencies, CPU seconds and the load average. The lists
   * that compute the expected results come after the writes: a list of 2,200 Services with their
   * statuses costs the API server more than a dozen patches, and made during the burst it delayed
   * the writes it measures.
   */
  private void report(String what, NodeIpamController c, ControllerMetrics m, long writes,
      Map<String, List<String>> before, long lastChange, double[] cpuBefore) throws Exception {
    long[] quietSince = {System.nanoTime()};
    long[] seen = {changes.get()};
    ControllerBench.waitFor(() -> {
      long now = changes.get();
      if (now != seen[0] || !c.isIdle()) {
        seen[0] = now;
        quietSince[0] = System.nanoTime();
      }
      return System.nanoTime() - quietSince[0] > QUIET.toNanos();
    });
    double[] cpu = cpuSeconds();
    String load = loadAverage();
    Map<String, List<String>> after = expected();
    List<String> changed = new ArrayList<>();
    after.forEach((k, v) -> {
      if (v != null && !Objects.equals(v, before.get(k))) {
        changed.add(k);
      }
    });
    ControllerBench.waitFor(() -> matches(after) && c.isIdle());
    List<Double> latencies = new ArrayList<>();
    List<Double> waits = new ArrayList<>();
    List<Double> reconciles = new ArrayList<>();
    long lastWrite = lastChange;
    for (String k : changed) {
      latencies.add((writtenAt.get(k) - lastChange) / 1e6);
      waits.add((writeStarted.get(k) - lastChange) / 1e6);
      reconciles.add((writtenAt.get(k) - writeStarted.get(k)) / 1e6);
      lastWrite = Math.max(lastWrite, writtenAt.get(k));
    }
    latencies.sort(null);
    waits.sort(null);
    reconciles.sort(null);
    System.out.printf("%s: %d Services changed, %d status writes (%.2f per Service);"
            + " last node change to status written p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        what, changed.size(), m.statusWrites() - writes,
        (m.statusWrites() - writes) / (double) Math.max(1, changed.size()),
        percentile(latencies, 0.50), percentile(latencies, 0.99),
        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
    int most = writesOf.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    long overTwo = writesOf.values().stream().filter(n -> n > 2).count();
    System.out.printf("  writes per Service: at most %d; %d Services written more than twice%n",
        most, overTwo);
    System.out.printf("  split: wait until the last reconcile started p50 %.0f ms, p99 %.0f ms;"
            + " that reconcile with its patch p50 %.0f ms, p99 %.0f ms%n",
        percentile(waits, 0.50), percentile(waits, 0.99), percentile(reconciles, 0.50),
        percentile(reconciles, 0.99));
    System.out.printf("  CPU seconds from the first change until %.1f s after the last write:"
            + " controller JVM %.1f, kube-apiserver %.1f, etcd %.1f (wall %.1f s to the last"
            + " write); load average %s%n",
        QUIET.toMillis() / 1e3, cpu[0] - cpuBefore[0], cpu[1] - cpuBefore[1],
        cpu[2] - cpuBefore[2], (lastWrite - lastChange) / 1e9, load);
  }

  private static final Duration QUIET = Duration.ofSeconds(3);

  /** CPU seconds so far of this JVM, of kube-apiserver and of etcd (the servers it started). */
  private static double[] cpuSeconds() {
    double[] out = {cpuSeconds(ProcessHandle.current()), 0, 0};
    ProcessHandle.current().descendants().forEach(p -> {
      String command = p.info().command().orElse("");
      if (command.endsWith("/kube-apiserver")) {
        out[1] += cpuSeconds(p);
      } else if (command.endsWith("/etcd")) {
        out[2] += cpuSeconds(p);
      }
    });
    return out;
  }

  /** utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s). */
  private static double cpuSeconds(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
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
