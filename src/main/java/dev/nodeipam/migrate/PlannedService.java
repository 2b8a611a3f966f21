package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.Service;
import java.util.List;

/**
 * One Service object of the after-state.
 *
 * @param role {@code in-place} (the old Service becomes the LoadBalancer), {@code new} (a Service
 *     the plan creates after a split), or {@code original} (the old Service, kept without
 *     externalIPs, when new Services take over its addresses)
 * @param service the Service as it will be, as the Node IPAM core reads it
 * @param allocateNodePorts null to leave {@code allocateLoadBalancerNodePorts} unset, else its
 *     value
 * @param label the node label its selector uses; null for the kept original
 * @param nodes the nodes the selector picks
 * @param published what the Node IPAM core publishes for it on the after-state
 */
public record PlannedService(
    String role,
    Service service,
    Boolean allocateNodePorts,
    NodeLabel label,
    List<String> nodes,
    List<String> published) {

  public static final String IN_PLACE = "in-place";
  public static final String NEW = "new";
  public static final String ORIGINAL = "original";

  public PlannedService {
    nodes = List.copyOf(nodes);
    published = published == null ? null : List.copyOf(published);
  }

  public boolean publishes() {
    return !role.equals(ORIGINAL);
  }

  PlannedService withPublished(List<String> value) {
    return new PlannedService(role, service, allocateNodePorts, label, nodes, value);
  }
}
