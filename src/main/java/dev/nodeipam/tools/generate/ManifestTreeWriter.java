package dev.nodeipam.tools.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a snapshot as a tree of Kubernetes manifests that {@code nodeipam -f DIR} reads back into
 * the same values: {@code namespaces.yaml} (one {@code List}), {@code nodes/nodes-NNNN.yaml}, and
 * per namespace {@code services.yaml}, {@code endpointslices.yaml}, {@code pods-NNNN.yaml}, {@code
 * policies.yaml}; cluster-wide policies in {@code cluster/policies.yaml}; the Cilium ConfigMap in
 * {@code kube-system/cilium-config.yaml}. Every file is multi-document YAML. Template pods (which
 * stand for workloads) and workloads are not written.
 */
public final class ManifestTreeWriter {
  /** Objects per file, so that a large tree is many files of moderate size, as in git. */
  public static final int PER_FILE = 1_000;

  private static final String NOW = "2026-11-01T00:00:00Z";

  private final ObjectMapper yaml =
      new YAMLMapper(
          YAMLFactory.builder()
              // Quoted strings keep "true", "80" and "" strings; numbers stay numbers.
              .disable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());
  private int files;
  private long objects;

  /** What was written. */
  public record Written(int files, long objects) {}

  /** Writes the tree under {@code dir} (created when missing). */
  public static Written write(ClusterSnapshot snapshot, Path dir) {
    ManifestTreeWriter writer = new ManifestTreeWriter();
    writer.writeAll(snapshot, dir);
    return new Written(writer.files, writer.objects);
  }

  private void writeAll(ClusterSnapshot s, Path dir) {
    List<Object> namespaces = new ArrayList<>();
    s.namespaces().forEach(n -> namespaces.add(namespace(n)));
    if (!namespaces.isEmpty()) {
      Map<String, Object> list = new LinkedHashMap<>();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      list.put("items", namespaces);
      file(dir.resolve("namespaces.yaml"), List.of(list));
      objects += namespaces.size() - 1;
    }
    List<Object> nodes = new ArrayList<>();
    s.nodes().forEach(n -> nodes.add(node(n)));
    chunked(dir.resolve("nodes"), "nodes", nodes);

    Map<String, PerNamespace> byNamespace = new TreeMap<>();
    for (Service svc : s.services()) {
      byNamespace
          .computeIfAbsent(svc.namespace(), k -> new PerNamespace())
          .services
          .add(service(svc));
    }
    for (EndpointSlice e : s.endpointSlices()) {
      byNamespace.computeIfAbsent(e.namespace(), k -> new PerNamespace()).slices.add(slice(e));
    }
    for (Pod p : s.pods()) {
      if (!p.isTemplate()) {
        byNamespace.computeIfAbsent(p.namespace(), k -> new PerNamespace()).pods.add(pod(p));
      }
    }
    for (RawObject r : s.policies()) {
      String ns = r.namespace() == null ? "cluster" : r.namespace();
      byNamespace.computeIfAbsent(ns, k -> new PerNamespace()).policies.add(r.body());
    }
    for (Map.Entry<String, PerNamespace> e : byNamespace.entrySet()) {
      Path nsDir = dir.resolve(e.getKey());
      PerNamespace objs = e.getValue();
      chunked(nsDir, "services", objs.services);
      chunked(nsDir, "endpointslices", objs.slices);
      chunked(nsDir, "pods", objs.pods);
      chunked(nsDir, "policies", objs.policies);
    }
    s.ciliumConfig()
        .ifPresent(
            data -> {
              Map<String, Object> cm =
                  object(
                      "v1",
                      "ConfigMap",
                      metadata(
                          ClusterSnapshot.CILIUM_CONFIG_NAME,
                          ClusterSnapshot.CILIUM_CONFIG_NAMESPACE,
                          Map.of(),
                          Map.of(),
                          false));
              cm.put("data", new TreeMap<>(data));
              file(
                  dir.resolve(ClusterSnapshot.CILIUM_CONFIG_NAMESPACE)
                      .resolve("cilium-config.yaml"),
                  List.of(cm));
            });
  }

  private static final class PerNamespace {
    final List<Object> services = new ArrayList<>();
    final List<Object> slices = new ArrayList<>();
    final List<Object> pods = new ArrayList<>();
    final List<Object> policies = new ArrayList<>();
  }

