package dev.nodeipam.policy.model;

import java.util.List;

/**
 * The agent rejects a whole policy object: no rule of it is installed, so it is not enforced at
 * all (section 9 of the policy model).
 *
 * @param policy the object rejected
 * @param path the first offending place, e.g. {@code spec.egress[0]} or {@code specs[1]}
 * @param reason the check that failed
 * @param values what the agent's error names (field names, a port, a listener)
 */
public record Rejection(PolicyRef policy, String path, RejectionReason reason,
    List<String> values) {

  public Rejection {
    values = List.copyOf(values);
  }

  /** The agent's error for the rule, its values filled in. */
  public String agentError() {
    return String.format(reason.agentError(), values.toArray());
  }

  /**
   * The error as the agent logs it and the operator writes it in the policy's {@code Valid}
   * condition: {@code Invalid CiliumNetworkPolicy spec: ...} ({@code specs} for a rule of
   * {@code specs}); a clusterwide policy is named CiliumClusterwideNetworkPolicy.
   */
  public String agentLog() {
    String kind = policy.kind().equals(PolicyRef.CCNP) ? PolicyRef.CCNP : PolicyRef.CNP;
    return "Invalid " + kind + (path.startsWith("specs") ? " specs: " : " spec: ") + agentError();
  }
}
