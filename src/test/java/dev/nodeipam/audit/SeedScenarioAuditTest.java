package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.ISTIO;
import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seed article: seven ipBlock policies in three namespaces, one probed and six latent in the
 * article's words. The audit finds all seven at once, with the right policies, and its companion
 * is the article's.
 */
class SeedScenarioAuditTest {
  private static final ClusterSnapshot CLUSTER = Clusters.load(ISTIO);

  @Test
  void seed_allSevenPoliciesInThreeNamespacesAreFoundAtOnce() {
    List<Finding> traps = traps(audit(CLUSTER));
    assertThat(traps).hasSize(7);
    assertThat(traps).extracting(Finding::source).containsExactlyInAnyOrder(
        "coffee/brewer", "coffee/roaster", "hermes/hermes-atlas", "hermes/hermes-relay",
        "hermes/hermes-scribe", "monitoring/blackbox", "monitoring/uptime");
    assertThat(traps).flatExtracting(Finding::policies).extracting(PolicyRef::namespace)
        .containsOnly("coffee", "hermes", "monitoring");
    for (Finding f : traps) {
      // each source's own policy, and only it, is the one the address silently invalidated
      assertThat(f.policies()).singleElement().satisfies(p -> {
        assertThat(p.kind()).isEqualTo("NetworkPolicy");
        assertThat(p.name()).isEqualTo(f.source().split("/")[1] + "-allow-egress");
      });
      assertThat(f.active()).isTrue();
      assertThat(f.severity()).isEqualTo(Severity.ERROR);
      assertThat(f.direction()).isEqualTo("egress");
    }
  }

  @Test
  void seed_theProbedFlowCarriesAddressServicePortAndTargetPort() {
    Finding atlas = traps(audit(CLUSTER)).stream()
        .filter(f -> f.source().equals("hermes/hermes-atlas")).findFirst().orElseThrow();
    assertThat(atlas.service()).isEqualTo("istio-system/istio-ingressgateway");
    assertThat(atlas.address()).isEqualTo("24.85.233.58");
    assertThat(atlas.port()).isEqualTo(443);
    assertThat(atlas.targetPort()).isEqualTo(8443);
    assertThat(atlas.protocol()).isEqualTo("TCP");
    assertThat(atlas.message()).contains("ipBlock 0.0.0.0/0").contains("8443").contains("DENIED");
  }

  @Test
  void seed_port80IsNotReportedBecauseNoPolicyAllowedIt() {
    assertThat(traps(audit(CLUSTER))).extracting(Finding::port).containsOnly(443);
  }

  @Test
  void socketLbForPods_leavesTheExternalIpUntranslated_soTheSameSevenAreLatentWarnings() {
    List<Finding> traps = traps(audit(CLUSTER, "bpf-lb-sock-hostns-only", "false"));
    assertThat(traps).hasSize(7);
    assertThat(traps).allSatisfy(f -> {
      assertThat(f.active()).isFalse();
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(f.message()).contains("Allowed now").contains("CVE-2020-8554");
    });
  }

  @Test
  void kubeProxyReplacementOff_leavesTheExternalIpToKubeProxy_soTheTrapsAreLatent() {
    assertThat(traps(audit(CLUSTER, "kube-proxy-replacement", "false", "cilium-version", "1.18")))
        .hasSize(7).allSatisfy(f -> assertThat(f.active()).isFalse());
  }

  @Test
  void enablePolicyNever_enforcesNothing_soNothingIsTrapped() {
    assertThat(traps(audit(CLUSTER, "enable-policy", "never"))).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void companion_hasTheArticlesShape() {
    AuditReport r = audit(CLUSTER);
    assertThat(r.companions()).singleElement().satisfies(c -> {
      Map<String, Object> o = c.object();
      assertThat(o.get("apiVersion")).isEqualTo("cilium.io/v2");
      assertThat(o.get("kind")).isEqualTo("CiliumClusterwideNetworkPolicy");
      assertThat(c.name()).isEqualTo("allow-egress-to-istio-system-istio-ingressgateway");
      Map<String, Object> spec = (Map<String, Object>) o.get("spec");
      assertThat(spec.get("endpointSelector")).isEqualTo(Map.of());
      assertThat(spec.get("enableDefaultDeny")).isEqualTo(Map.of("egress", false, "ingress", false));
      assertThat(spec.get("egress")).isEqualTo(List.of(Map.of(
          "toEndpoints", List.of(Map.of("matchLabels", Map.of(
              "io.kubernetes.pod.namespace", "istio-system",
              "app", "istio-ingressgateway", "istio", "ingressgateway"))),
          "toPorts", List.of(Map.of("ports", List.of(Map.of("port", "8443", "protocol", "TCP")))))));
      assertThat(c.caveats()).anyMatch(s -> s.contains("BEFORE"))
          .anyMatch(s -> s.contains("pod IP and by ClusterIP"))
          .anyMatch(s -> s.contains("deny rule"))
          .anyMatch(s -> s.contains("toEntities: [host, remote-node]"));
    });
  }

  @Test
  void companions_clearEveryTrap_activeAndLatent() {
    for (String[] settings : List.of(new String[0],
        new String[] {"bpf-lb-sock-hostns-only", "false"},
        new String[] {"kube-proxy-replacement", "false"})) {
      AuditReport before = audit(CLUSTER, settings);
      assertThat(traps(before)).isNotEmpty();
      ClusterSnapshot fixed = Clusters.withCompanionYaml(before, ISTIO);
      assertThat(traps(audit(fixed, settings))).as(String.join("=", settings)).isEmpty();
    }
  }

  @Test
  void externalIps_isReportedWithTheMigrationCommand() {
    assertThat(audit(CLUSTER).others())
        .filteredOn(f -> f.type() == FindingType.EXTERNAL_IPS)
        .singleElement().satisfies(f -> {
          assertThat(f.service()).isEqualTo("istio-system/istio-ingressgateway");
          assertThat(f.severity()).isEqualTo(Severity.WARNING);
          assertThat(f.message())
              .contains("nodeipam migrate --service istio-system/istio-ingressgateway");
        });
  }
}
