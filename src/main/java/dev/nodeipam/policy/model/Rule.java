package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One policy rule in Cilium's terms: a NetworkPolicy, or one {@code spec}/{@code specs[i]} of a
 * CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.
 *
 * @param subjectNamespace the namespace whose pods the rule can select; null for clusterwide rules
 * @param subject the selector over the pod identity labels (namespace pinning included)
 * @param appliesToPods false for rules that select nodes only ({@code nodeSelector}, host policy)
 * @param defaultDeny the directions the rule puts in default deny for the pods it selects
 * @param defaultDenyOptOut the directions the rule has entries for but opts out of default deny
 *     ({@code enableDefaultDeny.<direction>: false}); whether Cilium honours that depends on the
 *     version and {@code enable-non-default-deny-policies}
 * @param notModelled rule-level constructs the engine does not evaluate
 */
public record Rule(
    PolicyRef policy,
    String origin,
    String subjectNamespace,
    LabelSelector subject,
    boolean appliesToPods,
    Map<Direction, List<RuleEntry>> allow,
    Map<Direction, List<RuleEntry>> deny,
    Set<Direction> defaultDeny,
    Set<Direction> defaultDenyOptOut,
    List<String> notModelled) {

  public Rule {
    allow = Map.copyOf(allow);
    deny = Map.copyOf(deny);
    defaultDeny = Set.copyOf(defaultDeny);
    defaultDenyOptOut = Set.copyOf(defaultDenyOptOut);
    notModelled = List.copyOf(notModelled);
  }

  /** A rule without opt-outs (NetworkPolicies have no such field). */
  public Rule(
      PolicyRef policy,
      String origin,
      String subjectNamespace,
      LabelSelector subject,
      boolean appliesToPods,
      Map<Direction, List<RuleEntry>> allow,
      Map<Direction, List<RuleEntry>> deny,
      Set<Direction> defaultDeny,
      List<String> notModelled) {
    this(policy, origin, subjectNamespace, subject, appliesToPods, allow, deny, defaultDeny,
        Set.of(), notModelled);
  }

  /**
   * Whether the rule puts the direction in default deny for the pods it selects, given whether
   * the agent honours {@code enableDefaultDeny: false}. Only a direction the rule has entries for
   * counts ({@code computePolicyEnforcementAndRules} in {@code pkg/policy/repository.go}).
   */
  public boolean putsInDefaultDeny(Direction d, boolean optOutHonoured) {
    return defaultDeny.contains(d) || (!optOutHonoured && defaultDenyOptOut.contains(d));
  }

  public List<RuleEntry> allows(Direction d) {
    return allow.getOrDefault(d, List.of());
  }

  public List<RuleEntry> denies(Direction d) {
    return deny.getOrDefault(d, List.of());
  }

  public boolean isClusterwide() {
    return subjectNamespace == null;
  }

  /** Whether the rule speaks about the direction at all (allows, denies or default deny). */
  public boolean concerns(Direction d) {
    return !allows(d).isEmpty() || !denies(d).isEmpty() || defaultDeny.contains(d)
        || defaultDenyOptOut.contains(d);
  }
}
