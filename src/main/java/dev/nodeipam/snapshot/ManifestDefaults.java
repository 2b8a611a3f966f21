package dev.nodeipam.snapshot;

import dev.nodeipam.net.IpText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What the API server would have filled in, so that a tree of manifests behaves like the cluster it
 * describes: Service type, {@code externalTrafficPolicy}, {@code ipFamilyPolicy} and {@code
 * ipFamilies}, port protocol and {@code targetPort}, the {@code kubernetes.io/metadata.name} label
 * of every namespace (declared or only referred to), and template pods for workloads without pods.
 */
public final class ManifestDefaults {
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  private ManifestDefaults() {}

  public static ClusterSnapshot apply(ClusterSnapshot in) {
    IpFamily primary = primaryFamily(in);
    boolean dualStack = looksDualStack(in);
    ClusterSnapshot.Builder out = in.toBuilder()
        .services(in.services().stream().map(s -> service(s, primary, dualStack)).toList());
    for (Workload w : in.workloads()) {
      if (in.podsIn(w.namespace()).stream()
              .noneMatch(p -> !p.isTemplate() && w.selector().matches(p.labels()))
          && !rolledOutBy(w, in.workloads())) {
        out.pod(
            new Pod(
                w.namespace(), w.name(), w.templateLabels(), w.serviceAccount(), null,
                w.hostNetwork(), List.of(), w.ports(), true, false, w.kind() + "/" + w.name(),
                w.source()));
      }
    }
    Map<String, Namespace> namespaces = new LinkedHashMap<>();
    for (Namespace n : in.namespaces()) {
      Map<String, String> labels = new LinkedHashMap<>(n.labels());
      labels.put(NAMESPACE_NAME_LABEL, n.name());
      namespaces.put(n.name(), new Namespace(n.name(), labels, n.source()));
    }
    TreeSet<String> referenced = new TreeSet<>();
    in.services().forEach(s -> referenced.add(s.namespace()));
    in.pods().forEach(p -> referenced.add(p.namespace()));
    in.workloads().forEach(w -> referenced.add(w.namespace()));
    in.endpointSlices().forEach(e -> referenced.add(e.namespace()));
    in.policies().stream()
        .filter(p -> p.namespace() != null)
        .forEach(p -> referenced.add(p.namespace()));
    for (String name : referenced) {
      namespaces.computeIfAbsent(
          name, n -> new Namespace(n, Map.of(NAMESPACE_NAME_LABEL, n), "(implied)"));
    }
    return out.namespaces(List.copyOf(namespaces.values())).build();
  }

  /**
   * {@code in}, a snapshot {@link #apply} made, with its Service of the same namespace and name
   * replaced by {@code raw} given its defaults: what {@link #apply} gives on the same objects with
   * that one replaced, without applying the defaults to every other object again. Only where the
   * Service's defaults are its own: it was there before (so its namespace is already referred
   * to), it is not the API server's (which sets the primary family), and the cluster looks
   * dual-stack, or not, alike with either version (other Services' families follow it). Else
   * empty.
   */
  public static Optional<ClusterSnapshot> withService(ClusterSnapshot in, Service raw) {
    List<Service> services = in.services();
    int at = -1;
    for (int i = 0; i < services.size() && at < 0; i++) {
      if (services.get(i).key().equals(raw.key())) {
        at = i;
      }
    }
    if (at < 0 || raw.key().equals("default/kubernetes")) {
      return Optional.empty();
    }
    List<Service> replaced = new ArrayList<>(services);
    replaced.set(at, raw);
    boolean dualStack = looksDualStack(services, in.nodes());
    if (dualStack != looksDualStack(replaced, in.nodes())) {
      return Optional.empty();
    }
    replaced.set(at, service(raw, primaryFamily(in), dualStack));
    return Optional.of(in.toBuilder().services(replaced).build());
  }

