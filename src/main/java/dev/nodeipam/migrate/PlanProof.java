package dev.nodeipam.migrate;

import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.migrate.PlanWarning.Kind;
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
  List<PlanWarning> sideEffects(
      Map<String, Map<String, String>> labelsToAdd,
      List<ServiceMigration> proven, ClusterSnapshot after, NodePool afterPool) {
    Set<String> touched = new HashSet<>();
    for (ServiceMigration m : proven) {
      touched.add(m.before().key());
      m.after().forEach(p -> touched.add(p.service().key()));
    }
    List<PlanWarning> warnings = new ArrayList<>();
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
        warnings.add(PlanWarning.of(Kind.LABELS_CHANGE_OTHER, s.key(),
            String.valueOf(was.ingress()), String.valueOf(now.ingress())));
      }
    }
    return warnings;
  }

  ServiceMigration prove(ServiceMigration d, Map<String, IngressDecision> decisions) {
    List<PlanWarning> warnings = new ArrayList<>(d.warnings());
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
        warnings.add(PlanWarning.of(Kind.IPAM_ERROR, p.service().key(), decision.error()));
      }
      if (decision != null && !decision.fromAnnotation().isEmpty()) {
        warnings.add(PlanWarning.withList(Kind.ANNOTATED_ADDRESSES, decision.fromAnnotation(),
            p.service().key()));
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
      warnings.add(new PlanWarning(Kind.NOT_EXACT, proof.lost(), proof.added()));
    }
    if (!proof.added().isEmpty()) {
      warnings.add(PlanWarning.of(Kind.NO_STEPS));
    }
    return new ServiceMigration(
        d.before(), true, after, published, proof.added(), proof.lost(), warnings, d.manifests());
  }

  private PlanWarning localWarning(Service s, List<PlannedService> after) {
    List<EndpointSlice> slices = before.slicesOf(s.namespace(), s.name());
    if (slices.isEmpty()) {
      return PlanWarning.of(Kind.LOCAL_NO_SLICES);
    }
    Set<String> withEndpoints = new TreeSet<>();
    for (EndpointSlice e : slices) {
      for (EndpointSlice.Endpoint ep : e.endpoints()) {
        if (ep.nodeName() != null && ep.isReady()) {
          withEndpoints.add(ep.nodeName());
        }
      }
    }
    Set<String> serving = new TreeSet<>();
    after.stream().filter(PlannedService::publishes).forEach(p -> serving.addAll(p.nodes()));
    serving.retainAll(withEndpoints);
    return PlanWarning.withList(Kind.LOCAL, List.copyOf(serving));
  }

  private static TrafficPolicy etp(Service s) {
    return s.externalTrafficPolicy() == null ? TrafficPolicy.CLUSTER : s.externalTrafficPolicy();
  }
}
