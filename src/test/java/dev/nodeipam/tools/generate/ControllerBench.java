package dev.nodeipam.tools.generate;

import dev.nodeipam.controller.ControllerMetrics;
import dev.nodeipam.controller.ControllerSettings;
import dev.nodeipam.controller.NodeIpamController;
import dev.nodeipam.controller.PublishedChange;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.reconcile.Observed;
import dev.nodeipam.reconcile.Reported;
import dev.nodeipam.reconcile.Role;
import dev.nodeipam.reconcile.ServiceReconcile;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.tools.demo.InProcessApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The controller at scale, against the in-process API server (not a test): initial convergence, one
 * node label change, heap, heartbeats. Every expected write count comes from the pure decision on
 * the same records, so the figures check themselves.
 *
 * <p>{@code bench/controller-bench.sh [nodes] [services]} (default 5000 10000).
 */
public final class ControllerBench {
  private static final NodeIpamOptions OPTIONS = NodeIpamOptions.reference();

  private ControllerBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve(
          Path.of(args[1]),
          args.length > 2 ? Integer.parseInt(args[2]) : ClusterShape.DEFAULT_NODES,
          args.length > 3 ? Integer.parseInt(args[3]) : ClusterShape.DEFAULT_SERVICES);
      return;
    }
    if (args.length > 0 && args[0].equals("core")) {
      core(
          args.length > 1 ? Integer.parseInt(args[1]) : ClusterShape.DEFAULT_NODES,
          args.length > 2 ? Integer.parseInt(args[2]) : ClusterShape.DEFAULT_SERVICES);
      return;
    }
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : ClusterShape.DEFAULT_NODES;
    int services = args.length > 1 ? Integer.parseInt(args[1]) : ClusterShape.DEFAULT_SERVICES;
    ClusterShape shape = ClusterShape.defaults().withNodes(nodes).withServices(services);
    ClusterSnapshot cluster = SyntheticCluster.generate(shape);
    System.out.printf(
        "cluster: %d nodes, %d Services, %d EndpointSlices (seed %d)%n",
        cluster.nodes().size(),
        cluster.services().size(),
        cluster.endpointSlices().size(),
        shape.seed());

    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      List<HasMetadata> objects = new ArrayList<>();
      cluster.nodes().forEach(n -> objects.add(FabricObjects.node(n)));
      cluster.services().forEach(s -> objects.add(FabricObjects.service(s)));
      cluster.endpointSlices().forEach(e -> objects.add(FabricObjects.slice(e)));
      long loadStart = System.nanoTime();
      createAll(client, objects);
      System.out.printf(
          "loaded %d objects into the in-process API server in %.1f s%n",
          objects.size(), seconds(loadStart));

      // What the controller will see, as records: the objects as the API server holds them (it
      // drops what it does not keep, e.g. a deletionTimestamp on create), converted as the
      // informers convert them.
      Map<String, Node> nodeRecords = new HashMap<>();
      List<Service> serviceRecords = new ArrayList<>();
      Map<String, List<EndpointSlice>> slices = new HashMap<>();
      List<HasMetadata> stored = new ArrayList<>();
      stored.addAll(client.nodes().list().getItems());
      stored.addAll(client.services().inAnyNamespace().list().getItems());
      stored.addAll(client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems());
      for (HasMetadata o : stored) {
        if (o instanceof io.fabric8.kubernetes.api.model.Node n) {
          nodeRecords.put(n.getMetadata().getName(), KubeConverters.node(n, "bench"));
        } else if (o instanceof io.fabric8.kubernetes.api.model.Service s) {
          serviceRecords.add(KubeConverters.service(s, "bench"));
        } else if (o instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice e) {
          EndpointSlice r = KubeConverters.endpointSlice(e, "bench");
          slices
              .computeIfAbsent(r.namespace() + "/" + r.serviceName(), k -> new ArrayList<>())
              .add(r);
        }
      }
      Map<String, List<String>> before = plan(nodeRecords, serviceRecords, slices);
      long expectedInitial =
          before.values().stream().filter(v -> v != null && !v.isEmpty()).count();
      System.out.printf(
          "Node IPAM Services publish %d addresses in all%n",
          before.values().stream().filter(Objects::nonNull).mapToLong(List::size).sum());

      gc();
      long heapBefore = heapUsed();
      AtomicLong lastChange = new AtomicLong();
      Map<String, List<PublishedChange>> written = new ConcurrentHashMap<>();
      ControllerMetrics metrics = new ControllerMetrics(new PrometheusRegistry());
      ControllerSettings settings =
          ControllerSettings.defaults(OPTIONS, "bench")
              .withLeaderElection(
                  false,
                  "default",
                  "nodeipam",
                  Duration.ofSeconds(15),
                  Duration.ofSeconds(10),
                  Duration.ofSeconds(2))
              .withWorkers(4);
      try (KubernetesClient controllerClient = api.newClient();
          NodeIpamController controller =
              new NodeIpamController(
                  controllerClient,
                  settings,
                  metrics,
                  c -> {
                    lastChange.set(System.nanoTime());
                    List<PublishedChange> list =
                        written.computeIfAbsent(
                            c.key(), k -> new CopyOnWriteArrayList<>());
                    list.add(c);
                  })) {
        long start = System.nanoTime();
        controller.start();
        double synced = seconds(start);
        waitFor(() -> metrics.statusWrites() >= expectedInitial && controller.isIdle());
        System.out.printf(
            "initial convergence: %d writes (expected %d: one per Service with addresses) in %.1f s"
                + " (caches synced after %.1f s)%n",
            metrics.statusWrites(), expectedInitial, seconds(start), synced);

        long twice = written.values().stream().filter(v -> v.size() > 1).count();
        long wrong =
            written.entrySet().stream()
                .filter(
                    e ->
                        !Objects.equals(
                            e.getValue().get(e.getValue().size() - 1).after(),
                            before.get(e.getKey())))
                .count();
        System.out.printf(
            "  Services written more than once: %d; whose last write differs from the pure"
                + " decision: %d%n",
            twice, wrong);
        gc();
        long heapAfter = heapUsed();
        System.out.printf(
            "heap after convergence: %d MB in this JVM (API server included), %d MB more than"
                + " before the controller started%n",
            heapAfter >> 20, (heapAfter - heapBefore) >> 20);

        // One node label change: an eligible node selected by many Services becomes excluded.
        Node target = busiestEligibleNode(nodeRecords, serviceRecords, slices);
        Map<String, Node> changed = new HashMap<>(nodeRecords);
        Map<String, String> labels = new HashMap<>(target.labels());
        labels.put(NodeEligibility.EXCLUDE_LABEL, "true");
        changed.put(
            target.name(),
            Node.builder()
                .name(target.name())
                .labels(labels)
                .addresses(target.addresses())
                .taints(target.taints())
                .deleting(target.deleting())
                .ready(target.ready())
                .unschedulable(target.unschedulable())
                .podCidrs(target.podCidrs())
                .source(target.source())
                .build());
        Map<String, List<String>> after = plan(changed, serviceRecords, slices);
        long expectedChanged =
            after.keySet().stream()
                .filter(k -> after.get(k) != null && !Objects.equals(before.get(k), after.get(k)))
                .count();
        long writes = metrics.statusWrites();
        long t0 = System.nanoTime();
        client
            .nodes()
            .withName(target.name())
            .edit(
                n -> {
                  n.getMetadata().getLabels().put(NodeEligibility.EXCLUDE_LABEL, "true");
                  return n;
                });
        waitFor(() -> metrics.statusWrites() - writes >= expectedChanged && controller.isIdle());
        System.out.printf(
            "one node label change (%s gets the exclude label): %d writes (expected %d Services"
                + " whose result changed), last write %.0f ms after the change%n",
            target.name(),
            metrics.statusWrites() - writes,
            expectedChanged,
            (lastChange.get() - t0) / 1e6);

        // 100 heartbeats, then a marker Service that only a new marker node changes: once its
        // write is seen, the node events before it have all been handled.
        client.resource(marker()).create();
        waitFor(controller::isIdle);
        long beforeBeats = metrics.statusWrites();
        List<Node> beating =
            new ArrayList<>(nodeRecords.values()).subList(0, Math.min(100, nodeRecords.size()));
        for (int i = 0; i < beating.size(); i++) {
          String beat = "2026-01-01T00:01:" + String.format("%02d", i % 60) + "Z";
          client
              .nodes()
              .withName(beating.get(i).name())
              .editStatus(
                  n -> {
                    n.getStatus().getConditions().forEach(c -> c.setLastHeartbeatTime(beat));
                    return n;
                  });
        }
        client
            .nodes()
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName("bench-marker")
                    .addToLabels("bench-marker", "yes")
                    .endMetadata()
                    .withNewStatus()
                    .addNewAddress()
                    .withType("InternalIP")
                    .withAddress("10.255.255.254")
                    .endAddress()
                    .endStatus()
                    .build())
            .create();
        waitFor(() -> metrics.statusWrites() > beforeBeats && controller.isIdle());
        System.out.printf(
            "%d node heartbeats: %d writes (the marker's write excluded)%n",
            beating.size(), metrics.statusWrites() - beforeBeats - 1);
        System.out.printf(
            "reconciles: %d written, %d unchanged, %d not handled, %d errors%n",
            metrics.reconciles("written"),
            metrics.reconciles("unchanged"),
            metrics.reconciles("not_handled"),
            metrics.reconciles("error"));
      }
    }
  }

  /**
   * The controller's own work at full size, without an API server: the decisions of the initial
   * convergence, and for one node label change the routing (E3) and the decisions it triggers.
   */
  /**
   * Serves the synthetic cluster from the in-process API server for a controller in another JVM
   * (bench/controller-heap.sh): writes a kubeconfig, prints how many Services the controller must
   * write, and serves until the kubeconfig file is deleted, so that the controller's heap is
   * measured without the server's.
   */
  private static void serve(Path kubeconfig, int nodes, int services)
      throws Exception {
    ClusterShape shape = ClusterShape.defaults().withNodes(nodes).withServices(services);
    ClusterSnapshot cluster = SyntheticCluster.generate(shape);
    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      List<HasMetadata> objects = new ArrayList<>();
      cluster.nodes().forEach(n -> objects.add(FabricObjects.node(n)));
      cluster.services().forEach(s -> objects.add(FabricObjects.service(s)));
      cluster.endpointSlices().forEach(e -> objects.add(FabricObjects.slice(e)));
      long loadStart = System.nanoTime();
      createAll(client, objects);
      Map<String, Node> nodeRecords = new HashMap<>();
      client.nodes().list().getItems().forEach(
          n -> nodeRecords.put(n.getMetadata().getName(), KubeConverters.node(n, "bench")));
      List<Service> serviceRecords = new ArrayList<>();
      client.services().inAnyNamespace().list().getItems().forEach(
          s -> serviceRecords.add(KubeConverters.service(s, "bench")));
      Map<String, List<EndpointSlice>> slices = new HashMap<>();
      client
          .discovery()
          .v1()
          .endpointSlices()
          .inAnyNamespace()
          .list()
          .getItems()
          .forEach(
              e -> {
                EndpointSlice r = KubeConverters.endpointSlice(e, "bench");
                slices
                    .computeIfAbsent(r.namespace() + "/" + r.serviceName(), k -> new ArrayList<>())
                    .add(r);
              });
      Map<String, List<String>> expected = plan(nodeRecords, serviceRecords, slices);
      long writes = expected.values().stream().filter(v -> v != null && !v.isEmpty()).count();
      long addresses = expected.values().stream().filter(Objects::nonNull).mapToLong(List::size).sum();
      String server = client.getMasterUrl().toString();
      Files.writeString(
          kubeconfig,
          "apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster: {server: \""
              + server
              + "\"}\nusers:\n- name: bench\n  user: {token: bench}\ncontexts:\n- name: bench\n"
              + "  context: {cluster: bench, user: bench}\ncurrent-context: bench\n");
      System.out.printf(
          "READY objects=%d load=%.1fs expectedWrites=%d addresses=%d%n",
          objects.size(), seconds(loadStart), writes, addresses);
      System.out.flush();
      while (Files.exists(kubeconfig)) {
        Thread.sleep(500);
      }
    }
  }

  private static void core(int nodes, int services) {
    ClusterShape shape = ClusterShape.defaults().withNodes(nodes).withServices(services);
    ClusterSnapshot cluster = SyntheticCluster.generate(shape);
    Map<String, Node> nodeRecords = new HashMap<>();
    cluster.nodes().forEach(n -> nodeRecords.put(n.name(), n));
    List<Service> serviceRecords = new ArrayList<>(cluster.services());
    Map<String, List<EndpointSlice>> slices = new HashMap<>();
    cluster
        .endpointSlices()
        .forEach(
            e ->
                slices
                    .computeIfAbsent(e.namespace() + "/" + e.serviceName(), k -> new ArrayList<>())
                    .add(e));
    System.out.printf(
        "core only: %d nodes, %d Services, %d EndpointSlices%n",
        cluster.nodes().size(), cluster.services().size(), cluster.endpointSlices().size());
    Map<String, List<String>> before = null;
    for (int round = 0; round < 5; round++) {
      long t = System.nanoTime();
      before = plan(nodeRecords, serviceRecords, slices);
      System.out.printf(
          "  all decisions (round %d): %.0f ms%n", round + 1, (System.nanoTime() - t) / 1e6);
    }
    long published =
        before.values().stream().filter(Objects::nonNull).mapToLong(List::size).sum();
    System.out.printf(
        "  %d Services with addresses, %d addresses in all%n",
        before.values().stream().filter(v -> v != null && !v.isEmpty()).count(), published);
    Node target = busiestEligibleNode(nodeRecords, serviceRecords, slices);
    Map<String, String> labels = new HashMap<>(target.labels());
    labels.put(NodeEligibility.EXCLUDE_LABEL, "true");
    Node changed =
        Node.builder()
            .name(target.name())
            .labels(labels)
            .addresses(target.addresses())
            .taints(target.taints())
            .deleting(target.deleting())
            .ready(target.ready())
            .unschedulable(target.unschedulable())
            .podCidrs(target.podCidrs())
            .source(target.source())
            .build();
    NodeIpam ipam = new NodeIpam(OPTIONS);
    for (int round = 0; round < 5; round++) {
      long t = System.nanoTime();
      List<Service> involved = new ArrayList<>();
      for (Service s : serviceRecords) {
        List<EndpointSlice> sl = slices.getOrDefault(s.key(), List.of());
        if (ipam.mayInvolve(s, target, sl) || ipam.mayInvolve(s, changed, sl)) {
          involved.add(s);
        }
      }
      long routed = System.nanoTime();
      Map<String, Node> after = new HashMap<>(nodeRecords);
      after.put(changed.name(), changed);
      NodePool pool = NodePool.of(after.values());
      int differ = 0;
      for (Service s : involved) {
        IngressDecision d = ipam.decide(s, pool, slices.getOrDefault(s.key(), List.of()));
        if (d.handled() && !d.isError() && !Objects.equals(d.ingress(), before.get(s.key()))) {
          differ++;
        }
      }
      System.out.printf(
          "  one label change (round %d): %d Services routed in %.1f ms, decided in %.1f ms"
              + " (node pool rebuilt), %d results changed%n",
          round + 1, involved.size(), (routed - t) / 1e6, (System.nanoTime() - routed) / 1e6,
          differ);
    }
    writesOfTheDecision(serviceRecords, slices, before, nodeRecords, changed);
  }

  /**
   * The controller's decision ({@link ServiceReconcile}) on every Service once its status shows
   * what was published: writes after heartbeats (nodes unchanged: none) and after the label change
   * (exactly the Services whose result changed).
   */
  private static void writesOfTheDecision(
      List<Service> services,
      Map<String, List<EndpointSlice>> slices,
      Map<String, List<String>> published,
      Map<String, Node> nodes,
      Node changed) {
    List<Service> converged = new ArrayList<>(services.size());
    for (Service s : services) {
      List<String> ips = published.get(s.key());
      List<LoadBalancerIngress> ingress =
          ips == null
              ? s.ingress()
              : ips.stream().map(ip -> new LoadBalancerIngress(ip, null, null)).toList();
      converged.add(s.toBuilder().ingress(ingress).build());
    }
    Map<String, Node> after = new HashMap<>(nodes);
    after.put(changed.name(), changed);
    ServiceReconcile decision = new ServiceReconcile(OPTIONS, false);
    for (int round = 0; round < 3; round++) {
      long t = System.nanoTime();
      int heartbeat = writes(decision, converged, NodePool.of(nodes.values()), slices);
      long between = System.nanoTime();
      int label = writes(decision, converged, NodePool.of(after.values()), slices);
      System.out.printf(
          "  reconcile decision (round %d): %d writes for unchanged nodes in %.0f ms,"
              + " %d writes after the label change in %.0f ms%n",
          round + 1, heartbeat, (between - t) / 1e6, label, (System.nanoTime() - between) / 1e6);
    }
  }

  private static int writes(
      ServiceReconcile decision,
      List<Service> services,
      NodePool pool,
      Map<String, List<EndpointSlice>> slices) {
    int writes = 0;
    for (Service s : services) {
      Observed in =
          Observed.builder()
              .key(s.key())
              .service(s)
              .pool(pool)
              .slices(slices.getOrDefault(s.key(), List.of()))
              .released(false)
              .reported(Reported.NONE)
              .role(Role.WRITER)
              .omitIpMode(false)
              .build();
      if (decision.decide(in).write() != null) {
        writes++;
      }
    }
    return writes;
  }

  private static io.fabric8.kubernetes.api.model.Service marker() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName("marker")
        .addToAnnotations("io.cilium.nodeipam/match-node-labels", "bench-marker=yes")
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withLoadBalancerClass(OPTIONS.loadBalancerClass())
        .withExternalTrafficPolicy("Cluster")
        .withIpFamilies("IPv4")
        .endSpec()
        .build();
  }

  /** The published list of every Service (null when not handled or in error), by key. */
  static Map<String, List<String>> plan(
      Map<String, Node> nodes, List<Service> services, Map<String, List<EndpointSlice>> slices) {
    NodePool pool = NodePool.of(nodes.values());
    NodeIpam ipam = new NodeIpam(OPTIONS);
    Map<String, List<String>> out = new HashMap<>();
    for (Service s : services) {
      IngressDecision d = ipam.decide(s, pool, slices.getOrDefault(s.key(), List.of()));
      out.put(s.key(), d.handled() && !d.isError() ? d.ingress() : null);
    }
    return out;
  }

  private static Node busiestEligibleNode(
      Map<String, Node> nodes, List<Service> services, Map<String, List<EndpointSlice>> slices) {
    NodeIpam ipam = new NodeIpam(OPTIONS);
    Node best = null;
    int bestCount = -1;
    int checked = 0;
    for (Node n : nodes.values()) {
      if (NodeEligibility.exclusion(n, OPTIONS) != null
          || n.addresses().stream().noneMatch(a -> a.type().equals("ExternalIP"))) {
        continue;
      }
      int count = 0;
      for (Service s : services) {
        if (ipam.mayInvolve(s, n, slices.getOrDefault(s.key(), List.of()))) {
          count++;
        }
      }
      if (count > bestCount) {
        best = n;
        bestCount = count;
      }
      if (++checked == 20) {
        break;
      }
    }
    return best;
  }

  static void createAll(KubernetesClient client, List<HasMetadata> objects)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (HasMetadata o : objects) {
        futures.add(pool.submit(() -> client.resource(o).create()));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  static void waitFor(BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no convergence within 30 minutes");
      }
      Thread.sleep(20);
    }
  }

  static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
