package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity trap under Kubernetes ClusterNetworkPolicy (section 10 of the policy model;
 * {@code ParseClusterNetworkPolicy}, cilium/cilium#42338, enforced from Cilium 1.20): an Admin Deny
 * of the backends drops the translated flow whatever a companion allows (a companion is a
 * CiliumClusterwideNetworkPolicy, below the Admin tier), so none is offered; an Admin Pass defers
 * to the policies, where the companion clears the trap; before 1.20 the object is not enforced and
 * the audit says so (CLUSTER_POLICY_NOT_ENFORCED).
 */
class ClusterPolicyAuditTest {
  private static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: edge}
      spec:
        clusterIP: 10.96.0.50
        selector: {app: web}
        ports: [{name: https, port: 443, targetPort: https}]
        externalIPs: [203.0.113.9]
      """;

  private static String kcnp(String action) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: guard-web}
        spec:
          tier: Admin
          priority: 5
          subject: {namespaces: {}}
          egress:
          - {name: web, action: %s,
             to: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]}
        """.formatted(action);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, extra objects, version, traps, companions, not-enforced findings
        Arguments.of("no ClusterNetworkPolicy: the trap and its companion", List.of(), "1.20", 1,
            1, 0),
        Arguments.of("Admin Deny of the backends: a trap no companion can clear",
            List.of(kcnp("Deny")), "1.20", 1, 0, 0),
        Arguments.of("Admin Pass defers to the policies: the companion clears it",
            List.of(kcnp("Pass")), "1.20", 1, 1, 0),
        Arguments.of("Admin Accept of the backends: no trap", List.of(kcnp("Accept")), "1.20", 0,
            0, 0),
        Arguments.of("1.19 does not enforce the Admin Deny: said, and the companion offered",
            List.of(kcnp("Deny")), "1.19", 1, 1, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theAdminTierDecidesBeforeTheCompanion(String name, List<String> extra, String version,
      int trapCount, int companionCount, int notEnforced) {
    List<String> docs = new ArrayList<>(List.of(SERVICE));
    docs.addAll(extra);
    AuditReport r = audit(TrapRulesTest.cluster(docs.toArray(String[]::new)),
        "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true",
        "cilium-version", version);
    assertThat(traps(r)).as(name).hasSize(trapCount);
    assertThat(r.companions()).as(name).hasSize(companionCount);
    List<Finding> named = r.findings().stream()
        .filter(f -> f.type() == FindingType.CLUSTER_POLICY_NOT_ENFORCED).toList();
    assertThat(named).as(name).hasSize(notEnforced);
    named.forEach(f -> assertThat(f.message()).contains(
        "ClusterNetworkPolicy guard-web", "is not enforced by Cilium 1.19",
        "from 1.20 (cilium/cilium#42338)"));
    if (companionCount > 0 && !extra.isEmpty()) {
      ClusterSnapshotCheck.cleared(r, docs, version);
    }
  }

  /** The companions applied, the audit finds no trap left. */
  private static final class ClusterSnapshotCheck {
    static void cleared(AuditReport r, List<String> docs, String version) {
      var fixed = Clusters.withCompanions(TrapRulesTest.cluster(docs.toArray(String[]::new)), r);
      assertThat(traps(audit(fixed, "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only",
          "true", "cilium-version", version))).isEmpty();
    }
  }
}
