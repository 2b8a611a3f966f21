package dev.nodeipam.diff;

import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.net.IpText;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.ClusterNetworkPolicy;
import dev.nodeipam.policy.model.PolicyParser;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a change can affect, worked out from the change set alone: the Services whose addresses
 * must be audited for every source, and the source pods that must be audited at every address.
 *
 * <ul>
 *   <li>a Service, or its EndpointSlices: that Service;
 *   <li>a pod (labels, node, ports): the pod as a source, and every Service selecting it in
 *       either state (it is, or was, a backend);
 *   <li>a policy: the pods its rules select in either state, as sources and as backends;
 *   <li>a namespace (its labels are in every identity of it): its pods;
 *   <li>a node (addresses, labels, taints): the pods on it, the Services Node IPAM owns (their
 *       published addresses are a function of every node), and Services on its addresses;
 *   <li>then every Service that shares an address with one of those: which of them the datapath
 *       translates an address to can change;
 *   <li>the datapath settings: everything.
 * </ul>
 *
 * @param audit the audit scope, the same for both states
 * @param plannedServices the Services whose Node IPAM decision can differ; null for all
 */
public record DiffScope(AuditScope audit, Set<String> plannedServices) {

  public static DiffScope of(ChangeSet changes, ClusterSnapshot before, ClusterSnapshot after,
      Map<String, String> overrides, NodeIpamOptions options) {
    if (changes.settings()) {
      return new DiffScope(AuditScope.all(), null);
    }
    Set<String> pods = new TreeSet<>(changes.pods());
    for (ClusterSnapshot s : List.of(before, after)) {
      for (Pod p : s.pods()) {
        if (changes.namespaces().contains(p.namespace())
            || (p.nodeName() != null && changes.nodes().contains(p.nodeName()))) {
          pods.add(p.key());
        }
      }
      pods.addAll(selectedByChangedPolicies(s, changes.policies(), overrides));
    }
    Set<String> services = new TreeSet<>(changes.services());
    services.addAll(changes.sliceServices());
    Set<String> planned = changes.nodes().isEmpty() ? new TreeSet<>(services) : null;
    for (ClusterSnapshot s : List.of(before, after)) {
      Map<String, Set<Map<String, String>>> scopedLabels = labelsOf(s, pods);
      for (Service svc : s.services()) {
        if (selectsAny(svc, scopedLabels)) {
          services.add(svc.key());
        }
        if (!changes.nodes().isEmpty() && ServiceOwnership.handles(svc, options)) {
          services.add(svc.key());
        }
      }
      if (!changes.nodes().isEmpty()) {
        services.addAll(onAddressesOf(s, changes.nodes(), before, after));
      }
    }
    Set<String> first = Set.copyOf(services);
    services.addAll(sharingAnAddress(first, before, options));
    services.addAll(sharingAnAddress(first, after, options));
    if (planned != null) {
      planned.addAll(services);
    }
    return new DiffScope(AuditScope.of(services, pods), planned);
  }

  private static Set<String> selectedByChangedPolicies(
      ClusterSnapshot s, Set<String> changed, Map<String, String> overrides) {
    Set<String> out = new HashSet<>();
    if (changed.isEmpty()) {
      return out;
    }
    List<Rule> rules = new ArrayList<>();
    List<LabelSelector> tierSubjects = new ArrayList<>();
    for (RawObject p : s.policies()) {
      if (!changed.contains(PolicyParser.refOf(p).label())) {
        continue;
      }
      if (ClusterNetworkPolicy.is(p)) {
        ClusterNetworkPolicy.read(p).rules().forEach(r -> tierSubjects.add(r.subject()));
      } else {
        rules.addAll(PolicyParser.parse(p));
      }
    }
    if (rules.isEmpty() && tierSubjects.isEmpty()) {
      return out;
    }
    PolicyEngine engine = PolicyEngine.lazy(s);
    DatapathSettings settings = engine.settings(overrides);
    for (Pod pod : s.pods()) {
      Identity id = engine.identityOf(pod, settings);
      if (!id.isPod()) {
        continue;
      }
      if (tierSubjects.stream().anyMatch(t -> t.matches(id.labels()))) {
        out.add(pod.key());
        continue;
      }
      for (Rule r : rules) {
        boolean inScope = r.isClusterwide() || r.subjectNamespace().equals(pod.namespace());
        if (inScope && r.appliesToPods() && r.subject().matches(id.labels())) {
          out.add(pod.key());
          break;
        }
      }
    }
    return out;
  }

  /**
   * The distinct label sets of the given pods, by namespace: what a Service selector is matched
   * against (pods of one workload share their labels; a cluster-wide change scopes every pod).
   */
  private static Map<String, Set<Map<String, String>>> labelsOf(ClusterSnapshot s,
      Set<String> pods) {
    Map<String, Set<Map<String, String>>> out = new HashMap<>();
    if (pods.isEmpty()) {
      return out;
    }
    for (Pod p : s.pods()) {
      if (pods.contains(p.key())) {
        out.computeIfAbsent(p.namespace(), k -> new HashSet<>()).add(p.labels());
      }
    }
    return out;
  }

  /** Whether the Service selects one of the label sets (of scoped pods) in its namespace. */
  private static boolean selectsAny(Service svc, Map<String, Set<Map<String, String>>> labels) {
    if (svc.selector() == null || svc.selector().isEmpty()) {
      return false;
    }
    for (Map<String, String> l : labels.getOrDefault(svc.namespace(), Set.of())) {
      if (l.entrySet().containsAll(svc.selector().entrySet())) {
        return true;
      }
    }
    return false;
  }