  /**
   * {@code name.yaml}, or {@code name-0000.yaml}, ... when there are more than {@link #PER_FILE}.
   */
  private void chunked(Path dir, String name, List<Object> docs) {
    if (docs.isEmpty()) {
      return;
    }
    if (docs.size() <= PER_FILE) {
      file(dir.resolve(name + ".yaml"), docs);
      return;
    }
    for (int i = 0; i * PER_FILE < docs.size(); i++) {
      List<Object> part = docs.subList(i * PER_FILE, Math.min(docs.size(), (i + 1) * PER_FILE));
      file(dir.resolve(String.format("%s-%04d.yaml", name, i)), part);
    }
  }

  private void file(Path path, List<?> docs) {
    try {
      Files.createDirectories(path.getParent());
      try (Writer w = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
          SequenceWriter seq = yaml.writer().writeValues(w)) {
        for (Object doc : docs) {
          seq.write(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(path + ": " + e.getMessage(), e);
    }
    files++;
    objects += docs.size();
  }

  static Map<String, Object> object(String apiVersion, String kind, Map<String, Object> metadata) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", apiVersion);
    m.put("kind", kind);
    m.put("metadata", metadata);
    return m;
  }

  static Map<String, Object> metadata(
      String name,
      String namespace,
      Map<String, String> labels,
      Map<String, String> annotations,
      boolean deleting) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (namespace != null) {
      m.put("namespace", namespace);
    }
    if (!labels.isEmpty()) {
      m.put("labels", new TreeMap<>(labels));
    }
    if (!annotations.isEmpty()) {
      m.put("annotations", new TreeMap<>(annotations));
    }
    if (deleting) {
      // The API server deletes an object without finalizers at once: a deleting one holds one.
      m.put("deletionTimestamp", NOW);
      m.put("finalizers", List.of("example.com/hold"));
    }
    return m;
  }

  static Map<String, Object> namespace(Namespace n) {
    return object("v1", "Namespace", metadata(n.name(), null, n.labels(), Map.of(), false));
  }

  static Map<String, Object> node(Node n) {
    Map<String, Object> node =
        object("v1", "Node", metadata(n.name(), null, n.labels(), Map.of(), n.deleting()));
    Map<String, Object> spec = new LinkedHashMap<>();
    if (!n.podCidrs().isEmpty()) {
      spec.put("podCIDR", n.podCidrs().get(0));
      spec.put("podCIDRs", n.podCidrs());
    }
    if (n.unschedulable()) {
      spec.put("unschedulable", true);
    }
    if (!n.taints().isEmpty()) {
      List<Object> taints = new ArrayList<>();
      for (Node.Taint t : n.taints()) {
        Map<String, Object> taint = new LinkedHashMap<>();
        taint.put("key", t.key());
        putIfSet(taint, "value", t.value());
        taint.put("effect", t.effect());
        taints.add(taint);
      }
      spec.put("taints", taints);
    }
    node.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    List<Object> addresses = new ArrayList<>();
    for (Node.NodeAddress a : n.addresses()) {
      Map<String, Object> address = new LinkedHashMap<>();
      address.put("type", a.type());
      address.put("address", a.address());
      addresses.add(address);
    }
    status.put("addresses", addresses);
    if (n.ready() != null) {
      status.put("conditions", List.of(Map.of("type", "Ready", "status", n.ready())));
    }
    node.put("status", status);
    return node;
  }

  static Map<String, Object> service(Service s) {
    Map<String, Object> svc =
        object(
            "v1",
            "Service",
            metadata(s.name(), s.namespace(), s.labels(), s.annotations(), s.deleting()));
    Map<String, Object> spec = new LinkedHashMap<>();
    putIfSet(spec, "type", s.type() == null ? null : s.type().wireName());
    putIfSet(spec, "loadBalancerClass", s.loadBalancerClass());
    putIfSet(
        spec,
        "externalTrafficPolicy",
        s.externalTrafficPolicy() == null ? null : s.externalTrafficPolicy().wireName());
    if (!s.clusterIps().isEmpty()) {
      spec.put("clusterIP", s.clusterIps().get(0));
      spec.put("clusterIPs", s.clusterIps());
    }
    if (!s.ipFamilies().isEmpty()) {
      spec.put("ipFamilies", IpFamily.wireNames(s.ipFamilies()));
    }
    putIfSet(
        spec, "ipFamilyPolicy", s.ipFamilyPolicy() == null ? null : s.ipFamilyPolicy().wireName());
    if (!s.externalIps().isEmpty()) {
      spec.put("externalIPs", s.externalIps());
    }
    if (s.selector() != null) {
      spec.put("selector", new TreeMap<>(s.selector()));
    }
    List<Object> ports = new ArrayList<>();
    for (Service.ServicePort p : s.ports()) {
      Map<String, Object> port = new LinkedHashMap<>();
      putIfSet(port, "name", p.name());
      putIfSet(port, "protocol", p.protocol());
      port.put("port", p.port());
      if (p.targetPort() != null) {
        port.put(
            "targetPort",
            p.targetPort().isNamed() ? p.targetPort().name() : p.targetPort().number());
      }
      putIfSet(port, "nodePort", p.nodePort());
      ports.add(port);
    }
    spec.put("ports", ports);
    svc.put("spec", spec);
    if (!s.ingress().isEmpty()) {
      List<Object> ingress = new ArrayList<>();
      for (Service.LoadBalancerIngress i : s.ingress()) {
        Map<String, Object> entry = new LinkedHashMap<>();
        putIfSet(entry, "ip", i.ip());
        putIfSet(entry, "hostname", i.hostname());
        putIfSet(entry, "ipMode", i.ipMode());
        ingress.add(entry);
      }
      svc.put("status", Map.of("loadBalancer", Map.of("ingress", ingress)));
    }
    return svc;
  }

  static Map<String, Object> slice(EndpointSlice e) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (e.serviceName() != null) {
      labels.put("kubernetes.io/service-name", e.serviceName());
    }
    labels.put("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
    Map<String, Object> slice =
        object(
            "discovery.k8s.io/v1",
            "EndpointSlice",
            metadata(e.name(), e.namespace(), labels, Map.of(), false));
    slice.put("addressType", e.addressType());
    List<Object> endpoints = new ArrayList<>();
    for (EndpointSlice.Endpoint ep : e.endpoints()) {
      Map<String, Object> endpoint = new LinkedHashMap<>();
      endpoint.put("addresses", ep.addresses());
      Map<String, Object> conditions = new LinkedHashMap<>();
      putIfSet(conditions, "ready", ep.ready());
      putIfSet(conditions, "serving", ep.serving());
      putIfSet(conditions, "terminating", ep.terminating());
      if (!conditions.isEmpty()) {
        endpoint.put("conditions", conditions);
      }
      putIfSet(endpoint, "nodeName", ep.nodeName());
      if (ep.podName() != null) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("kind", "Pod");
        ref.put("namespace", e.namespace());
        ref.put("name", ep.podName());
        endpoint.put("targetRef", ref);
      }
      endpoints.add(endpoint);
    }
    slice.put("endpoints", endpoints);
    List<Object> ports = new ArrayList<>();
    for (EndpointSlice.EndpointPort p : e.ports()) {
      Map<String, Object> port = new LinkedHashMap<>();
      putIfSet(port, "name", p.name());
      putIfSet(port, "port", p.port());
      putIfSet(port, "protocol", p.protocol());
      ports.add(port);
    }
    slice.put("ports", ports);
    return slice;
  }

