package dev.nodeipam.migrate;

import java.util.List;
import java.util.Map;

/**
 * What the policy audit of the after-state found.
 *
 * @param ran false when no audit could be run; {@code note} then says why
 * @param findings the trapped flows, as plain maps
 * @param companionPolicies the additive policies that fix them, as complete objects
 * @param remaining findings left once the companions are applied (empty when clean)
 * @param caveats what to know before applying the companions
 */
public record AuditOutcome(
    boolean ran,
    String note,
    List<Map<String, Object>> findings,
    List<Map<String, Object>> companionPolicies,
    List<Map<String, Object>> remaining,
    List<String> caveats) {

  public AuditOutcome {
    findings = List.copyOf(findings);
    companionPolicies = List.copyOf(companionPolicies);
    remaining = List.copyOf(remaining);
    caveats = List.copyOf(caveats);
  }

  public static AuditOutcome notRun(String why) {
    return new AuditOutcome(false, why, List.of(), List.of(), List.of(), List.of());
  }
}
