package dev.nodeipam.cli;

import dev.nodeipam.audit.AddressConflicts;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.NodeAddressCollisions;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** plan's ADDRESS_CONFLICT and NODE_ADDRESS_COLLISION findings: the audit's definitions. */
final class PlanConflicts {
  private PlanConflicts() {}

  /** The conflicts of which at least one Service is in the namespaces reported (all if none). */
  static List<Finding> of(ClusterSnapshot snapshot, NodeIpamOptions options, Set<String> scope) {
    PublishedAddresses published = PublishedAddresses.of(snapshot, options);
    PolicyEngine engine =
        PolicyEngine.withServicesOf(published.snapshot(), PolicyEngine.lazy(snapshot));
    return AddressConflicts.findings(AddressConflicts.find(published.addresses(), engine).stream()
        .filter(c -> c.services().stream().anyMatch(s -> inScope(scope, s)))
        .toList());
  }

  /**
   * plan's NODE_ADDRESS_COLLISION findings: those about no Service, or about one in the namespaces
   * reported; a Service whose VIPs NODE_IP_AS_LB_VIP already reports is left to that finding.
   */
  static List<Finding> collisions(ClusterSnapshot snapshot, NodeIpamOptions options,
      DatapathSettings settings, List<NodeAddressVips.Hit> hits, Set<String> scope) {
    Set<String> reported = new HashSet<>();
    hits.forEach(h -> reported.add(h.service()));
    return NodeAddressCollisions.find(snapshot, options, settings, reported).stream()
        .filter(f -> f.service() == null || inScope(scope, f.service()))
        .toList();
  }

  private static boolean inScope(Set<String> scope, String serviceKey) {
    return scope.isEmpty() || scope.contains(serviceKey.substring(0, serviceKey.indexOf('/')));
  }
}
