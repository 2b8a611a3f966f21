package dev.nodeipam.diff;

import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.ClusterNetworkPolicy;
import dev.nodeipam.policy.model.Identity;
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
 *   <li>then every Service that shares a frontend (address, port, protocol) the change moves
 *       with one of those: which of them the datapath translates it to can change. A Service in
 *       scope for its own object alone moves only the frontends its two versions do not have
 *       alike (see {@link #moved}); Node IPAM Services share every node address, so spreading
 *       from all of its frontends would take in every one of them on its ports;
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
    // Services in scope for more than their own object: every frontend of theirs can move.
    Set<String> whole = new HashSet<>(changes.sliceServices());
    for (ClusterSnapshot s : List.of(before, after)) {
      Map<String, Set<Map<String, String>>> scopedLabels = labelsOf(s, pods);
      for (Service svc : s.services()) {
        if (selectsAny(svc, scopedLabels)) {
          services.add(svc.key());
          whole.add(svc.key());
        }
        if (!changes.nodes().isEmpty() && ServiceOwnership.handles(svc, options)) {
          services.add(svc.key());
          whole.add(svc.key());
        }
      }
      if (!changes.nodes().isEmpty()) {
        Set<String> on = onAddressesOf(s, changes.nodes(), before, after);
        services.addAll(on);
        whole.addAll(on);
      }
    }
    Set<String> first = Set.copyOf(services);
    // With every Service in scope already (a change to every pod, say) nothing can be added, and
    // no frontend is computed: Node IPAM Services can publish the addresses of every node.
    if (!everyService(first, before) || !everyService(first, after)) {
      Set<String> moved = moved(first, whole, before, after, options);
      services.addAll(sharing(moved, before, options));
      services.addAll(sharing(moved, after, options));
    }
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
   * The frontends (address, port, protocol) of the Services in scope whose translation or
   * publication can differ between the states: for a Service in scope for its own object only,
   * the frontends one version has and the other lacks, and those of a port whose entry differs;
   * all of them when anything else of it differs, or it is in scope for its backends or nodes.
   * A frontend outside these is claimed alike in both states, so it is translated alike: the
   * Services sharing only such frontends are left out (Node IPAM Services share every node
   * address on a port, so spreading by Service would take in all of them).
   */
  private static Set<String> moved(Set<String> first, Set<String> whole, ClusterSnapshot before,
      ClusterSnapshot after, NodeIpamOptions options) {
    Map<String, List<String>> mineB = plannedOf(before, first, options);
    Map<String, List<String>> mineA = plannedOf(after, first, options);
    Set<String> out = new HashSet<>();
    for (String key : first) {
      Service b = serviceOf(before, key);
      Service a = serviceOf(after, key);
      Set<String> fb = b == null ? Set.of() : frontendsOf(b, mineB);
      Set<String> fa = a == null ? Set.of() : frontendsOf(a, mineA);
      if (whole.contains(key) || b == null || a == null || !sameButFrontends(b, a)) {
        out.addAll(fb);
        out.addAll(fa);
        continue;
      }
      Set<String> changedPorts = new HashSet<>();
      for (Service.ServicePort p : b.ports()) {
        if (!a.ports().contains(p)) {
          changedPorts.add(p.port() + " " + p.protocol());
        }
      }
      for (Service.ServicePort p : a.ports()) {
        if (!b.ports().contains(p)) {
          changedPorts.add(p.port() + " " + p.protocol());
        }
      }
      for (Set<String> mine : List.of(fb, fa)) {
        for (String f : mine) {
          boolean inBoth = fb.contains(f) && fa.contains(f);
          if (!inBoth || changedPorts.contains(f.substring(f.indexOf(' ') + 1))) {
            out.add(f);
          }
        }
      }
    }
    return out;
  }

  /**
   * Equal but for where their frontends are (externalIPs, status) and their ports, in their
   * fields and in the rest of the object as read (the translation reads some of it, e.g.
   * {@code loadBalancerSourceRanges}); its metadata is in the fields, and the generation a
   * spec change brings is read by no translation.
   */
  private static boolean sameButFrontends(Service b, Service a) {
    return ChangeSet.sameButSource(frontless(b), frontless(a));
  }

  private static Service frontless(Service s) {
    Map<String, Object> object = null;
    if (s.object() != null) {
      object = new HashMap<>(s.object());
      object.remove("metadata");
      object.remove("status");
      if (object.get("spec") instanceof Map<?, ?> spec) {
        Map<Object, Object> rest = new HashMap<>(spec);
        rest.remove("externalIPs");
        rest.remove("ports");
        object.put("spec", rest);
      }
    }
    return s.toBuilder().externalIps(List.of()).ingress(List.of()).ports(List.of())
        .generation(0).object(object).build();
  }

  private static Service serviceOf(ClusterSnapshot s, String key) {
    int slash = key.indexOf('/');
    return s.service(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
  }

  /** The planned ingress of the given Services (those of Node IPAM without status). */
  private static Map<String, List<String>> plannedOf(
      ClusterSnapshot s, Set<String> services, NodeIpamOptions options) {
    Map<String, List<String>> out = new HashMap<>();
    NodeIpam ipam = new NodeIpam(ClasslessDefault.applied(options, s));
    NodePool pool = null;
    for (String key : services) {
      Service svc = serviceOf(s, key);
      if (svc != null) {
        pool = pool == null ? NodePool.of(s) : pool;
        List<String> mine = plan(ipam, pool, s, svc);
        if (mine != null) {
          out.put(key, mine);
        }
      }
    }
    return out;
  }

  /**
   * The Services with a frontend among {@code moved} in a state: by their addresses, and by what
   * Node IPAM would publish for those it owns that have no status yet (the audit dials those
   * addresses too). Only node addresses can be published, so Services are planned only when a
   * moved frontend is on a node address, and only those with its port (a cluster's Node IPAM
   * Services can publish millions of entries).
   */
  private static boolean everyService(Set<String> services, ClusterSnapshot s) {
    return s.services().stream().allMatch(svc -> services.contains(svc.key()));
  }

  private static Set<String> sharing(
      Set<String> moved, ClusterSnapshot s, NodeIpamOptions options) {
    Set<String> out = new HashSet<>();
    if (moved.isEmpty()) {
      return out;
    }
    Set<String> nodeAddresses = s.derived(NodeAddressTexts.class, NodeAddressTexts::of).all();
    Set<Integer> ports = new HashSet<>();
    for (String f : moved) {
      String[] parts = f.split(" ");
      if (nodeAddresses.contains(parts[0])) {
        ports.add(Integer.parseInt(parts[1]));
      }
    }
    NodeIpam ipam = new NodeIpam(ClasslessDefault.applied(options, s));
    NodePool pool = ports.isEmpty() ? null : NodePool.of(s);
    for (Service svc : s.services()) {
      Map<String, List<String>> planned = Map.of();
      if (pool != null && svc.ports().stream().anyMatch(p -> ports.contains(p.port()))) {
        List<String> theirs = plan(ipam, pool, s, svc);
        planned = theirs == null ? Map.of() : Map.of(svc.key(), theirs);
      }
      if (frontendsOf(svc, planned).stream().anyMatch(moved::contains)) {
        out.add(svc.key());
      }
    }
    return out;
  }

  /** Every node address, canonical: read from the nodes alone, so kept with them. */
  private record NodeAddressTexts(Set<String> all) {
    static NodeAddressTexts of(ClusterSnapshot s) {
      Set<String> all = new HashSet<>();
      s.nodes().forEach(n -> n.addresses().forEach(a -> addIfIp(all, a.address())));
      return new NodeAddressTexts(Set.copyOf(all));
    }
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
