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
 * The after-state audit on nodeipam's policy analyser: the identity traps of the Services the plan
 * writes (latent ones included: a Node IPAM address is always translated under kube-proxy
 * replacement, so what is latent now becomes certain), the companion policies that clear them, and
 * the traps that remain once the companions are in the after-state too.
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
    if (keys.isEmpty()) {
      return new AuditOutcome(
          true, "no Service changes, so no flow can be trapped", List.of(), List.of(), List.of(),
          List.of());
    }
    if (after.policies().isEmpty()) {
      // A trap is a flow some rule allows as written and Cilium denies after translation: without
      // any rule every flow is judged alike both ways (allowed, or denied by enable-policy=always).
      return new AuditOutcome(
          true, "the input has no NetworkPolicy or Cilium policy: no flow can be trapped",
          List.of(), List.of(), List.of(), List.of());
    }
    // Only the planned Services' addresses are asked about: the audit of a large cluster's other
    // Services would cost time and answer nothing this plan changes. Pods, nodes and policies stay.
    ClusterSnapshot scope = only(after, keys, List.of());
    AuditOptions options = new AuditOptions(ipam, true).withDns(dns);
    AuditReport report = Audit.run(scope, overrides, options);
    List<Map<String, Object>> findings = traps(report, keys);
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
        raws.isEmpty()
            ? findings
            : traps(Audit.run(only(after, keys, raws), overrides, options), keys);
    String note =
        findings.isEmpty()
            ? "no flow to these addresses is trapped in the after-state"
            : findings.size()
                + " trapped flows in the after-state; "
                + (remaining.isEmpty()
                    ? "none remains with the companion policies"
                    : remaining.size()
                        + " remain with the companion policies (a deny rule, or a"
                        + " case no additive policy can fix)");
    return new AuditOutcome(true, note, findings, companions, remaining, List.copyOf(caveats));
  }

  private static List<Map<String, Object>> traps(AuditReport report, Set<String> keys) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Finding f : report.findings()) {
      if (f.type() == FindingType.IDENTITY_TRAP
          && f.service() != null
          && keys.contains(f.service())) {
        out.add(f.toMap());
      }
    }
    return out;
  }

  /** The snapshot with only the given Services (and their slices), plus extra policies. */
  private static ClusterSnapshot only(
      ClusterSnapshot in, Set<String> services, List<RawObject> policies) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    in.nodes().forEach(b::node);
    in.services().stream().filter(s -> services.contains(s.key())).forEach(b::service);
    in.endpointSlices().stream()
        .filter(e -> services.contains(e.namespace() + "/" + e.serviceName()))
        .forEach(b::endpointSlice);
    in.pods().forEach(b::pod);
    in.namespaces().forEach(b::namespace);
    in.workloads().forEach(b::workload);
    in.policies().forEach(b::policy);
    policies.forEach(b::policy);
    in.ciliumConfig().ifPresent(b::ciliumConfig);
    in.daemonSets().forEach(b::daemonSet);
    in.ciliumConfigSource().ifPresent(b::ciliumConfigSource);
    return b.build();
  }
}
