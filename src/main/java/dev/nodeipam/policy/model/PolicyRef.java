package dev.nodeipam.policy.model;

/**
 * The policy object a rule came from, as a person would name it.
 *
 * @param namespace null for a CiliumClusterwideNetworkPolicy
 * @param source "file:line" or "cluster ..." where the object was read
 */
public record PolicyRef(String kind, String namespace, String name, String source) {
  public static final String NETWORK_POLICY = "NetworkPolicy";
  public static final String CNP = "CiliumNetworkPolicy";
  public static final String CCNP = "CiliumClusterwideNetworkPolicy";

  /** {@code Kind ns/name} or {@code Kind name}. */
  public String label() {
    return kind + " " + (namespace == null ? "" : namespace + "/") + name;
  }

  @Override
  public String toString() {
    return label();
  }
}
