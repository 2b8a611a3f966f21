package dev.nodeipam.render;

import dev.nodeipam.ipam.MissingNodes;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one line for an input without Node objects where nodes decide the answer ({@link
 * MissingNodes}): said once, with what to add, instead of a per-Service verdict on addresses that
 * no node of the input could own.
 */
public final class NodesNote {
  // With "nodeipam: " in front, 98 columns.
  static final String TEXT = "no Node objects in the input; node addresses decide this: add"
      + " `kubectl get nodes -o yaml`";

  private NodesNote() {}

  /**
   * The line, when nodes decide the answer for the Services of {@code scope} (empty: all): those
   * that use {@code externalIPs} (audit, migrate) or are Node IPAM LoadBalancers.
   */
  public static Optional<String> of(ClusterSnapshot snapshot, Set<String> scope,
      NodeIpamOptions options) {
    return of(snapshot, inScope(snapshot, scope), options);
  }

  /** {@link #of} for {@code plan}: only the Node IPAM LoadBalancers' addresses are its answer. */
  public static Optional<String> ofLoadBalancers(ClusterSnapshot snapshot, Set<String> scope,
      NodeIpamOptions options) {
    return of(snapshot, inScope(snapshot, scope).stream()
        .filter(s -> ServiceOwnership.handles(s, options)).toList(), options);
  }

  private static Optional<String> of(ClusterSnapshot snapshot, List<Service> services,
      NodeIpamOptions options) {
    return MissingNodes.decideTheAnswer(snapshot, services, options)
        ? Optional.of(TEXT) : Optional.empty();
  }

  private static List<Service> inScope(ClusterSnapshot snapshot, Set<String> scope) {
    return snapshot.services().stream()
        .filter(s -> scope.isEmpty() || scope.contains(s.namespace())).toList();
  }
}
