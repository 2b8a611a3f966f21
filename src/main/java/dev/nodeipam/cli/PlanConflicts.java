package dev.nodeipam.cli;

import dev.nodeipam.audit.AddressConflicts;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import java.util.Set;

/** plan's ADDRESS_CONFLICT findings: the audit's definition over the addresses plan publishes. */
final class PlanConflicts {
  private PlanConflicts() {}

  /** The conflicts of which at least one Service is in the namespaces reported (all if none). */
  static List<Finding> of(ClusterSnapshot snapshot, NodeIpamOptions options, Set<String> scope) {
    PublishedAddresses published = PublishedAddresses.of(snapshot, options);
    PolicyEngine engine =
        PolicyEngine.withServicesOf(published.snapshot(), PolicyEngine.lazy(snapshot));
    return AddressConflicts.findings(AddressConflicts.find(published.addresses(), engine).stream()
        .filter(c -> scope.isEmpty() || c.services().stream()
            .anyMatch(s -> scope.contains(s.substring(0, s.indexOf('/')))))
        .toList());
  }
}