  /**
   * Whether a ReplicaSet is one a Deployment of the input rolls out (its template is the
   * Deployment's plus {@code pod-template-hash}, as {@code kubectl get all -o yaml} lists both):
   * the Deployment's template pod already stands for its pods. A bare ReplicaSet or
   * ReplicationController stands for its own.
   */
  private static boolean rolledOutBy(Workload w, List<Workload> all) {
    if (!w.kind().equals("ReplicaSet")) {
      return false;
    }
    for (Workload d : all) {
      if (d.kind().equals("Deployment") && d.namespace().equals(w.namespace())
          && d.selector() != null && d.selector().matches(w.templateLabels())) {
        return true;
      }
    }
    return false;
  }

  static Service service(Service s, IpFamily primary, boolean dualStack) {
    ServiceType type = s.type() == null ? ServiceType.CLUSTER_IP : s.type();
    TrafficPolicy etp = s.externalTrafficPolicy();
    if (etp == null && (type == ServiceType.LOAD_BALANCER || type == ServiceType.NODE_PORT)) {
      etp = TrafficPolicy.CLUSTER;
    }
    IpFamilyPolicy familyPolicy = s.ipFamilyPolicy();
    List<IpFamily> families = new ArrayList<>(s.ipFamilies());
    if (type != ServiceType.EXTERNAL_NAME) {
      if (familyPolicy == null) {
        familyPolicy =
            families.size() == 2 ? IpFamilyPolicy.REQUIRE_DUAL_STACK : IpFamilyPolicy.SINGLE_STACK;
      }
      if (families.isEmpty()) {
        families.addAll(familiesOf(s.clusterIps()));
      }
      if (families.isEmpty()) {
        families.add(primary);
        boolean wantsBoth =
            familyPolicy == IpFamilyPolicy.REQUIRE_DUAL_STACK
                || (familyPolicy == IpFamilyPolicy.PREFER_DUAL_STACK && dualStack);
        if (wantsBoth) {
          families.add(primary == IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4);
        }
      }
    }
    List<Service.ServicePort> ports = new ArrayList<>();
    for (Service.ServicePort p : s.ports()) {
      ports.add(
          new Service.ServicePort(
              p.name(),
              p.protocol() == null ? "TCP" : p.protocol(),
              p.port(),
              p.targetPort() == null ? PortRef.of(p.port()) : p.targetPort(),
              p.nodePort()));
    }
    return s.toBuilder()
        .type(type)
        .externalTrafficPolicy(etp)
        .ipFamilies(families)
        .ipFamilyPolicy(familyPolicy)
        .ports(ports)
        .build();
  }

  /** The families of explicit cluster IPs, in order ({@code None} and blanks carry none). */
  private static List<IpFamily> familiesOf(List<String> clusterIps) {
    List<IpFamily> families = new ArrayList<>();
    for (String ip : clusterIps) {
      int family = IpText.family(ip);
      IpFamily name = family == 4 ? IpFamily.IPV4 : family == 6 ? IpFamily.IPV6 : null;
      if (name != null && !families.contains(name)) {
        families.add(name);
      }
    }
    return families;
  }

  /** IPv4 unless the API server's own Service says otherwise. */
  static IpFamily primaryFamily(ClusterSnapshot in) {
    return in.service("default", "kubernetes")
        .map(s -> familiesOf(s.clusterIps()))
        .filter(f -> !f.isEmpty())
        .map(f -> f.get(0))
        .orElse(IpFamily.IPV4);
  }

  /** A cluster is taken as dual-stack when its Services or nodes use both families. */
  static boolean looksDualStack(ClusterSnapshot in) {
    return looksDualStack(in.services(), in.nodes());
  }

  private static boolean looksDualStack(List<Service> services, List<Node> nodes) {
    for (Service s : services) {
      if (familiesOf(s.clusterIps()).size() == 2) {
        return true;
      }
    }
    for (Node n : nodes) {
      List<String> texts =
          new ArrayList<>(n.podCidrs().stream().map(c -> c.split("/")[0]).toList());
      n.addresses().forEach(a -> texts.add(a.address()));
      if (familiesOf(texts).size() == 2) {
        return true;
      }
    }
    return false;
  }
}
