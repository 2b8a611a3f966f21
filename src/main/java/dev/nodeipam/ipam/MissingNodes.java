package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.Collection;

/**
 * Whether node addresses decide an answer that the input cannot give: a manifest tree (every GitOps
 * tree) carries no Node objects, yet the nodes own the addresses a Node IPAM LoadBalancer publishes
 * (R20) and decide whether an {@code externalIPs} address can move to Node IPAM at all. Such a tree
 * is missing its nodes; it is not a cluster whose addresses belong to no node.
 */
public final class MissingNodes {
  private MissingNodes() {}

  /**
   * True when the input has no Node objects and one of {@code services} is a Node IPAM
   * LoadBalancer or uses {@code spec.externalIPs}.
   */
  public static boolean decideTheAnswer(ClusterSnapshot snapshot, Collection<Service> services,
      NodeIpamOptions options) {
    return snapshot.nodes().isEmpty() && services.stream().anyMatch(
        s -> !s.externalIps().isEmpty() || ServiceOwnership.handles(s, options));
  }
}
