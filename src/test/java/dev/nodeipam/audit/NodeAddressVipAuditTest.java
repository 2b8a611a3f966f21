package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NODE_IP_AS_LB_VIP: Cilium 1.19's wildcard service entries (cilium/cilium#40684) for a
 * LoadBalancer VIP that is a node's own address drop the node's traffic (cilium/cilium#43206;
 * fixes #43565, #43721, #45572; the hidden switch bpf-lb-enable-wildcard-entries, #46647).
 */
class NodeAddressVipAuditTest {
  private static ClusterSnapshot cluster() {
    return Clusters.yaml(TrapRulesTest.NODES, """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: edge}
        spec:
          type: LoadBalancer
          clusterIP: 10.96.0.50
          selector: {app: web}
          ports: [{port: 443, targetPort: 8443}]
        status:
          loadBalancer: {ingress: [{ip: 198.51.100.2}, {ip: 203.0.113.7}]}
        """);
  }

  private static List<Finding> vips(AuditReport r) {
    return r.findings().stream().filter(f -> f.type() == FindingType.NODE_IP_AS_LB_VIP).toList();
  }

  @Test
  void aNodeAddressPublishedAsLoadBalancerVipIsAnErrorUnderCilium119() {
    List<Finding> found = vips(Clusters.audit(cluster(), "cilium-version", "1.19.1"));
    assertThat(found).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.ERROR);
      assertThat(f.address()).isEqualTo("198.51.100.2");
      assertThat(f.extra().get("node")).isEqualTo("n2");
      assertThat(f.message()).contains("#40684", "#43565", "#43721", "#45572",
          "bpf-lb-enable-wildcard-entries=false");
    });
  }

  @Test
  void olderReleasesAndTheSwitchOffProgramNoWildcardEntries() {
    assertThat(vips(Clusters.audit(cluster(), "cilium-version", "1.18"))).isEmpty();
    assertThat(vips(Clusters.audit(cluster(), "cilium-version", "1.19",
        "bpf-lb-enable-wildcard-entries", "false"))).isEmpty();
  }

  @Test
  void anAssumedVersionMakesItAWarningThatSaysHowToSettleIt() {
    assertThat(vips(Clusters.audit(cluster()))).singleElement().satisfies(f -> {
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.message()).contains("give --cilium-version");
    });
  }
}
