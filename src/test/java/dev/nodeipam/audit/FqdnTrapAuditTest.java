package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A toFQDNs allow is a trap source exactly like a CIDR allow: Cilium allows the addresses the
 * name resolved to (CIDR identities), and once the Service address is translated the allow no
 * longer matches. Without DNS answers the audit says which --dns line would settle it.
 */
class FqdnTrapAuditTest {
  private static ClusterSnapshot cluster() {
    return Clusters.yaml(TrapRulesTest.NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}",
        Clusters.webService(0, false),
        TrapRulesTest.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""),
        TrapRulesTest.pod("app", "client", "client", "n1", "10.0.1.10", ""),
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-api, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toFQDNs: [{matchName: api.example.com}]
            toPorts: [{ports: [{port: "443", protocol: TCP}]}]
        """);
  }

  private static final String[] TRANSLATING =
      {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"};

  private static AuditReport audit(ClusterSnapshot c, DnsAnswers dns) {
    return Audit.run(c, Clusters.settings(TRANSLATING), AuditOptions.defaults().withDns(dns));
  }

  @Test
  void withTheNamesAnswerTheToFqdnsAllowIsTrappedLikeACidrAllowAndTheCompanionClearsIt() {
    DnsAnswers dns = new DnsAnswers.Builder().add("api.example.com", "203.0.113.9").build();
    AuditReport r = audit(cluster(), dns);
    assertThat(Clusters.traps(r)).singleElement().satisfies(f -> {
      assertThat(f.source()).isEqualTo("app/client");
      assertThat(f.active()).isTrue();
      assertThat(f.policies()).extracting(p -> p.name()).containsExactly("to-api");
    });
    assertThat(r.findings()).noneMatch(f -> f.type() == FindingType.FQDN_MAY_BE_TRAPPED);
    assertThat(Clusters.traps(audit(Clusters.withCompanions(cluster(), r), dns))).isEmpty();
  }

  @Test
  void withoutAnswersItIsAWarningNamingTheDnsLineThatSettlesIt() {
    List<Finding> fqdn = audit(cluster(), DnsAnswers.NONE).findings().stream()
        .filter(f -> f.type() == FindingType.FQDN_MAY_BE_TRAPPED).toList();
    assertThat(fqdn).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.address()).isEqualTo("203.0.113.9");
      assertThat(f.extra().get("dns")).isEqualTo("--dns api.example.com=203.0.113.9");
    });
  }

  @Test
  void anAnswerElsewhereIsNoTrap() {
    DnsAnswers dns = new DnsAnswers.Builder().add("api.example.com", "192.0.2.1").build();
    assertThat(Clusters.traps(audit(cluster(), dns))).isEmpty();
  }
}
