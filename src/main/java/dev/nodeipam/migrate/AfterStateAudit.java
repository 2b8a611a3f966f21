package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;

/**
 * The policy audit of the after-state. Node IPAM addresses are node addresses that Cilium
 * translates under kube-proxy replacement, so every CIDR/world rule that allowed them stops
 * matching; the audit finds those flows and writes the companion policies.
 */
public interface AfterStateAudit {

  /**
   * Audits the after-state.
   *
   * @param migrated the {@code namespace/name} of every Service the plan creates or changes
   */
  AuditOutcome audit(ClusterSnapshot before, ClusterSnapshot after, List<String> migrated);

  /**
   * For builds without the policy audit: says so instead of pretending the after-state is clean.
   */
  AfterStateAudit UNAVAILABLE =
      (before, after, migrated) ->
          AuditOutcome.notRun(
              "the policy audit is not part of this build: no companion policies were computed."
                  + " Before applying, check that no NetworkPolicy or Cilium policy allows these"
                  + " addresses by ipBlock/CIDR/world: once they are LoadBalancer addresses, Cilium"
                  + " translates them to the backend pods and such rules stop matching.");

  /** An audit deliberately not run, and why; the output says so. */
  static AfterStateAudit skipped(String why) {
    return (before, after, migrated) ->
        AuditOutcome.notRun(
            "the policy audit was skipped (" + why + "): no companion policies were computed."
                + " Run nodeipam audit before applying.");
  }
}
