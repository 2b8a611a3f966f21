package dev.nodeipam.snapshot;

/**
 * An entry of a Service's {@code status.conditions} (a {@code metav1.Condition}).
 *
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param lastTransitionTime RFC 3339 text as the API server stores it; null for one not yet
 *     written (the writer stamps the time of the write)
 */
public record ServiceCondition(
    String type,
    String status,
    String reason,
    String message,
    long observedGeneration,
    String lastTransitionTime) {

  /** Whether both say the same thing: everything but the time of the last transition. */
  public boolean sameAs(ServiceCondition other) {
    return other != null
        && type.equals(other.type)
        && status.equals(other.status)
        && reason.equals(other.reason)
        && message.equals(other.message)
        && observedGeneration == other.observedGeneration;
  }

  public ServiceCondition withLastTransitionTime(String value) {
    return new ServiceCondition(type, status, reason, message, observedGeneration, value);
  }
}