  static Map<String, Object> pod(Pod p) {
    Map<String, Object> pod =
        object("v1", "Pod", metadata(p.name(), p.namespace(), p.labels(), Map.of(), p.deleting()));
    Map<String, Object> spec = new LinkedHashMap<>();
    putIfSet(spec, "nodeName", p.nodeName());
    putIfSet(spec, "serviceAccountName", p.serviceAccount());
    if (p.hostNetwork()) {
      spec.put("hostNetwork", true);
    }
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "main");
    container.put("image", "registry.example/" + p.labels().getOrDefault("app", "app") + ":1.0");
    List<Object> ports = new ArrayList<>();
    for (Pod.ContainerPort cp : p.ports()) {
      Map<String, Object> port = new LinkedHashMap<>();
      putIfSet(port, "name", cp.name());
      port.put("containerPort", cp.port());
      putIfSet(port, "protocol", cp.protocol());
      ports.add(port);
    }
    if (!ports.isEmpty()) {
      container.put("ports", ports);
    }
    spec.put("containers", List.of(container));
    pod.put("spec", spec);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("phase", "Running");
    if (!p.ips().isEmpty()) {
      status.put("podIP", p.ips().get(0));
      status.put("podIPs", p.ips().stream().map(ip -> Map.of("ip", ip)).toList());
    }
    status.put(
        "conditions", List.of(Map.of("type", "Ready", "status", p.ready() ? "True" : "False")));
    pod.put("status", status);
    return pod;
  }

  private static void putIfSet(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
