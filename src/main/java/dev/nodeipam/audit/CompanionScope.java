package dev.nodeipam.audit;

import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.BadInputException;

/**
 * Which pods a companion policy selects. {@code CLUSTER}: the seed article's shape, one
 * clusterwide policy with {@code endpointSelector: {}} and {@code enableDefaultDeny} false, safe
 * only where Cilium honours that field. {@code SOURCES}: only the trapped senders (egress, one
 * CiliumNetworkPolicy per source namespace) and only the trapped backends (ingress): they are in
 * default deny already, so selecting them changes nobody's posture whatever the agent does with
 * {@code enableDefaultDeny}.
 */
public enum CompanionScope {
  CLUSTER,
  SOURCES;

  /** The scope used and why. */
  public record Choice(CompanionScope scope, boolean requested, String why) {}

  /**
   * The scope for these settings: {@code requested} when given (null: automatic), else {@code
   * CLUSTER} where Cilium honours {@code enableDefaultDeny: false}, {@code SOURCES} otherwise and
   * on 1.20.0 and 1.20.1 ({@link DatapathSettings#nonDefaultDenySetupBug}).
   *
   * @throws BadInputException when {@code CLUSTER} is asked for where it would put every
   *     pod in egress default deny
   */
  public static Choice choose(CompanionScope requested, DatapathSettings s) {
    boolean safe = s.honoursDefaultDenyOptOut();
    if (requested == CLUSTER && !safe) {
      throw new BadInputException("--companion-scope cluster is unsafe here: "
          + s.defaultDenyOptOutReason() + "; a companion with endpointSelector {} would put every"
          + " pod of the cluster in egress default deny. Use --companion-scope sources");
    }
    if (requested == SOURCES) {
      return new Choice(SOURCES, true, "--companion-scope sources: the companions select only"
          + " the trapped pods, which are in default deny already");
    }
    if (requested == CLUSTER) {
      return new Choice(CLUSTER, true, "--companion-scope cluster: " + s.defaultDenyOptOutReason());
    }
    // On a release whose agent may not apply the setting as configured, only companions that
    // are safe either way are chosen.
    return safe && !s.nonDefaultDenySetupBug()
        ? new Choice(CLUSTER, false, s.defaultDenyOptOutReason() + ", so a clusterwide companion"
            + " with enableDefaultDeny false only adds allows")
        : new Choice(SOURCES, false, s.defaultDenyOptOutReason() + "; so the companions select"
            + " only the trapped pods (already in default deny), never {}");
  }
}
