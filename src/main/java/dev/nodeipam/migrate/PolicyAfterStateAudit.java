package dev.nodeipam.migrate;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.FindingType;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The after-state audit on nodeipam's policy analyser: {@code audit} of the after-state (latent
 * traps included: a Node IPAM address is always translated under kube-proxy replacement, so what
 * is latent now becomes certain), the companion policies that clear the traps of the Services the
 * plan writes, and the traps that remain once the companions are in the after-state too, those
 * the plan leaves in place at other Services included.
 */
public final class PolicyAfterStateAudit implements AfterStateAudit {
  private final Map<String, String> overrides;
  private final NodeIpamOptions ipam;
  private final DnsAnswers dns;

  /**
   * @param overrides {@code --set} values over the snapshot's cilium-config
   * @param ipam the Node IPAM options the planned LoadBalancers are decided with
   */
  public PolicyAfterStateAudit(Map<String, String> overrides, NodeIpamOptions ipam) {
    this(overrides, ipam, DnsAnswers.NONE);
  }

  /**
   * @param dns the DNS answers toFQDNs rules are judged with ({@code --dns}, {@code --dns-file}):
   *     a toFQDNs allow of a planned address is a trap source like a CIDR allow
   */
  public PolicyAfterStateAudit(
      Map<String, String> overrides, NodeIpamOptions ipam, DnsAnswers dns) {
    this.overrides = Map.copyOf(overrides);
    this.ipam = ipam;
    this.dns = dns == null ? DnsAnswers.NONE : dns;
  }

  @Override
  public AuditOutcome audit(ClusterSnapshot before, ClusterSnapshot after, List<String> migrated) {
    Set<String> keys = new HashSet<>(migrated);
    if (after.policies().isEmpty()) {
      // A trap is a flow some rule allows as written and Cilium denies after translation: without
      // any rule every flow is judged alike both ways (allowed, or denied by enable-policy=always).
      return new AuditOutcome(true,
          keys.isEmpty() ? NO_CHANGES
              : "the input has no NetworkPolicy or Cilium policy: no flow can be trapped",
          List.of(), List.of(), List.of(), List.of());
    }
    // The audit of the after-state, every Service of it: a trap the plan leaves in place at a
    // Service it does not change is still a trap of the after-state, and is reported as one.
    AuditOptions options = new AuditOptions(ipam, true).withDns(dns);
    AuditReport report = Audit.run(after, overrides, options);
    List<Map<String, Object>> findings = traps(report);
    long leftInPlace = report.findings().stream()
        .filter(f -> isTrap(f) && !keys.contains(f.service())).count();
    List<Map<String, Object>> companions = new ArrayList<>();
    List<RawObject> raws = new ArrayList<>();
    Set<String> caveats = new LinkedHashSet<>();
    for (Companion c : report.companions()) {
      if (keys.contains(c.service())) {
        companions.add(c.object());
        c.caveats().forEach(caveat -> caveats.add(c.name() + ": " + caveat));
        raws.add(c.asPolicy("nodeipam migrate (companion)"));
      }
    }
    List<Map<String, Object>> remaining =
        raws.isEmpty() ? findings : traps(Audit.run(with(after, raws), overrides, options));
    return new AuditOutcome(true, note(keys, findings, leftInPlace, remaining), findings,
        companions, remaining, List.copyOf(caveats));
  }

  private static final String NO_CHANGES = "no Service changes, so no flow can be trapped";

  private static String note(Set<String> keys, List<Map<String, Object>> findings,
      long leftInPlace, List<Map<String, Object>> remaining) {
    if (findings.isEmpty()) {
      return keys.isEmpty() ? NO_CHANGES
          : "no flow to these addresses is trapped in the after-state";
    }
    return findings.size() + " trapped flows in the after-state"
        + (leftInPlace == 0 ? "" : " (" + leftInPlace + " at Services the plan does not change:"
            + " left in place, and no companion is written for them)")
        + "; "
        + (remaining.isEmpty()
            ? "none remains with the companion policies"
            : remaining.size()
                + " remain with the companion policies (a deny rule, a case no additive policy"
                + " can fix, or a trap the plan leaves in place)");
  }

  private static boolean isTrap(Finding f) {
    return f.type() == FindingType.IDENTITY_TRAP;
  }

  private static List<Map<String, Object>> traps(AuditReport report) {
    return report.findings().stream().filter(PolicyAfterStateAudit::isTrap)
        .map(Finding::toMap).toList();
  }

  /** The snapshot with extra policies. */
  private static ClusterSnapshot with(ClusterSnapshot in, List<RawObject> policies) {
    ClusterSnapshot.Builder b = in.toBuilder();
    policies.forEach(b::policy);
    return b.build();
  }
}
