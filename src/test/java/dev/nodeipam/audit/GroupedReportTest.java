package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.render.AuditRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The grouped report: one finding per (source workload or identity, address, port, direction),
 * the per-pod form on request, and the text a person reviews.
 */
class GroupedReportTest {
  private static final String EXT = TrapRulesTest.service("externalIPs: [203.0.113.9]", "");

  /** Three replicas of a Deployment and a lone pod, all with the CIDR rule on 443. */
  private static ClusterSnapshot replicas() {
    String deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: client, namespace: app}
        spec:
          selector: {matchLabels: {app: client}}
          template:
            metadata: {labels: {app: client}}
            spec: {containers: [{name: c, image: x}]}
        """;
    return TrapRulesTest.cluster(EXT, deployment,
        TrapRulesTest.pod("app", "client-2", "client", "n1", "10.0.1.11", ""),
        TrapRulesTest.pod("app", "client-3", "client", "n2", "10.0.1.12", ""));
  }

  private static List<Finding> grouped(AuditReport r) {
    return r.groupedFindings().stream().filter(f -> f.type() == FindingType.IDENTITY_TRAP)
        .toList();
  }

  @Test
  void replicasOfAWorkloadAreOneFindingWithTheirPodsAndCount() {
    AuditReport r = audit(replicas(), "kube-proxy-replacement", "true");
    assertThat(Clusters.traps(r)).as("per pod").hasSize(3);
    assertThat(grouped(r)).singleElement().satisfies(f -> {
      assertThat(f.source()).isEqualTo("app/client");
      assertThat(f.extra()).containsEntry("sourceKind", "Deployment")
          .containsEntry("sourceCount", 3)
          .containsEntry("sources", List.of("app/client-1", "app/client-2", "app/client-3"));
      assertThat(f.address()).isEqualTo("203.0.113.9");
      assertThat(f.port()).isEqualTo(443);
      assertThat(f.direction()).isEqualTo("egress");
      assertThat(f.message()).startsWith("app/client -> 203.0.113.9:443/TCP: ");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void theJsonContractIsVersion2GroupedAndVersion1PerPodKeepsEveryField() {
    AuditReport r = audit(replicas(), "kube-proxy-replacement", "true");
    Map<String, Object> v2 = r.toMap(Granularity.ADDRESS);
    Map<String, Object> v1 = r.toMap(Granularity.POD);
    assertThat(v2.get("version")).isEqualTo(2);
    assertThat(v1.get("version")).isEqualTo(1);
    List<Map<String, Object>> f2 = (List<Map<String, Object>>) v2.get("findings");
    List<Map<String, Object>> f1 = (List<Map<String, Object>>) v1.get("findings");
    assertThat(f1).hasSize(f2.size() + 2);
    // Every field of the per-pod form is in the grouped form, in the same order.
    assertThat(List.copyOf(f2.get(0).keySet())).containsAll(f1.get(0).keySet())
        .containsSubsequence("type", "severity", "active", "direction", "service", "address",
            "port", "targetPort", "protocol", "source", "policies", "message");
    assertThat(f1.get(0).get("source")).isEqualTo("app/client-1");
    assertThat(List.copyOf(v2.keySet())).startsWith("version", "findings", "companionPolicies",
        "companionNotes", "summary", "settings");
    assertThat(List.copyOf(v1.keySet())).as("version 1 is version 2's document, per pod")
        .isEqualTo(List.copyOf(v2.keySet()));
    Map<String, Object> summary = (Map<String, Object>) v2.get("summary");
    assertThat(summary).as("%s", summary).containsEntry("findings", f2.size()).containsEntry("error", 0)
        .containsEntry("warning", 2).containsEntry("pods", Map.of("error", 0, "warning", 4));
  }

  @Test
  void aPodWithoutWorkloadIsNamedByItselfAndAnIdentityOfSeveralPodsByItsLabels() {
    AuditReport lone = audit(TrapRulesTest.cluster(EXT), "kube-proxy-replacement", "true");
    assertThat(grouped(lone)).singleElement().satisfies(f -> {
      assertThat(f.source()).isEqualTo("app/client-1");
      assertThat(f.extra()).containsEntry("sourceKind", "Pod").containsEntry("sourceCount", 1);
    });
    AuditReport two = audit(TrapRulesTest.cluster(EXT,
        TrapRulesTest.pod("app", "client-2", "client", "n2", "10.0.1.11", "")),
        "kube-proxy-replacement", "true");
    assertThat(grouped(two)).singleElement().satisfies(f -> {
      assertThat(f.source()).isEqualTo("app/app=client");
      assertThat(f.extra()).containsEntry("sourceKind", "identity").containsEntry("sourceCount", 2);
    });
  }

  @Test
  void theSeedArticleReadsAsOneSummaryThenTheGroupedDetail() {
    AuditReport r = audit(Clusters.load(Clusters.ISTIO));
    String text = AuditRenderer.text(r);
    List<String> lines = text.lines().toList();
    assertThat(lines.get(0)).isEqualTo("7 policies in 3 namespaces stop matching"
        + " for 24.85.233.58:443/TCP — 7 active, 0 latent.");
    assertThat(lines.get(1)).isEqualTo("1 Service address audited; 7 trapped sources (7 pods);"
        + " 1 other finding; 1 companion policy.");
    String detail = text.substring(text.indexOf("\n24.85.233.58:443/TCP  externalIP of"
        + " istio-system/istio-ingressgateway\n"), text.indexOf("\nOther findings"));
    assertThat(detail).contains("  ERROR active egress  -> pod istio-system/")
        .contains("    NetworkPolicy hermes/hermes-atlas-allow-egress spec.egress[0] (ipBlock"
            + " 0.0.0.0/0)\n      sources: hermes/hermes-atlas (pod)\n")
        .contains("  companion: allow-egress-to-istio-system-istio-ingressgateway (below)");
    assertThat(detail.lines().filter(l -> l.startsWith("    why ("))).as("one why per section")
        .hasSize(1);
    assertThat(detail.lines().filter(l -> l.startsWith("      sources: "))).hasSize(7);
    // With the socket LB translating for every pod the seven are latent instead.
    AuditReport latent = audit(Clusters.load(Clusters.ISTIO), "bpf-lb-sock-hostns-only", "false");
    assertThat(AuditRenderer.text(latent)).startsWith("7 policies in 3"
        + " namespaces stop matching for 24.85.233.58:443/TCP — 0 active, 7 latent.\n");
  }

  @Test
  void severalAddressesGetOneSummaryLineEachBeforeTheDetail() {
    AuditReport r = audit(Clusters.load(Clusters.ISTIO, Clusters.AUDIT));
    String text = AuditRenderer.text(r);
    int gateway = text.indexOf("  24.85.233.58:443/TCP (externalIP of"
        + " istio-system/istio-ingressgateway): ");
    int shop = text.indexOf("  24.85.233.60:443/TCP (externalIP of shop/storefront): ");
    int detail = text.indexOf("\n24.85.233.58:443/TCP  externalIP of");
    assertThat(gateway).isPositive().isLessThan(shop);
    assertThat(shop).isLessThan(detail);
    assertThat(text.lines().findFirst().orElseThrow())
        .matches("\\d+ policies in \\d+ namespaces stop matching for 2 Service"
            + " addresses and ports — \\d+ active, \\d+ latent\\.");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theNodeAddressesOfOneServiceAreOneFindingAndOneBlock() {
    AuditReport r = audit(TrapRulesTest.cluster(TrapRulesTest.NODE_IPAM_SERVICE),
        "kube-proxy-replacement", "true");
    List<Map<String, Object>> v3 = (List<Map<String, Object>>) r.toMap().get("findings");
    List<Map<String, Object>> v2 =
        (List<Map<String, Object>>) r.toMap(Granularity.ADDRESS).get("findings");
    assertThat(r.toMap().get("version")).isEqualTo(3);
    assertThat(v3).as("%s", v3).anySatisfy(f -> assertThat(f)
        .containsEntry("type", "IDENTITY_TRAP").containsEntry("addressCount", 2));
    assertThat(v3.size()).isLessThan(v2.size());
    String text = AuditRenderer.text(r);
    assertThat(text).contains("2 nodeIPAM addresses ");
    assertThat(text.lines().filter(l -> l.endsWith("nodeIPAM of edge/web"))).as(text)
        .hasSizeLessThan(2);
  }

  @Test
  void withoutAnyCidrOrWorldAllowNothingIsSearchedButAddressesAreCounted() {
    ClusterSnapshot withCidr = TrapRulesTest.cluster(EXT, TrapRulesTest.NODE_IPAM_SERVICE
        .replace("name: web", "name: web2"));
    ClusterSnapshot withoutPolicy = withCidr.toBuilder()
        .build();
    assertThat(mayTrap(withCidr))
        .isTrue();
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    withoutPolicy.nodes().forEach(b::node);
    withoutPolicy.services().forEach(b::service);
    withoutPolicy.pods().forEach(b::pod);
    withoutPolicy.namespaces().forEach(b::namespace);
    ClusterSnapshot none = b.build();
    assertThat(mayTrap(none)).isFalse();
    AuditReport r = audit(none, "kube-proxy-replacement", "true");
    assertThat(r.traps()).isEmpty();
    assertThat(r.addresses()).as("1 externalIP + 2 Node IPAM addresses")
        .isEqualTo(PublishedAddresses.of(none, AuditOptions.defaults().nodeIpam()).addresses()
            .size()).isEqualTo(3);
    assertThat(r.others()).extracting(Finding::type).contains(FindingType.EXTERNAL_IPS)
        .as("the other findings are still made").doesNotContain(FindingType.IDENTITY_TRAP);
  }

  /** {@link Audit#mayTrap} of the cluster's rules under its own settings. */
  private static boolean mayTrap(ClusterSnapshot cluster) {
    PolicyEngine engine = PolicyEngine.of(cluster);
    return Audit.mayTrap(engine.rules(), engine.settings(Map.of()));
  }
}
