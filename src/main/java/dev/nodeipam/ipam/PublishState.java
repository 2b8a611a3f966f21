package dev.nodeipam.ipam;

/**
 * Whether a Service the controller owns gets addresses, and if not, why: the typed reason behind
 * the {@code nodeipam.dev/AddressesPublished} condition and the pending warnings. Each constant's
 * {@link #reason()} is the condition's {@code reason} (CamelCase, as {@code metav1.Condition}
 * requires).
 */
public enum PublishState {
  PUBLISHED("Published"),
  /** The node-selector annotation matches no node of the cluster. */
  NO_NODE_MATCHES_SELECTOR("NoNodeMatchesSelector"),
  /** The node-selector annotation does not parse (R13). */
  INVALID_SELECTOR("InvalidSelector"),
  /** Another {@code nodeipam.dev/...} option annotation does not parse. */
  INVALID_ANNOTATION("InvalidAnnotation"),
  /** {@code externalTrafficPolicy: Local} and no eligible node holds a ready endpoint (R18). */
  NO_READY_ENDPOINTS("NoReadyEndpoints"),
  /** Candidate nodes exist but none has an address of the Service's families (R21, R22). */
  NO_ADDRESS_OF_FAMILY("NoAddressOfFamily"),
  /** Nodes match, but every one is left out (being deleted, exclude label, taint, ...). */
  ALL_NODES_EXCLUDED("AllNodesExcluded"),
  /** The cluster has no node at all. */
  NO_NODES("NoNodes");

  private final String reason;

  PublishState(String reason) {
    this.reason = reason;
  }

  /** The condition's {@code reason}. */
  public String reason() {
    return reason;
  }

  public boolean published() {
    return this == PUBLISHED;
  }
}
