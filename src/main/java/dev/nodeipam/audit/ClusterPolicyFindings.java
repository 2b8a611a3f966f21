package dev.nodeipam.audit;

import dev.nodeipam.policy.model.ClusterNetworkPolicy;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes ClusterNetworkPolicies the agent does not enforce (section 10 of the policy model):
 * every one under a release before 1.20, which does not watch the kind (cilium/cilium#42338 is
 * in 1.20.0), and one the agent refuses ({@code ParseClusterNetworkPolicy} returns an error).
 */
final class ClusterPolicyFindings {
  private ClusterPolicyFindings() {}

  static List<Finding> of(ClusterSnapshot snapshot, DatapathSettings s) {
    List<Finding> out = new ArrayList<>();
    boolean watched = s.version().atLeast(1, 20);
    for (RawObject o : snapshot.policies()) {
      if (!ClusterNetworkPolicy.is(o)) {
        continue;
      }
      ClusterNetworkPolicy p = ClusterNetworkPolicy.read(o);
      String why;
      if (!watched) {
        why = "is not enforced by Cilium " + s.version() + " (" + s.versionSetting().from()
            + "): the agent enforces ClusterNetworkPolicy from 1.20 (cilium/cilium#42338)";
      } else if (p.refused() != null) {
        why = "is refused by the agent, which enforces none of it: " + p.refused();
      } else {
        continue;
      }
      out.add(Finding.builder()
          .type(FindingType.CLUSTER_POLICY_NOT_ENFORCED)
          .severity(watched || !s.versionSetting().isAssumed() ? Severity.ERROR : Severity.WARNING)
          .active(true)
          .policies(List.of(p.policy()))
          .message("CLUSTER_POLICY_NOT_ENFORCED: " + p.policy().label() + " [" + o.source() + "] "
              + why + "; what its author believes is enforced is not")
          .build());
    }
    return out;
  }
}
