package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EXTERNAL_IPS, CIDR_COVERS_PODS and CIDR_COVERS_NODES. */
class OtherFindingsTest {
  private static ClusterSnapshot cluster(String policy) {
    return Clusters.yaml(TrapRulesTest.NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        TrapRulesTest.pod("app", "client-1", "client", "n1", "10.0.1.10", ""),
        TrapRulesTest.pod("app", "client-2", "client", "n1", "10.0.1.11", ""),
        policy);
  }

  private static String egressTo(String cidr, String except) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: p, namespace: app}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - to: [{ipBlock: {cidr: %s, except: [%s]}}]
        """.formatted(cidr, except);
  }

  private static List<Finding> of(AuditReport r, FindingType type) {
    return r.others().stream().filter(f -> f.type() == type).toList();
  }

  @Test
  void cidrHoldingPodAddresses_isReportedWithCountAndExamples() {
    AuditReport r = audit(cluster(egressTo("10.0.0.0/8", "10.0.1.11/32")));
    assertThat(of(r, FindingType.CIDR_COVERS_PODS)).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.policies()).extracting(PolicyRef::name).containsExactly("p");
      assertThat(f.extra().get("covered")).as("the except takes client-2 out").isEqualTo(1);
      assertThat(f.message()).contains("app/client-1").doesNotContain("client-2");
    });
    assertThat(of(r, FindingType.CIDR_COVERS_NODES)).isEmpty();
  }

  @Test
  void cidrHoldingNodeAddresses_isReported_unlessCidrMatchModeIsNodes() {
    ClusterSnapshot c = cluster(egressTo("192.168.0.0/16", "192.168.9.0/24"));
    assertThat(of(audit(c), FindingType.CIDR_COVERS_NODES)).singleElement()
        .satisfies(f -> assertThat(f.extra().get("covered")).isEqualTo(2));
    assertThat(of(audit(c, "policy-cidr-match-mode", "nodes"), FindingType.CIDR_COVERS_NODES))
        .isEmpty();
  }

  @Test
  void worldRange_isNotACoverageFinding_itIsTheWorldEntityByDefinition() {
    AuditReport r = audit(cluster(egressTo("0.0.0.0/0", "169.254.0.0/16")));
    assertThat(of(r, FindingType.CIDR_COVERS_PODS)).isEmpty();
    assertThat(of(r, FindingType.CIDR_COVERS_NODES)).isEmpty();
  }

  @Test
  void rangeWithoutPodsOrNodes_isNotReported() {
    assertThat(audit(cluster(egressTo("203.0.113.0/24", "203.0.113.1/32"))).others()).isEmpty();
  }

  @Test
  void externalIps_oneFindingPerService_withEveryAddressAndTheMigrateCommand() {
    ClusterSnapshot c = Clusters.yaml(TrapRulesTest.NODES,
        TrapRulesTest.service("externalIPs: [198.51.100.1, 198.51.100.2]", ""));
    assertThat(of(audit(c), FindingType.EXTERNAL_IPS)).singleElement().satisfies(f -> {
      assertThat(f.service()).isEqualTo("edge/web");
      assertThat(f.extra().get("addresses")).isEqualTo(List.of("198.51.100.1", "198.51.100.2"));
      assertThat(f.extra().get("command")).isEqualTo("nodeipam migrate --service edge/web");
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
    });
  }
}