  /** Services listing, or published on, an address of a changed node (in either state). */
  private static Set<String> onAddressesOf(ClusterSnapshot s, Set<String> nodes,
      ClusterSnapshot before, ClusterSnapshot after) {
    Set<String> addresses = new HashSet<>();
    for (ClusterSnapshot state : List.of(before, after)) {
      for (Node n : state.nodes()) {
        if (nodes.contains(n.name())) {
          n.addresses().forEach(a -> addIfIp(addresses, a.address()));
        }
      }
    }
    Set<String> out = new HashSet<>();
    for (Service svc : s.services()) {
      if (addressesOf(svc).stream().anyMatch(addresses::contains)) {
        out.add(svc.key());
      }
    }
    return out;
  }

  /**
   * What Node IPAM would publish for the Services it owns that have no status yet, for those that
   * can compete with the given Services for a frontend: the audit dials those addresses too. Only
   * node addresses can be published, so only Services on a port of a node-address frontend of
   * the given ones are planned (a cluster's Node IPAM Services can publish millions of entries).
   */
  private static Map<String, List<String>> planned(
      ClusterSnapshot s, Set<String> services, NodeIpamOptions options) {
    Map<String, List<String>> out = new HashMap<>();
    Set<String> nodeAddresses = new HashSet<>();
    s.nodes().forEach(n -> n.addresses().forEach(a -> addIfIp(nodeAddresses, a.address())));
    Set<Integer> ports = new HashSet<>();
    boolean onNodes = false;
    NodeIpam ipam = new NodeIpam(ClasslessDefault.applied(options, s));
    NodePool pool = NodePool.of(s.nodes());
    List<Service> wanted = new ArrayList<>();
    for (Service svc : s.services()) {
      if (!services.contains(svc.key())) {
        continue;
      }
      wanted.add(svc);
      svc.ports().forEach(p -> ports.add(p.port()));
      onNodes |= addressesOf(svc).stream().anyMatch(nodeAddresses::contains);
    }
    for (Service svc : wanted) {
      List<String> mine = plan(ipam, pool, s, svc);
      if (mine != null) {
        out.put(svc.key(), mine);
        onNodes = onNodes || !mine.isEmpty();
      }
    }
    if (!onNodes) {
      return out;
    }
    for (Service svc : s.services()) {
      if (!out.containsKey(svc.key())
          && svc.ports().stream().anyMatch(p -> ports.contains(p.port()))) {
        List<String> theirs = plan(ipam, pool, s, svc);
        if (theirs != null) {
          out.put(svc.key(), theirs);
        }
      }
    }
    return out;
  }

  /** The planned ingress of a Node IPAM Service without status, else null. */
  private static List<String> plan(NodeIpam ipam, NodePool pool, ClusterSnapshot s, Service svc) {
    if (svc.ingress().stream().anyMatch(i -> i.ip() != null)
        || !ServiceOwnership.handles(svc, ipam.options())) {
      return null;
    }
    IngressDecision d = ipam.decide(svc, pool, s.slicesOf(svc.namespace(), svc.name()));
    return d.isError() || d.ingress() == null ? null : d.ingress();
  }

  /**
   * The Services of the state that share a frontend with one of {@code services}, those
   * included. When they are every Service of the state already (a change to every pod, say),
   * there is nothing to add and no frontend to compute: Node IPAM Services can publish the
   * addresses of every node.
   */
  private static Set<String> sharingAnAddress(
      Set<String> services, ClusterSnapshot s, NodeIpamOptions options) {
    Set<String> out = new HashSet<>();
    if (s.services().stream().allMatch(svc -> services.contains(svc.key()))) {
      return out;
    }
    Map<String, List<String>> planned = planned(s, services, options);
    Set<String> frontends = new HashSet<>();
    for (Service svc : s.services()) {
      if (services.contains(svc.key())) {
        frontends.addAll(frontendsOf(svc, planned));
      }
    }
    if (frontends.isEmpty()) {
      return out;
    }
    for (Service svc : s.services()) {
      if (!services.contains(svc.key())
          && frontendsOf(svc, planned).stream().anyMatch(frontends::contains)) {
        out.add(svc.key());
      }
    }
    return out;
  }

  /** Address, port and protocol of every frontend besides the ClusterIPs. */
  private static Set<String> frontendsOf(Service svc, Map<String, List<String>> planned) {
    Set<String> out = new HashSet<>();
    for (String a : addressesOf(svc, planned)) {
      for (Service.ServicePort p : svc.ports()) {
        out.add(a + " " + p.port() + " " + p.protocol());
      }
    }
    return out;
  }

  private static Set<String> addressesOf(Service svc, Map<String, List<String>> planned) {
    Set<String> out = addressesOf(svc);
    planned.getOrDefault(svc.key(), List.of()).forEach(a -> addIfIp(out, a));
    return out;
  }

  private static Set<String> addressesOf(Service svc) {
    Set<String> out = new HashSet<>();
    svc.externalIps().forEach(a -> addIfIp(out, a));
    svc.ingress().forEach(i -> addIfIp(out, i.ip()));
    return out;
  }

  private static void addIfIp(Set<String> out, String text) {
    String c = text == null ? null : IpText.canonical(text);
    if (c != null) {
      out.add(c);
    }
  }
}
