package dev.nodeipam.tools.generate;

import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic cluster for benchmarks and property tests: nodes, namespaces, Services,
 * EndpointSlices and pods, drawn from one seeded {@link Random} so that a seed always gives the
 * same cluster. The records carry the API server's defaults already (explicit {@code ipFamilies},
 * protocols, {@code targetPort}s, the namespace name label), so that writing them as manifests and
 * loading them back gives the same values.
 *
 * <p>Other object kinds (network policies, ...) are added by an {@link Addition}, in their own
 * class: it sees the finished base cluster and draws from a random stream of its own, so adding one
 * never changes the base cluster of a seed.
 */
public final class SyntheticCluster {
  /** The class Node IPAM owns by default. */
  public static final String NODE_IPAM_CLASS = NodeIpamOptions.DEFAULT_CLASS;

  /** Another controller's class, whose Services Node IPAM must leave alone. */
  public static final String OTHER_CLASS = "example.com/metal";

  /**
   * The node selector annotations the Node IPAM Services carry, as real clusters do: a handful of
   * distinct strings shared by many Services. Null means no annotation; "" is the empty selector.
   */
  public static final List<String> NODE_SELECTORS =
      List.of(
          "ingress-ready=true",
          "zone in (a,b)",
          "pool=edge",
          "pool!=batch,zone=c",
          "ingress-ready=true,zone notin (d)",
          "zone==a",
          "!node-role.kubernetes.io/control-plane",
          "pool in (edge,general),ingress-ready",
          "rack>20",
          "");

  static final String[] ZONES = {"a", "b", "c", "d"};
  static final String[] POOLS = {"general", "general", "edge", "batch", "gpu"};
  static final String[] TIERS = {"web", "api", "worker"};
  static final String[] ENVS = {"prod", "staging", "dev"};

  /**
   * Objects added to a generated cluster, e.g. the policies of the policy analyser's benchmarks.
   */
  @FunctionalInterface
  public interface Addition {
    /**
     * Adds objects to {@code out}, which already holds the whole base cluster.
     *
     * @param base the base cluster, read-only
     * @param random this addition's own stream, derived from the seed
     */
    void addTo(ClusterSnapshot base, Random random, ClusterSnapshot.Builder out);
  }

  private final ClusterShape shape;
  private final Random random;
  private final List<Node> nodes = new ArrayList<>();
  private final int[] podsOnNode;

  private SyntheticCluster(ClusterShape shape) {
    this.shape = shape;
    this.random = new Random(shape.seed());
    this.podsOnNode = new int[shape.nodes()];
  }

  /** The base cluster of this shape and seed. */
  public static ClusterSnapshot generate(ClusterShape shape) {
    return generate(shape, List.of());
  }

  /** The base cluster with each addition applied in order. */
  public static ClusterSnapshot generate(ClusterShape shape, List<Addition> additions) {
    ClusterSnapshot base = new SyntheticCluster(shape).build();
    if (additions.isEmpty()) {
      return base;
    }
    ClusterSnapshot.Builder out = base.toBuilder();
    for (int i = 0; i < additions.size(); i++) {
      additions.get(i).addTo(base, new Random(shape.seed() * 31 + i + 1), out);
    }
    return out.build();
  }

  private ClusterSnapshot build() {
    ClusterSnapshot.Builder out = ClusterSnapshot.builder();
    for (int i = 0; i < shape.nodes(); i++) {
      Node node = node(i);
      nodes.add(node);
      out.node(node);
    }
    for (int k = 0; k < shape.namespaces(); k++) {
      out.namespace(namespace(k));
    }
    for (int j = 0; j < shape.services(); j++) {
      Service service = service(j);
      out.service(service);
      if (service.selector() != null && !nodes.isEmpty()) {
        addBackends(service, out);
      }
    }
    return out.build();
  }

  public static String nodeName(int i) {
    return String.format("node-%05d", i);
  }

  public static String namespaceName(int k) {
    return String.format("ns-%03d", k);
  }

  public static String serviceName(int j) {
    return String.format("svc-%05d", j);
  }

