package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * E11 ({@code --clear-released-status}): when a Service's status, published while it was ours,
 * becomes ours to clear.
 */
public final class ReleaseRule {
  private ReleaseRule() {}

  /** While watching: an update takes a Service that was ours out of our ownership. */
  public static boolean leavesOwnership(
      Service previous, Service current, NodeIpamOptions options) {
    return previous != null
        && !current.deleting()
        && ServiceOwnership.handles(previous, options)
        && !ServiceOwnership.handles(current, options);
  }

  /** The addresses of the nodes, as {@link #releasedWhileDown} compares them. */
  public static Set<String> nodeAddresses(Collection<Node> nodes) {
    Set<String> addresses = new HashSet<>();
    for (Node node : nodes) {
      node.addresses().forEach(a -> addresses.add(a.address()));
    }
    return addresses;
  }

  /**
   * Across a restart: a LoadBalancer that is no longer ours but whose status lists only addresses
   * of this cluster's nodes is taken for one this controller published before its ownership changed
   * while no replica ran (another class configured, --default-class turned off). A status with any
   * other address or a hostname belongs to another implementation.
   */
  public static boolean releasedWhileDown(
      Service service, Set<String> nodeAddresses, NodeIpamOptions options) {
    if (service.type() != ServiceType.LOAD_BALANCER
        || service.deleting()
        || service.ingress().isEmpty()
        || ServiceOwnership.handles(service, options)) {
      return false;
    }
    return service.ingress().stream()
        .allMatch(e -> e.hostname() == null && nodeAddresses.contains(e.ip()));
  }
}
