package dev.nodeipam.policy.explanation;

/**
 * What Cilium does with the destination address before policy: whether it is a Service frontend and
 * whether Cilium translates it for this client (section 2 of the policy model).
 *
 * @param translated true when policy sees the backends and their targetPort
 * @param service {@code namespace/name} of the Service whose frontend the address is, or null
 * @param frontend the frontend kind, or null when the address is no Service frontend
 * @param servicePort the Service port dialled, or null
 * @param reason why the address is or is not translated: the row of the translation table
 */
public record Translation(
    boolean translated, String service, Frontend frontend, Integer servicePort,
    TranslationReason reason) {

  /** The kinds of Service frontend addresses. */
  public enum Frontend {
    CLUSTER_IP("clusterIP"),
    LOAD_BALANCER("loadBalancer"),
    EXTERNAL_IP("externalIP"),
    NODE_PORT("nodePort"),
    HOST_PORT("hostPort");

    private final String wire;

    Frontend(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public static Translation none(TranslationReason reason) {
    return new Translation(false, null, null, null, reason);
  }
}