  private Node node(int i) {
    Map<String, String> labels = new LinkedHashMap<>();
    String name = nodeName(i);
    labels.put("kubernetes.io/hostname", name);
    labels.put("kubernetes.io/os", "linux");
    labels.put("zone", pick(ZONES));
    labels.put("topology.kubernetes.io/zone", "eu-1" + labels.get("zone"));
    String pool = pick(POOLS);
    labels.put("pool", pool);
    labels.put("rack", Integer.toString(random.nextInt(40)));
    if (random.nextDouble() < 0.3) {
      labels.put("ingress-ready", "true");
    }
    if (i < 3) {
      labels.put("node-role.kubernetes.io/control-plane", "");
    } else {
      labels.put("node-role.kubernetes.io/worker", "");
    }

    List<Node.NodeAddress> addresses = new ArrayList<>();
    int n = i + 1;
    addresses.add(new Node.NodeAddress("InternalIP", v4(172, 16, n)));
    boolean dualStack = random.nextDouble() < 0.25;
    if (dualStack) {
      addresses.add(new Node.NodeAddress("InternalIP", "fd00:172::" + Integer.toHexString(n)));
    }
    if (random.nextDouble() < 0.35) {
      addresses.add(new Node.NodeAddress("ExternalIP", v4(198, 18, n)));
    }
    if (dualStack && random.nextDouble() < 0.4) {
      // A few nodes report their IPv6 address in a non-canonical spelling, as some clouds do.
      String v6 =
          random.nextDouble() < 0.1
              ? "2001:0db8:0000::" + Integer.toHexString(n)
              : "2001:db8::" + Integer.toHexString(n);
      addresses.add(new Node.NodeAddress("ExternalIP", v6));
    }
    addresses.add(new Node.NodeAddress("Hostname", name));

    List<Node.Taint> taints = new ArrayList<>();
    boolean deleting = false;
    double excluded = random.nextDouble();
    double third = shape.excludedNodeFraction() / 3;
    if (excluded < third) {
      deleting = true;
    } else if (excluded < 2 * third) {
      // Cilium excludes on the key alone, whatever the value.
      labels.put(NodeEligibility.EXCLUDE_LABEL, pick(new String[] {"", "true", "false"}));
    } else if (excluded < 3 * third) {
      taints.add(
          new Node.Taint(
              NodeEligibility.TO_BE_DELETED_TAINT,
              Integer.toString(1_700_000_000 + n),
              "NoSchedule"));
    }
    if (pool.equals("gpu")) {
      taints.add(new Node.Taint("dedicated", "gpu", "NoSchedule"));
    }
    double health = random.nextDouble();
    String ready = health < 0.03 ? "False" : health < 0.04 ? "Unknown" : "True";
    boolean cordoned = random.nextDouble() < 0.02;
    List<String> podCidrs = new ArrayList<>();
    podCidrs.add("10." + (128 + (i >> 8) % 128) + "." + (i & 255) + ".0/24");
    if (dualStack) {
      podCidrs.add("fd00:10:244:" + Integer.toHexString(i) + "::/64");
    }
    return Node.builder()
        .name(name)
        .labels(labels)
        .addresses(addresses)
        .taints(taints)
        .deleting(deleting)
        .ready(ready)
        .unschedulable(cordoned)
        .podCidrs(podCidrs)
        .source(null)
        .build();
  }

  private Namespace namespace(int k) {
    String name = namespaceName(k);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(ManifestDefaults.NAMESPACE_NAME_LABEL, name);
    labels.put("team", "team-" + (k % 7));
    labels.put("env", ENVS[k % ENVS.length]);
    return new Namespace(name, labels, null);
  }

