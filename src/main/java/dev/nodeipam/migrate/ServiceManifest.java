package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A Service as a complete object to apply, as plain maps and lists, in the field order {@code
 * kubectl get -o yaml} uses. Cluster IPs are left out: the API server keeps the ones a Service has
 * and allocates them for a new one. The typed fields come first; every other field of the object
 * as read ({@link Service#object()}: {@code sessionAffinity}, {@code loadBalancerSourceRanges},
 * {@code publishNotReadyAddresses}, a port's {@code appProtocol}, ...) follows as it was, except
 * those the API server allocates or refuses for the new form: {@code healthCheckNodePort} of a
 * new Service, and the LoadBalancer-only fields of a Service that is no LoadBalancer.
 */
public final class ServiceManifest {
  private ServiceManifest() {}

  public static Map<String, Object> of(Service s, Boolean allocateNodePorts) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("name", s.name());
    metadata.put("namespace", s.namespace());
    if (!s.labels().isEmpty()) {
      metadata.put("labels", new TreeMap<>(s.labels()));
    }
    if (!s.annotations().isEmpty()) {
      metadata.put("annotations", new TreeMap<>(s.annotations()));
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", s.type().wireName());
    if (s.loadBalancerClass() != null) {
      spec.put("loadBalancerClass", s.loadBalancerClass());
    }
    Map<String, Object> read = section(s.object(), "spec");
    Object allocate =
        allocateNodePorts != null || s.type() != ServiceType.LOAD_BALANCER
            ? allocateNodePorts
            : read.get("allocateLoadBalancerNodePorts");
    if (allocate != null) {
      spec.put("allocateLoadBalancerNodePorts", allocate);
    }
    if (s.externalTrafficPolicy() != null) {
      spec.put("externalTrafficPolicy", s.externalTrafficPolicy().wireName());
    }
    if (s.internalTrafficPolicy() != null) {
      spec.put("internalTrafficPolicy", s.internalTrafficPolicy().wireName());
    }
    if (s.ipFamilyPolicy() != null) {
      spec.put("ipFamilyPolicy", s.ipFamilyPolicy().wireName());
    }
    if (!s.ipFamilies().isEmpty()) {
      spec.put("ipFamilies", IpFamily.wireNames(s.ipFamilies()));
    }
    if (!s.externalIps().isEmpty()) {
      spec.put("externalIPs", s.externalIps());
    }
    if (s.selector() != null) {
      spec.put("selector", new TreeMap<>(s.selector()));
    }
    List<Object> ports = new ArrayList<>();
    for (Service.ServicePort p : s.ports()) {
      Map<String, Object> port = port(p);
      readPort(read, p).forEach(port::putIfAbsent);
      ports.add(port);
    }
    spec.put("ports", ports);
    boolean sameObject = s.name().equals(section(s.object(), "metadata").get("name"));
    read.forEach(
        (key, value) -> {
          if (!TYPED.contains(key) && kept(key, s.type(), sameObject)) {
            spec.putIfAbsent(key, value);
          }
        });
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", "Service");
    manifest.put("metadata", metadata);
    manifest.put("spec", spec);
    return manifest;
  }

  /** The spec fields written from the typed record, and the ones the API server sets itself. */
  private static final Set<String> TYPED =
      Set.of(
          "type", "loadBalancerClass", "allocateLoadBalancerNodePorts", "externalTrafficPolicy",
          "internalTrafficPolicy", "ipFamilyPolicy", "ipFamilies", "externalIPs", "selector",
          "ports", "clusterIP", "clusterIPs");

  /** Fields the API server accepts only on a LoadBalancer (or, externalName, an ExternalName). */
  private static final Set<String> LOAD_BALANCER_ONLY =
      Set.of("loadBalancerSourceRanges", "loadBalancerIP", "healthCheckNodePort");

  /** Whether a field of the object as read goes into a manifest of this type. */
  private static boolean kept(String key, ServiceType type, boolean sameObject) {
    if (key.equals("healthCheckNodePort") && !sameObject) {
      return false; // allocated per Service: a new Service gets its own
    }
    if (LOAD_BALANCER_ONLY.contains(key)) {
      return type == ServiceType.LOAD_BALANCER;
    }
    return !key.equals("externalName") || type == ServiceType.EXTERNAL_NAME;
  }

  /** The fields of the port as read that the typed port does not hold ({@code appProtocol}). */
  private static Map<String, Object> readPort(Map<String, Object> spec, Service.ServicePort p) {
    if (!(spec.get("ports") instanceof List<?> list)) {
      return Map.of();
    }
    for (Object o : list) {
      if (o instanceof Map<?, ?> m
          && Objects.equals(m.get("port"), p.port())
          && Objects.equals(m.get("protocol") == null ? "TCP" : m.get("protocol"),
              p.protocol() == null ? "TCP" : p.protocol())) {
        Map<String, Object> extra = new LinkedHashMap<>();
        m.forEach(
            (k, v) -> {
              if (!PORT_TYPED.contains(String.valueOf(k))) {
                extra.put(String.valueOf(k), v);
              }
            });
        return extra;
      }
    }
    return Map.of();
  }

  private static final Set<String> PORT_TYPED =
      Set.of("name", "protocol", "port", "targetPort", "nodePort");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> object, String key) {
    if (object != null && object.get(key) instanceof Map<?, ?> m) {
      return (Map<String, Object>) m;
    }
    return Map.of();
  }

  static Map<String, Object> port(Service.ServicePort p) {
    Map<String, Object> port = new LinkedHashMap<>();
    if (p.name() != null && !p.name().isEmpty()) {
      port.put("name", p.name());
    }
    port.put("protocol", p.protocol() == null ? "TCP" : p.protocol());
    port.put("port", p.port());
    if (p.targetPort() != null) {
      port.put(
          "targetPort", p.targetPort().isNamed() ? p.targetPort().name() : p.targetPort().number());
    }
    if (p.nodePort() != null && p.nodePort() != 0) {
      port.put("nodePort", p.nodePort());
    }
    return port;
  }
}
