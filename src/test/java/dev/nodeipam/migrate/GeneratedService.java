package dev.nodeipam.migrate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Manifests for {@link MigrationFieldsKeptPropertyTest}: four nodes, each with an IPv4 and an IPv6
 * ExternalIP and an IPv4 InternalIP, and one Service in {@code web} with every field a Service can
 * carry set, whose externalIPs are addresses of those nodes. Fields follow the API server's
 * validation (source ranges and the health-check port only on a LoadBalancer, two families only
 * with a dual-stack policy, node ports only where they are allocated).
 */
final class GeneratedService {
  private static final int NODES = 4;

  private GeneratedService() {}

  static List<Map<String, Object>> nodes() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("name", "node-" + i);
      metadata.put("labels", Map.of("kubernetes.io/hostname", "node-" + i));
      Map<String, Object> status = new LinkedHashMap<>();
      status.put(
          "addresses",
          List.of(
              Map.of("type", "ExternalIP", "address", "198.51.100." + i),
              Map.of("type", "ExternalIP", "address", "2001:db8::" + i),
              Map.of("type", "InternalIP", "address", "10.0.0." + i)));
      status.put("conditions", List.of(Map.of("type", "Ready", "status", "True")));
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("apiVersion", "v1");
      node.put("kind", "Node");
      node.put("metadata", metadata);
      node.put("status", status);
      out.add(node);
    }
    return out;
  }

  static Map<String, Object> service(Random r) {
    String type = pick(r, "ClusterIP", "NodePort", "LoadBalancer", "LoadBalancer");
    boolean lb = type.equals("LoadBalancer");
    boolean nodePorts = !type.equals("ClusterIP");
    List<String> families =
        List.of(
                List.of("IPv4"),
                List.of("IPv6"),
                List.of("IPv4", "IPv6"),
                List.of("IPv6", "IPv4"))
            .get(r.nextInt(4));
    String etp = pick(r, "Cluster", "Local");

    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", "site");
    metadata.put("namespace", "web");
    metadata.put("uid", "0b6f7e4e-0000-4000-8000-" + String.format("%012d", r.nextInt(1000000)));
    metadata.put("resourceVersion", String.valueOf(1000 + r.nextInt(9000)));
    metadata.put("creationTimestamp", "2026-01-02T03:04:05Z");
    metadata.put("labels", Map.of("app", "site", "tier", pick(r, "web", "edge")));
    Map<String, Object> annotations = new LinkedHashMap<>();
    annotations.put("example.com/owner", pick(r, "team-a", "team-b"));
    if (r.nextBoolean()) {
      annotations.put(MigrationPlanner.LAST_APPLIED, "{\"kind\":\"Service\"}");
    }
    metadata.put("annotations", annotations);

    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", type);
    if (lb && r.nextBoolean()) {
      spec.put("loadBalancerClass", "example.com/other");
    }
    List<String> clusterIps =
        families.stream().map(f -> f.equals("IPv4") ? "10.96.0.10" : "fd00:96::10").toList();
    spec.put("clusterIP", clusterIps.get(0));
    spec.put("clusterIPs", clusterIps);
    spec.put("ipFamilies", families);
    spec.put(
        "ipFamilyPolicy",
        families.size() == 2 ? pick(r, "RequireDualStack", "PreferDualStack") : "SingleStack");
    spec.put("externalIPs", externalIps(r));
    spec.put("externalTrafficPolicy", etp);
    spec.put("internalTrafficPolicy", pick(r, "Cluster", "Local"));
    spec.put("selector", Map.of("app", "site"));
    spec.put("ports", ports(r, nodePorts));
    if (r.nextBoolean()) {
      spec.put("sessionAffinity", "ClientIP");
      spec.put(
          "sessionAffinityConfig",
          Map.of("clientIP", Map.of("timeoutSeconds", 60 + r.nextInt(10000))));
    } else {
      spec.put("sessionAffinity", "None");
    }
    spec.put("publishNotReadyAddresses", r.nextBoolean());
    if (lb) {
      spec.put("allocateLoadBalancerNodePorts", true);
      spec.put("loadBalancerSourceRanges", List.of("203.0.113.0/24", "192.0.2.0/25"));
      if (etp.equals("Local")) {
        spec.put("healthCheckNodePort", 32000 + r.nextInt(700));
      }
    }

    Map<String, Object> service = new LinkedHashMap<>();
    service.put("apiVersion", "v1");
    service.put("kind", "Service");
    service.put("metadata", metadata);
    service.put("spec", spec);
    if (lb && r.nextBoolean()) {
      Map<String, Object> ingress = Map.of("ingress", List.of(Map.of("ip", "192.0.2.200")));
      service.put("status", Map.of("loadBalancer", ingress));
    }
    return service;
  }

  /** One to three addresses of the nodes, of either family and either address type. */
  private static List<String> externalIps(Random r) {
    List<String> pool = new ArrayList<>();
    for (int i = 1; i <= NODES; i++) {
      pool.add("198.51.100." + i);
      pool.add("2001:db8::" + i);
      pool.add("10.0.0." + i);
    }
    List<String> out = new ArrayList<>();
    int n = 1 + r.nextInt(3);
    while (out.size() < n) {
      String ip = pool.get(r.nextInt(pool.size()));
      if (!out.contains(ip)) {
        out.add(ip);
      }
    }
    return out;
  }

  /** Named and unnamed, numbered and named targets, TCP and UDP, with and without appProtocol. */
  private static List<Object> ports(Random r, boolean nodePorts) {
    int n = 1 + r.nextInt(3);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      if (n > 1 || r.nextBoolean()) {
        p.put("name", "port-" + i);
      }
      p.put("protocol", pick(r, "TCP", "TCP", "UDP"));
      p.put("port", 80 + i);
      p.put("targetPort", r.nextBoolean() ? (Object) (8080 + i) : "http-" + i);
      if (r.nextBoolean()) {
        p.put("appProtocol", pick(r, "http", "kubernetes.io/h2c", "example.com/custom"));
      }
      if (nodePorts) {
        p.put("nodePort", 30000 + 10 * i + r.nextInt(10));
      }
      out.add(p);
    }
    return out;
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }
}
