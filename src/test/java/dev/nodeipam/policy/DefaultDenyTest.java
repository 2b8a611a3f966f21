package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.PolicyRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Section 5 (default deny) and the deny precedence of section 1. */
class DefaultDenyTest {
  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"), port("pg", 5432));
  }

  @Test
  void noPolicyMeansEverythingIsAllowed() {
    Verdict v = cluster().trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().defaultDeny()).isFalse();
    assertThat(v.destinations().get(0).ingress().defaultDeny()).isFalse();
  }

  @Test
  void networkPolicyWithoutPolicyTypesIsIngressOnlyUnlessItHasEgressRules() {
    TestCluster ingressOnly =
        cluster()
            .policy(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: lock, namespace: app}
                spec:
                  podSelector: {}
                """);
    Verdict toPg = ingressOnly.trace("app/client", "10.0.2.7", 5432);
    assertThat(toPg.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(toPg.destinations().get(0).egress().defaultDeny()).isFalse();
    Verdict toClient = ingressOnly.trace("db/pg", "10.0.1.5", 80);
    assertThat(toClient.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(toClient.destinations().get(0).ingress().defaultDenyBy())
        .extracting(PolicyRef::name)
        .containsExactly("lock");

    TestCluster withEgress =
        cluster()
            .policy(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: dns-only, namespace: app}
                spec:
                  podSelector: {}
                  egress:
                  - ports: [{port: 53, protocol: UDP}]
                """);
    Verdict v = withEgress.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).egress().dropReason()).isEqualTo(133);
  }

  /**
   * Cilium's ParseNetworkPolicy ({@code pkg/k8s/network_policy.go}) converts {@code spec.egress}
   * whatever {@code policyTypes} says: the egress rules are enforced (cilium/cilium#48703; the
   * fix, cilium/cilium#48708, is in no release read), unlike upstream NetworkPolicy semantics.
   */
  @Test
  void networkPolicyEgressIsEnforcedEvenWhenPolicyTypesDoNotListIt() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: ingress-only, namespace: app}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                  egress:
                  - to: [{ipBlock: {cidr: 1.1.1.1/32}}]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).egress().defaultDeny()).isTrue();
    assertThat(c.trace("app/client", "1.1.1.1", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
  }

  /**
   * {@code enable-non-default-deny-policies=false} (Cilium 1.17+, cilium/cilium#34940) makes
   * {@code Rule.Sanitize} ({@code pkg/policy/api/rule_validation.go}) set enableDefaultDeny to
   * true on every rule; before 1.16 (cilium/cilium#30572) the field does not exist. Either way a
   * rule with egress entries puts its endpoints in egress default deny.
   */
  @Test
  void enableDefaultDenyFalseIsIgnoredWithTheAgentFlagOffAndBeforeCilium116() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: allow-dns}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny: {egress: false}
                  egress:
                  - toEntities: [world]
                    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
                """);
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", "1.17").outcome())
        .isEqualTo(Outcome.ALLOWED);
    for (String[] s : List.of(
        new String[] {"cilium-version", "1.17", "enable-non-default-deny-policies", "false"},
        new String[] {"cilium-version", "1.15"})) {
      Verdict v = c.trace("app/client", "10.0.2.7", 5432, s);
      assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
      assertThat(v.destinations().get(0).egress().defaultDenyBy())
          .extracting(p -> p.name()).containsExactly("allow-dns");
    }
  }

  @Test
  void cnpDenyOnlyRuleFlipsItsSubjectsIntoDefaultDeny() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: no-metadata, namespace: app}
                spec:
                  endpointSelector: {}
                  egressDeny:
                  - toCIDR: [169.254.169.254/32]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(133);
    assertThat(v.destinations().get(0).egress().defaultDenyBy())
        .extracting(PolicyRef::name)
        .containsExactly("no-metadata");
    Verdict metadata = c.trace("app/client", "169.254.169.254", 80);
    assertThat(metadata.dropReason()).isEqualTo(181);
  }

  @Test
  void cnpEnableDefaultDenyFalseAddsWithoutChangingAnyonesDefault() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: no-metadata, namespace: app}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny: {egress: false}
                  egressDeny:
                  - toCIDR: [169.254.169.254/32]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().defaultDeny()).isFalse();
    assertThat(c.trace("app/client", "169.254.169.254", 80).dropReason()).isEqualTo(181);
  }

  @Test
  void cnpEmptyEgressEntryIsDefaultDenyWithNothingAllowed() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-all-egress, namespace: app}
                spec:
                  endpointSelector: {}
                  egress:
                  - {}
                """);
    assertThat(c.trace("app/client", "8.8.8.8", 53).dropReason()).isEqualTo(133);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).dropReason()).isEqualTo(133);
  }

  @Test
  void denyBeatsAllowAcrossNetworkPolicyCnpAndCcnp() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-pg, namespace: app}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to: [{namespaceSelector: {}}]
                """)
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: no-db}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny: {egress: false, ingress: false}
                  egressDeny:
                  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db}}]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(181);
    assertThat(v.destinations().get(0).egress().deniedBy())
        .extracting(PolicyRef::name)
        .containsExactly("no-db");
  }

  @Test
  void ingressDenyOfTheReceiverDropsWith181() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: pg-not-from-app, namespace: db}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEntities: [all]
                  ingressDeny:
                  - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: app}}]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.destinations().get(0).ingress().dropReason()).isEqualTo(181);
    assertThat(v.dropReason()).isEqualTo(181);
  }

  @Test
  void enablePolicyAlwaysMakesEveryEndpointDefaultDeny() {
    Verdict v = cluster().trace("app/client", "10.0.2.7", 5432, "enable-policy", "always");
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(133);
    assertThat(v.destinations().get(0).egress().defaultDenyBy()).isEmpty();
    assertThat(v.destinations().get(0).egress().reason()).contains("enable-policy=always");
  }

  @Test
  void enablePolicyNeverEnforcesNothingNotEvenDenyRules() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny, namespace: app}
                spec:
                  endpointSelector: {}
                  egressDeny:
                  - toEntities: [all]
                """);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).dropReason()).isEqualTo(181);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432, "enable-policy", "never");
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().enforced()).isFalse();
  }

  @Test
  void enablePolicyDefaultDeniesOnlyWhereARuleSaysSo() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: pg-in, namespace: db}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEndpoints: [{matchLabels: {app: nothing}}]
                """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432, "enable-policy", "default");
    assertThat(v.destinations().get(0).egress().defaultDeny()).isFalse();
    assertThat(v.destinations().get(0).ingress().defaultDeny()).isTrue();
    assertThat(v.dropReason()).isEqualTo(133);
  }

  @Test
  void specsAreRulesEachWithItsOwnDefaultDeny() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: two, namespace: app}
                specs:
                - endpointSelector: {matchLabels: {app: nobody}}
                  egress:
                  - toEntities: [world]
                - endpointSelector: {matchLabels: {app: client}}
                  enableDefaultDeny: {egress: false}
                  egress:
                  - toEntities: [world]
                """);
    assertThat(c.engine().rules()).hasSize(2);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().defaultDeny()).isFalse();
  }
}
