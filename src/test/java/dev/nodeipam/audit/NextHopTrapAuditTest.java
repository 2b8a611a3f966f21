package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without kube-proxy replacement (Cilium 1.18) an externalIP is kube-proxy's: Cilium judges the
 * sender's egress on the address, and the backend's ingress judges the flow as kube-proxy
 * delivers it (pkg/proxy/iptables/proxier.go: KUBE-EXT masquerades external destinations with
 * externalTrafficPolicy Cluster; with Local pod traffic keeps its source). The audit reads it as
 * trace does: a backend admitting only world that sees the client itself is an active ingress
 * trap; one that sees the masquerading node is no trap of the client's identity now, and the
 * latent trap (once translated the backend sees the client) stays.
 */
class NextHopTrapAuditTest {
  private static ClusterSnapshot cluster(String externalTrafficPolicy) {
    return Clusters.yaml(TrapRulesTest.NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}",
        TrapRulesTest.service("externalIPs: [203.0.113.9]\n  externalTrafficPolicy: "
            + externalTrafficPolicy, ""),
        TrapRulesTest.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""),
        TrapRulesTest.pod("app", "client", "client", "n1", "10.0.1.10", ""),
        Clusters.webIngress(1, null));
  }

  /** The client's traps (the backend dialling its own Service's address has its own). */
  private static List<Finding> client(AuditReport r) {
    return Clusters.traps(r).stream().filter(f -> "app/client".equals(f.source())).toList();
  }

  private static final String[] KUBE_PROXY =
      {"kube-proxy-replacement", "false", "cilium-version", "1.18"};

  @Test
  void aBackendThatSeesTheClientItselfIsAnActiveIngressTrap() {
    AuditReport r = Clusters.audit(cluster("Local"), KUBE_PROXY);
    assertThat(client(r)).singleElement().satisfies(f -> {
      assertThat(f.direction()).isEqualTo("ingress");
      assertThat(f.active()).isTrue();
    });
    assertThat(Clusters.traps(Clusters.audit(Clusters.withCompanions(cluster("Local"), r),
        KUBE_PROXY))).isEmpty();
  }

  @Test
  void aBackendThatSeesTheMasqueradingNodeLeavesOnlyTheLatentTrap() {
    AuditReport r = Clusters.audit(cluster("Cluster"), KUBE_PROXY);
    assertThat(client(r)).singleElement().satisfies(f -> {
      assertThat(f.direction()).isEqualTo("ingress");
      assertThat(f.active()).isFalse();
    });
  }
}
