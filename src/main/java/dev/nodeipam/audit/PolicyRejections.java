package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POLICY_REJECTED}: a policy the Cilium agent of the release rejects as a whole (section 9
 * of the policy model). Nothing of it is enforced, so whatever its author believes it allows or
 * denies is not: an error, whatever the traffic.
 */
public final class PolicyRejections {
  private PolicyRejections() {}

  /** What trace, audit and diff say of a rejected policy. */
  public static String sentence(Rejection r, CiliumVersion version) {
    return r.policy().label() + " is not enforced: the Cilium " + version + " agent rejects it at "
        + r.path() + ": " + r.agentLog();
  }

  /** One finding per rejected policy in the namespaces reported (all when empty). */
  static List<Finding> findings(List<Rejection> rejected, DatapathSettings now,
      Set<String> namespaces) {
    List<Finding> out = new ArrayList<>();
    for (Rejection r : rejected) {
      String ns = r.policy().namespace();
      if (ns != null && !namespaces.isEmpty() && !namespaces.contains(ns)) {
        continue;
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("reason", r.reason().name());
      extra.put("path", r.path());
      extra.put("agentError", r.agentLog());
      extra.put("ciliumVersion", now.version().toString());
      out.add(Finding.builder()
          .type(FindingType.POLICY_REJECTED)
          .severity(Severity.ERROR)
          .active(true)
          .policies(List.of(r.policy()))
          .message(sentence(r, now.version()) + ". No rule of it is installed: what it allows or"
              + " denies, and any default deny it would set, are not in force.")
          .extra(extra)
          .build());
    }
    return out;
  }
}
