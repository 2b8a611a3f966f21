package dev.nodeipam.policy.engine;

/**
 * How much of a verdict {@link PolicyEngine#evaluate} builds. Both levels decide the same: only
 * the explanation differs.
 */
public enum Detail {
  /**
   * The outcome, drop reasons, identities, matching and default-deny policies, but not why each
   * selecting rule failed to match (the costly part): for callers that judge many flows and
   * explain only the few they show.
   */
  VERDICT,
  /** Everything, with why each selecting rule did not match: what {@code trace} shows. */
  EXPLAINED
}
