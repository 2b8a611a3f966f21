package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.RawObject;
import java.util.List;

/**
 * A Kubernetes ClusterNetworkPolicy read as Cilium 1.20 translates it: its rules, or why the agent
 * refuses the whole object ({@code ParseClusterNetworkPolicy} returns an error; the watcher logs
 * "Error while parsing k8s kubernetes ClusterNetworkPolicy" and installs nothing of it).
 *
 * @param rules the rules in Cilium's order within the object (ingress, then egress); none of them
 *     is enforced when the object is refused
 * @param refused the agent's error when it refuses the object, else null
 */
public record ClusterNetworkPolicy(PolicyRef policy, List<TierRule> rules, String refused) {
  public ClusterNetworkPolicy {
    rules = List.copyOf(rules);
  }

  /** Whether the object is a ClusterNetworkPolicy of the Kubernetes policy API group. */
  public static boolean is(RawObject object) {
    return TierRule.KIND.equals(object.kind());
  }

  /**
   * Reads one object.
   *
   * @throws dev.nodeipam.snapshot.BadInputException naming the object's source on input the API
   *     server would not accept (a field of the wrong type, an unknown tier or action)
   */
  public static ClusterNetworkPolicy read(RawObject object) {
    PolicyRef ref = new PolicyRef(TierRule.KIND, null, object.name(), object.source());
    return new ClusterNetworkPolicyReader(ref).read(object.body());
  }
}
