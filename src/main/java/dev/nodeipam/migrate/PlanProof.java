package dev.nodeipam.migrate;

import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.snapshot.AnnotatedAddresses;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The proof of the drafts: what the Node IPAM core publishes for each planned Service on the
 * after-state, compared by value with the old addresses, and the Services the plan does not touch
 * whose result its new node labels change.
 */
final class PlanProof {
  private final ClusterSnapshot before;
  private final NodeIpamOptions ipam;

  PlanProof(ClusterSnapshot before, NodeIpamOptions ipam) {
    this.before = before;
    this.ipam = ipam;
  }

  /**
   * Services the plan does not touch whose Node IPAM result still changes: a new node label can
   * match another Service's selector (a {@code !key} or {@code notin} one, say).
   */
  List<String> sideEffects(
      Map<String, Map<String, String>> labelsToAdd,
      List<ServiceMigration> proven, ClusterSnapshot after, NodePool afterPool) {
    Set<String> touched = new HashSet<>();
    for (ServiceMigration m : proven) {
      touched.add(m.before().key());
      m.after().forEach(p -> touched.add(p.service().key()));
    }
    List<String> warnings = new ArrayList<>();
    if (labelsToAdd.isEmpty()) {
      return warnings;
    }
    NodeIpam core = new NodeIpam(ipam);
    NodePool beforePool = NodePool.of(before.nodes());
    List<Node> relabelled = new ArrayList<>();
    for (String name : labelsToAdd.keySet()) {
      before.node(name).ifPresent(relabelled::add);
      after.node(name).ifPresent(relabelled::add);
    }
    List<Service> others = new ArrayList<>(before.services());
    others.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    for (Service s : others) {
      if (touched.contains(s.key())) {
        continue;
      }
      if (!ServiceOwnership.handles(s, ipam)) {
        continue;
      }
      // Only a Service whose selector matches a relabelled node (before or after) can change; the
      // selector is parsed once per Service, not once per node.
      LabelSelector selector;
      try {
        selector = NodeIpam.selectorOf(s);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (relabelled.stream().noneMatch(n -> selector.matches(n.labels()))) {
        continue;
      }
      List<EndpointSlice> slices = before.slicesOf(s.namespace(), s.name());
      IngressDecision was = core.decide(s, beforePool, slices);
      IngressDecision now = core.decide(s, afterPool, slices);
      if (!Objects.equals(was.ingress(), now.ingress())) {
        warnings.add(
            "the new node labels change what Node IPAM publishes for "
                + s.key()
                + ": "
                + was.ingress()
                + " becomes "
                + now.ingress());
      }
    }
    return warnings;
  }

  ServiceMigration prove(ServiceMigration d, Map<String, IngressDecision> decisions) {
    List<String> warnings = new ArrayList<>(d.warnings());
    List<PlannedService> after = new ArrayList<>();
    List<String> published = new ArrayList<>();
    for (PlannedService p : d.after()) {
      if (!p.publishes()) {
        after.add(p);
        continue;
      }
      IngressDecision decision = decisions.get(p.service().key());
      List<String> ingress =
          decision == null || decision.ingress() == null ? List.of() : decision.ingress();
      if (decision != null && decision.isError()) {
        warnings.add(p.service().key() + ": " + decision.error());
      }
      if (decision != null && !decision.fromAnnotation().isEmpty()) {
        warnings.add(
            p.service().key()
                + " publishes "
                + String.join(", ", decision.fromAnnotation())
                + " by "
                + AnnotatedAddresses.EXTENSION
                + ": it needs nodeipam's controller");
      }
      published.addAll(ingress);
      after.add(p.withPublished(ingress));
    }
    Proof proof =
        Proof.compare(MigrationPlanner.distinctByValue(d.before().externalIps()), published);
    if (etp(d.before()) == TrafficPolicy.LOCAL) {
      warnings.add(localWarning(d.before(), after));
    }
    if (!proof.exact()) {
      List<String> parts = new ArrayList<>();
      if (!proof.lost().isEmpty()) {
        parts.add("no longer served: " + String.join(", ", proof.lost()));
      }
      if (!proof.added().isEmpty()) {
        parts.add("newly exposed: " + String.join(", ", proof.added()));
      }
      warnings.add("the old addresses are not reproduced exactly; " + String.join("; ", parts));
    }
    if (!proof.added().isEmpty()) {
      warnings.add(
          "no steps are written for this Service: the migration would expose addresses it never"
              + " listed. Resolve that first (move the address, or run nodeipam's controller with"
              + " --nodeipam-annotations if that reproduces it), or migrate it by hand from the"
              + " manifests");
    }
    return new ServiceMigration(
        d.before(), true, after, published, proof.added(), proof.lost(), warnings, d.manifests());
  }

  private String localWarning(Service s, List<PlannedService> after) {
    List<EndpointSlice> slices = before.slicesOf(s.namespace(), s.name());
    Set<String> withEndpoints = new TreeSet<>();
    for (EndpointSlice e : slices) {
      for (EndpointSlice.Endpoint ep : e.endpoints()) {
        if (ep.nodeName() != null && ep.isReady()) {
          withEndpoints.add(ep.nodeName());
        }
      }
    }
    Set<String> selected = new TreeSet<>();
    after.stream().filter(PlannedService::publishes).forEach(p -> selected.addAll(p.nodes()));
    Set<String> serving = new TreeSet<>(selected);
    serving.retainAll(withEndpoints);
    String now =
        slices.isEmpty()
            ? "the input has no EndpointSlices for it, so nothing is published until its pods are"
                + " ready (read the live cluster, or add its EndpointSlices to the manifests)"
            : "now "
                + (serving.isEmpty() ? "none of the selected nodes" : String.join(", ", serving));
    return "externalTrafficPolicy Local is kept: Node IPAM publishes only the addresses of selected"
        + " nodes that hold a ready endpoint of the Service ("
        + now
        + "); the list follows the"
        + " pods. With externalIPs every listed address was routed, but nodes without a local"
        + " endpoint dropped the traffic";
  }

  private static TrafficPolicy etp(Service s) {
    return s.externalTrafficPolicy() == null ? TrafficPolicy.CLUSTER : s.externalTrafficPolicy();
  }
}
