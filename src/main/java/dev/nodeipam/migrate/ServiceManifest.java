package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Service as a complete object to apply, as plain maps and lists, in the field order {@code
 * kubectl get -o yaml} uses. Cluster IPs are left out: the API server keeps the ones a Service has
 * and allocates them for a new one.
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
    spec.put("type", s.type());
    if (s.loadBalancerClass() != null) {
      spec.put("loadBalancerClass", s.loadBalancerClass());
    }
    if (allocateNodePorts != null) {
      spec.put("allocateLoadBalancerNodePorts", allocateNodePorts);
    }
    if (s.externalTrafficPolicy() != null) {
      spec.put("externalTrafficPolicy", s.externalTrafficPolicy());
    }
    if (s.ipFamilyPolicy() != null) {
      spec.put("ipFamilyPolicy", s.ipFamilyPolicy());
    }
    if (!s.ipFamilies().isEmpty()) {
      spec.put("ipFamilies", s.ipFamilies());
    }
    if (!s.externalIps().isEmpty()) {
      spec.put("externalIPs", s.externalIps());
    }
    if (s.selector() != null) {
      spec.put("selector", new TreeMap<>(s.selector()));
    }
    List<Object> ports = new ArrayList<>();
    for (Service.ServicePort p : s.ports()) {
      ports.add(port(p));
    }
    spec.put("ports", ports);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("apiVersion", "v1");
    manifest.put("kind", "Service");
    manifest.put("metadata", metadata);
    manifest.put("spec", spec);
    return manifest;
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
