package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.Node;

/** R6–R9 and E8: whether a node may serve LoadBalancer traffic at all, whatever the Service. */
public final class NodeEligibility {
  public static final String EXCLUDE_LABEL =
      "node.kubernetes.io/exclude-from-external-load-balancers";
  public static final String TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

  private NodeEligibility() {}

  /** Null when the node is eligible, else the first reason it is not. */
  public static ExclusionReason exclusion(Node node, NodeIpamOptions options) {
    if (node.deleting()) {
      return ExclusionReason.DELETING;
    }
    if (node.labels().containsKey(EXCLUDE_LABEL)) {
      // The reference excludes on the key alone, so even "false" excludes.
      boolean keptByUpstreamReading =
          options.excludeLabelFalseKeepsNode() && "false".equals(node.labels().get(EXCLUDE_LABEL));
      if (!keptByUpstreamReading) {
        return ExclusionReason.EXCLUDE_LABEL;
      }
    }
    for (Node.Taint taint : node.taints()) {
      if (TO_BE_DELETED_TAINT.equals(taint.key())) {
        return ExclusionReason.TO_BE_DELETED_TAINT;
      }
    }
    if (options.readyNodesOnly()) {
      if (!"True".equals(node.ready())) {
        return ExclusionReason.NOT_READY;
      }
      if (node.unschedulable()) {
        return ExclusionReason.CORDONED;
      }
    }
    return null;
  }
}
