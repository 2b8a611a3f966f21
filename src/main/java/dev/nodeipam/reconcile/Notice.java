package dev.nodeipam.reconcile;

/**
 * A core/v1 Event to emit on the Service (E4).
 *
 * @param warning Warning when true, else Normal
 */
public record Notice(boolean warning, String reason, String message) {
  public static final String UPDATED = "UpdatedLoadBalancer";
  public static final String UNAVAILABLE = "UnAvailableLoadBalancer";
  public static final String INVALID_SELECTOR = "InvalidNodeSelector";
  public static final String INVALID_ANNOTATION = "InvalidAnnotation";
  public static final String REJECTED = "StatusRejected";
  /** On a Node whose nodeipam.dev/external-ips annotation is not a list of addresses (E13). */
  public static final String INVALID_NODE_ADDRESSES = "InvalidExternalIPs";
}