  private Service service(int j) {
    String name = serviceName(j);
    String namespace = namespaceName(j % shape.namespaces());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", name);
    labels.put("app.kubernetes.io/part-of", "shop-" + (j % 13));
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, String> selector = Map.of("app", name);

    List<IpFamily> families = families();
    IpFamilyPolicy familyPolicy = familyPolicy(families);
    List<String> clusterIps = clusterIps(families, j);

    double kind = random.nextDouble();
    ServiceType type = ServiceType.LOAD_BALANCER;
    String lbClass = NODE_IPAM_CLASS;
    TrafficPolicy etp = TrafficPolicy.CLUSTER;
    List<String> externalIps = List.of();
    List<Service.LoadBalancerIngress> ingress = List.of();
    double c1 = shape.clusterIpFraction();
    double c2 = c1 + shape.externalIpsFraction();
    double c3 = c2 + shape.otherClassFraction();
    if (kind < c1) {
      type = ServiceType.CLUSTER_IP;
      lbClass = null;
      etp = null;
    } else if (kind < c2) {
      // Published on node addresses the old way: what the migration planner moves.
      type = ServiceType.CLUSTER_IP;
      lbClass = null;
      etp = null;
      externalIps = externalIpsFor(families);
    } else if (kind < c3) {
      // Another controller's LoadBalancer (or one without a class) with a status of its own.
      lbClass = random.nextBoolean() ? OTHER_CLASS : null;
      ingress =
          List.of(new Service.LoadBalancerIngress(v4(192, 0, 2 * 256 + 1 + j % 250), null, null));
    } else {
      String nodeSelector = pickSelector();
      if (nodeSelector != null) {
        annotations.put(ServiceAnnotations.MATCH_NODE_LABELS, nodeSelector);
      }
      if (random.nextDouble() < shape.localFraction()) {
        etp = TrafficPolicy.LOCAL;
      }
    }

    List<Service.ServicePort> ports = ports(j, type == ServiceType.LOAD_BALANCER);
    return Service.builder()
        .namespace(namespace)
        .name(name)
        .labels(labels)
        .annotations(annotations)
        .type(type)
        .loadBalancerClass(lbClass)
        .externalTrafficPolicy(etp)
        .ipFamilies(families)
        .ipFamilyPolicy(familyPolicy)
        .clusterIps(clusterIps)
        .externalIps(externalIps)
        .ports(ports)
        .selector(selector)
        .ingress(ingress)
        .build();
  }

  /** Single stack for one family; dual stack required or preferred, at random, for two. */
  private IpFamilyPolicy familyPolicy(List<IpFamily> families) {
    return families.size() == 2
        ? (random.nextBoolean()
            ? IpFamilyPolicy.REQUIRE_DUAL_STACK
            : IpFamilyPolicy.PREFER_DUAL_STACK)
        : IpFamilyPolicy.SINGLE_STACK;
  }

  /** Service {@code j}'s ClusterIP in each family. */
  private static List<String> clusterIps(List<IpFamily> families, int j) {
    List<String> clusterIps = new ArrayList<>();
    for (IpFamily family : families) {
      clusterIps.add(
          family == IpFamily.IPV4 ? v4(10, 96, j + 1) : "fd00:96::" + Integer.toHexString(j + 1));
    }
    return clusterIps;
  }

  /**
   * http on 80 (a named or numbered targetPort) and, for two in five Services, https on 443; node
   * ports for a LoadBalancer.
   */
  private List<Service.ServicePort> ports(int j, boolean lb) {
    List<Service.ServicePort> ports = new ArrayList<>();
    ports.add(
        new Service.ServicePort(
            "http",
            "TCP",
            80,
            random.nextBoolean() ? PortRef.named("http") : PortRef.of(8080),
            lb ? 30000 + (2 * j) % 2768 : null));
    if (random.nextDouble() < 0.4) {
      ports.add(
          new Service.ServicePort(
              "https", "TCP", 443, PortRef.of(8443), lb ? 30000 + (2 * j + 1) % 2768 : null));
    }
    return ports;
  }

  private List<IpFamily> families() {
    double f = random.nextDouble();
    if (f < 0.7) {
      return List.of(IpFamily.IPV4);
    }
    if (f < 0.9) {
      return List.of(IpFamily.IPV4, IpFamily.IPV6);
    }
    return List.of(IpFamily.IPV6);
  }

  private String pickSelector() {
    // About 40% of the Services carry no annotation; the rest share the list above.
    if (random.nextDouble() < 0.4) {
      return null;
    }
    return NODE_SELECTORS.get(random.nextInt(NODE_SELECTORS.size()));
  }

  /** One or two addresses of random nodes, of the Service's families, external ones first. */
  private List<String> externalIpsFor(List<IpFamily> families) {
    List<String> out = new ArrayList<>();
    if (nodes.isEmpty()) {
      return out;
    }
    int count = 1 + random.nextInt(2);
    for (int t = 0; t < count; t++) {
      Node node = nodes.get(random.nextInt(nodes.size()));
      String best = null;
      for (Node.NodeAddress a : node.addresses()) {
        boolean v6 = a.address().contains(":");
        boolean wanted =
            !a.type().equals("Hostname") && families.contains(v6 ? IpFamily.IPV6 : IpFamily.IPV4);
        if (wanted && (best == null || a.type().equals("ExternalIP"))) {
          best = a.address();
        }
      }
      if (best != null && !out.contains(best)) {
        out.add(best);
      }
    }
    return out;
  }

