package dev.nodeipam.policy.explanation;

/**
 * What decided one side of a flow, in the order Cilium applies them (section 1 of the policy
 * model): a matching deny entry (drop reason 181) beats every allow; then a matching allow entry;
 * then the local host's ingress (allow-localhost); then default deny (133) if any selecting rule
 * or {@code enable-policy=always} puts the side in it; else everything is allowed.
 */
public enum SideRule {
  DENY_RULE(DropReason.POLICY_DENY),
  ALLOW_RULE(null),
  LOCAL_HOST(null),
  DEFAULT_DENY(DropReason.POLICY_DENIED),
  NO_DEFAULT_DENY(null);

  private final Integer dropReason;

  SideRule(Integer dropReason) {
    this.dropReason = dropReason;
  }

  /** The one encoding of the precedence: deny, allow, local host, default deny. */
  public static SideRule decide(
      boolean denyMatched, boolean allowMatched, boolean fromLocalHost, boolean defaultDeny) {
    if (denyMatched) {
      return DENY_RULE;
    }
    if (allowMatched) {
      return ALLOW_RULE;
    }
    if (fromLocalHost) {
      return LOCAL_HOST;
    }
    return defaultDeny ? DEFAULT_DENY : NO_DEFAULT_DENY;
  }

  /** 181 or 133 when the side drops the flow, else null. */
  public Integer dropReason() {
    return dropReason;
  }

  public Outcome outcome() {
    return dropReason == null ? Outcome.ALLOWED : Outcome.DENIED;
  }
}
