package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;

/**
 * One rule of a Kubernetes ClusterNetworkPolicy ({@code policy.networking.k8s.io/v1alpha2}) as
 * Cilium 1.20 translates it ({@code ParseClusterNetworkPolicy} in {@code
 * pkg/k8s/cluster_network_policy.go}, cilium/cilium#42338): a tier, a priority, an action, the
 * subject's selector and one entry (peers and ports). Section 10 of the policy model.
 *
 * @param priority {@code spec.priority}; rule {@code index} of a direction comes after rule
 *     {@code index - 1} at the same priority (Cilium orders by priority + index/100)
 * @param name the rule's {@code name}, or "" when it has none
 */
public record TierRule(
    PolicyRef policy,
    Tier tier,
    int priority,
    int index,
    Direction direction,
    Action action,
    String name,
    LabelSelector subject,
    RuleEntry entry) {

  /** The kind, as manifests spell it. */
  public static final String KIND = "ClusterNetworkPolicy";

  /** Where the tier sits: Admin before every other policy, Baseline after them. */
  public enum Tier {
    ADMIN("Admin"),
    BASELINE("Baseline");

    private final String wire;

    Tier(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** A rule's action ({@code actionToVerdict}: Deny, Pass, anything else Accept). */
  public enum Action {
    ACCEPT("Accept"),
    DENY("Deny"),
    PASS("Pass");

    private final String wire;

    Action(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  /** How the rule reads in explanations: policy, entry, name, tier and priority. */
  public String describe() {
    return policy.label() + " " + entry.origin() + (name.isEmpty() ? "" : " \"" + name + "\"")
        + " (" + tier.wire() + " tier, priority " + priority + ")";
  }
}