  /** The Service's pods, spread over random nodes, and one EndpointSlice per family naming them. */
  private void addBackends(Service service, ClusterSnapshot.Builder out) {
    List<Pod> pods = new ArrayList<>();
    List<EndpointSlice.Endpoint> v4 = new ArrayList<>();
    List<EndpointSlice.Endpoint> v6 = new ArrayList<>();
    String tier = TIERS[Math.floorMod(service.name().hashCode(), TIERS.length)];
    for (int k = 0; k < shape.podsPerService(); k++) {
      int nodeIndex = random.nextInt(nodes.size());
      Node node = nodes.get(nodeIndex);
      int slot = podsOnNode[nodeIndex]++ % 250 + 2;
      String ip4 = node.podCidrs().get(0).replace(".0/24", "." + slot);
      String ip6 =
          node.podCidrs().size() > 1
              ? node.podCidrs().get(1).replace("::/64", "::" + Integer.toHexString(slot))
              : "fd00:10:245::" + Integer.toHexString(nodeIndex) + ":" + Integer.toHexString(slot);
      double state = random.nextDouble();
      boolean terminating = state < 0.02;
      boolean ready = !terminating && state >= 0.06;
      String podName = service.name() + "-" + suffix();
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("app", service.name());
      labels.put("tier", tier);
      labels.put("pod-template-hash", "7d9f8c6b5");
      pods.add(
          Pod.builder()
              .namespace(service.namespace())
              .name(podName)
              .labels(labels)
              .serviceAccount("default")
              .nodeName(node.name())
              .hostNetwork(false)
              .ips(List.of(ip4, ip6))
              .ports(CONTAINER_PORTS)
              .ready(ready)
              .deleting(terminating)
              .workload(null)
              .source(null)
              .build());
      // The conditions as the EndpointSlice controller writes them; some writers omit "ready".
      Boolean readyCondition =
          ready ? (random.nextDouble() < 0.2 ? null : Boolean.TRUE) : Boolean.FALSE;
      Boolean serving = terminating ? Boolean.TRUE : readyCondition == null ? null : ready;
      Boolean terminatingCondition =
          terminating ? Boolean.TRUE : readyCondition == null ? null : false;
      v4.add(
          new EndpointSlice.Endpoint(
              List.of(ip4), readyCondition, serving, terminatingCondition, node.name(), podName));
      v6.add(
          new EndpointSlice.Endpoint(
              List.of(ip6), readyCondition, serving, terminatingCondition, node.name(), podName));
    }
    List<EndpointSlice.EndpointPort> ports = new ArrayList<>();
    for (Service.ServicePort p : service.ports()) {
      int target =
          p.targetPort().isNamed() ? containerPort(p.targetPort().name()) : p.targetPort().number();
      ports.add(new EndpointSlice.EndpointPort(p.name(), target, p.protocol()));
    }
    for (IpFamily family : service.ipFamilies()) {
      boolean isV4 = family == IpFamily.IPV4;
      out.endpointSlice(
          new EndpointSlice(
              service.namespace(),
              service.name() + "-" + suffix(),
              service.name(),
              family.wireName(),
              isV4 ? v4 : v6,
              ports,
              null));
    }
    pods.forEach(out::pod);
  }

  static final List<Pod.ContainerPort> CONTAINER_PORTS =
      List.of(
          new Pod.ContainerPort("http", 8080, "TCP"),
          new Pod.ContainerPort("https", 8443, "TCP"),
          new Pod.ContainerPort("metrics", 9090, "TCP"));

  private static int containerPort(String name) {
    for (Pod.ContainerPort p : CONTAINER_PORTS) {
      if (p.name().equals(name)) {
        return p.port();
      }
    }
    throw new IllegalStateException("no container port " + name);
  }

  private String suffix() {
    char[] chars = new char[5];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = "bcdfghjklmnpqrstvwxz2456789".charAt(random.nextInt(27));
    }
    return new String(chars);
  }

  private String pick(String[] values) {
    return values[random.nextInt(values.length)];
  }

  /** {@code a.b.0.0} plus {@code offset}, as dotted-quad text. */
  private static String v4(int a, int b, int offset) {
    int base = (a << 24) | (b << 16);
    int ip = base + offset;
    return ((ip >>> 24) & 255)
        + "."
        + ((ip >>> 16) & 255)
        + "."
        + ((ip >>> 8) & 255)
        + "."
        + (ip & 255);
  }
}
