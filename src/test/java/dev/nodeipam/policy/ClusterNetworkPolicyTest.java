package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.snapshot.BadInputException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kubernetes ClusterNetworkPolicy ({@code policy.networking.k8s.io/v1alpha2}) as Cilium 1.20
 * enforces it: {@code ParseClusterNetworkPolicy} in {@code pkg/k8s/cluster_network_policy.go}
 * (cilium/cilium#42338; tier Baseline else Admin, priority + index/100, Deny/Pass/else Accept,
 * DefaultDeny false, an empty {@code from}/{@code to} matches all, a peer without a known field
 * fails closed) and the tier order of CFP-42904 (Admin, then NetworkPolicy and Cilium policies,
 * then Baseline). The scenarios marked np-guard are np-guard/netpol-analyzer's public
 * AdminNetworkPolicy/BaselineAdminNetworkPolicy tests (the predecessors, same semantics), written
 * as v1alpha2 objects: ANP = tier Admin, BANP = tier Baseline, Allow = Accept.
 */
class ClusterNetworkPolicyTest {
  private static final String GRYFFINDOR = "network-policy-conformance-gryffindor";
  private static final String SLYTHERIN = "network-policy-conformance-slytherin";

  private static String kcnp(String name, String tier, int priority, String subject,
      String ingress) {
    return "apiVersion: policy.networking.k8s.io/v1alpha2\n"
        + "kind: ClusterNetworkPolicy\n"
        + "metadata: {name: " + name + "}\n"
        + "spec:\n"
        + "  tier: " + tier + "\n"
        + "  priority: " + priority + "\n"
        + "  subject: " + subject + "\n"
        + "  ingress:\n" + ingress;
  }

  private static final String HOUSE_G = "{namespaces: {matchLabels: {conformance-house: gryffindor}}}";
  private static final String PODS_G = "{pods: {namespaceSelector: {matchLabels:"
      + " {conformance-house: gryffindor}}, podSelector: {matchLabels:"
      + " {conformance-house: gryffindor}}}}";

  private static String rule(String action, String from) {
    return "  - {name: " + action.toLowerCase() + "-from-slytherin, action: " + action
        + ", from: [" + from + "]}\n";
  }

  private static final String FROM_SLYTHERIN_NS =
      "{namespaces: {matchLabels: {conformance-house: slytherin}}}";
  private static final String FROM_SLYTHERIN_PODS = "{pods: {namespaceSelector: {matchLabels:"
      + " {conformance-house: slytherin}}, podSelector: {matchLabels:"
      + " {conformance-house: slytherin}}}}";

  private static final String NP_ALLOW_SLYTHERIN = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-gress-from-to-slytherin-to-gryffindor,
        namespace: network-policy-conformance-gryffindor}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
        ingress:
        - from: [{namespaceSelector: {matchLabels: {conformance-house: slytherin}}}]
      """;

  private static TestCluster houses() {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .namespace(GRYFFINDOR, Map.of("conformance-house", "gryffindor"))
        .namespace(SLYTHERIN, Map.of("conformance-house", "slytherin"))
        .namespace("network-policy-conformance-hufflepuff",
            Map.of("conformance-house", "hufflepuff"))
        .pod(GRYFFINDOR + "/harry", "n1", "10.0.1.5", Map.of("conformance-house", "gryffindor"))
        .pod(SLYTHERIN + "/draco", "n1", "10.0.2.5", Map.of("conformance-house", "slytherin"))
        .pod("network-policy-conformance-hufflepuff/cedric", "n1", "10.0.3.5",
            Map.of("conformance-house", "hufflepuff"));
  }

  private static SideVerdict ingressOfHarry(TestCluster c, String... settings) {
    Verdict v = c.trace(SLYTHERIN + "/draco", "10.0.1.5", 80, settings);
    return v.destinations().get(0).ingress();
  }

  static Stream<Arguments> scenarios() {
    String admin40Pass = kcnp("old-priority-60-new-priority-40-example", "Admin", 40, PODS_G,
        rule("Pass", FROM_SLYTHERIN_PODS));
    String admin50Deny = kcnp("priority-50-example", "Admin", 50, PODS_G,
        rule("Deny", FROM_SLYTHERIN_PODS));
    String baselineAccept = kcnp("default", "Baseline", 0, PODS_G,
        rule("Accept", FROM_SLYTHERIN_PODS));
    String adminPass = kcnp("pass-example", "Admin", 10, HOUSE_G,
        rule("Pass", FROM_SLYTHERIN_NS));
    String baselineDeny = kcnp("default", "Baseline", 0, HOUSE_G,
        rule("Deny", FROM_SLYTHERIN_NS));
    return Stream.of(
        // np-guard tests/anp_test_4_with_priority_chang_pass_to_banp/core_priority_field.yaml
        // (from network-policy-api conformance core-priority-field.yaml): the Pass at priority
        // 40 comes before the Deny at 50, no NetworkPolicy decides, the Baseline Accept does.
        Arguments.of("np-guard core_priority_field: Pass at 40 beats Deny at 50, Baseline Accept",
            new String[] {admin40Pass, admin50Deny, baselineAccept}, Outcome.ALLOWED, null,
            "Baseline tier"),
        Arguments.of("core_priority_field with the Pass moved to 60: the Deny at 50 decides",
            new String[] {admin40Pass.replace("priority: 40", "priority: 60"), admin50Deny,
                baselineAccept}, Outcome.DENIED, DropReason.POLICY_DENY, "Admin tier"),
        // np-guard tests/anp_np_banp_core_test/core_anp_np_banp.yaml: the Admin Pass hands the
        // flow to the NetworkPolicy, which allows slytherin; the Baseline Deny is never asked.
        Arguments.of("np-guard core_anp_np_banp: Admin Pass, NetworkPolicy allows",
            new String[] {adminPass, NP_ALLOW_SLYTHERIN, baselineDeny}, Outcome.ALLOWED, null,
            "passes the flow on"),
        Arguments.of("core_anp_np_banp without the NetworkPolicy: the Baseline Deny decides",
            new String[] {adminPass, baselineDeny}, Outcome.DENIED, DropReason.POLICY_DENY,
            "Baseline tier"),
        // An Admin Accept is final: the NetworkPolicy's default deny is never reached.
        Arguments.of("Admin Accept beats a NetworkPolicy's default deny",
            new String[] {kcnp("accept", "Admin", 5, HOUSE_G, rule("Accept", FROM_SLYTHERIN_NS)),
                NP_ALLOW_SLYTHERIN.replace("conformance-house: slytherin",
                    "conformance-house: hufflepuff")}, Outcome.ALLOWED, null, "Admin tier"),
        // The Baseline tier is asked only when no NetworkPolicy puts the side in default deny.
        Arguments.of("a NetworkPolicy isolating the pod decides before the Baseline Accept",
            new String[] {baselineAccept, NP_ALLOW_SLYTHERIN.replace(
                "conformance-house: slytherin", "conformance-house: hufflepuff")},
            Outcome.DENIED, DropReason.POLICY_DENIED, "default-deny"),
        // Same priority: Cilium applies deny over allow in every tier (CFP-42904).
        Arguments.of("same priority: Deny over Accept",
            new String[] {kcnp("a", "Admin", 7, HOUSE_G, rule("Accept", FROM_SLYTHERIN_NS)),
                kcnp("b", "Admin", 7, HOUSE_G, rule("Deny", FROM_SLYTHERIN_NS))},
            Outcome.DENIED, DropReason.POLICY_DENY, "Admin tier"),
        // Rule order within one object: priority + index/100, the earlier rule first.
        Arguments.of("rule order: an earlier Accept before a later Deny",
            new String[] {kcnp("ordered", "Admin", 7, HOUSE_G, rule("Accept", FROM_SLYTHERIN_NS)
                + rule("Deny", "{}"))}, Outcome.ALLOWED, null, "spec.ingress[0]"),
        // A peer with none of its fields: Deny and Pass fail closed, as a Deny of every peer.
        Arguments.of("fail closed: a Pass with an empty peer denies every peer",
            new String[] {kcnp("closed", "Admin", 3, HOUSE_G, rule("Pass", "{}"))},
            Outcome.DENIED, DropReason.POLICY_DENY, "fail closed"),
        Arguments.of("fail closed: an Accept with an empty peer matches nothing",
            new String[] {kcnp("nothing", "Admin", 3, HOUSE_G, rule("Accept", "{}")),
                baselineDeny}, Outcome.DENIED, DropReason.POLICY_DENY, "Baseline tier"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void tiersDecideAsCilium120(String name, String[] policies, Outcome outcome, Integer drop,
      String reason) {
    TestCluster c = houses();
    for (String p : policies) {
      c.policy(p);
    }
    SideVerdict ingress = ingressOfHarry(c, "cilium-version", "1.20");
    assertThat(ingress.outcome()).isEqualTo(outcome);
    assertThat(ingress.dropReason()).isEqualTo(drop);
    assertThat(ingress.reason()).contains(reason);
    // The default release is 1.20: the same verdict without the flag.
    assertThat(ingressOfHarry(c).outcome()).isEqualTo(outcome);
  }

  @Test
  void before120TheKindIsNotEnforcedAndTheSideSaysSo() {
    TestCluster c = houses().policy(kcnp("deny-slytherin", "Admin", 10, HOUSE_G,
        rule("Deny", FROM_SLYTHERIN_NS)));
    for (String v : new String[] {"1.14", "1.17", "1.19"}) {
      SideVerdict ingress = ingressOfHarry(c, "cilium-version", v);
      assertThat(ingress.outcome()).as(v).isEqualTo(Outcome.ALLOWED);
      assertThat(ingress.notModelled()).as(v).containsExactly(
          "ClusterNetworkPolicy deny-slytherin: not enforced by Cilium " + v
              + " (ClusterNetworkPolicy is enforced from 1.20, cilium/cilium#42338)");
    }
    SideVerdict enforced = ingressOfHarry(c, "cilium-version", "1.20.1");
    assertThat(enforced.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(enforced.deniedBy().get(0).label()).isEqualTo("ClusterNetworkPolicy deny-slytherin");
    assertThat(enforced.reason()).contains(
        "ClusterNetworkPolicy deny-slytherin spec.ingress[0] \"deny-from-slytherin\" (Admin tier,"
            + " priority 10) denies 80/TCP from pod " + SLYTHERIN + "/draco");
  }

  @Test
  void egressPortsAndNetworksAreReadAsCiliumTranslatesThem() {
    TestCluster c = houses().policy("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: egress}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {matchLabels: {conformance-house: slytherin}}}
          egress:
          - {action: Deny, to: [{networks: [203.0.113.0/24]}],
             protocols: [{tcp: {destinationPort: {number: 443}}}]}
          - {action: Accept, to: [{namespaces: {}}],
             protocols: [{tcp: {destinationPort: {range: {start: 8000, end: 8100}}}}]}
          - {action: Deny, to: [{namespaces: {}}]}
        """);
    String from = SLYTHERIN + "/draco";
    assertThat(c.trace(from, "203.0.113.9", 443).outcome()).isEqualTo(Outcome.DENIED);
    assertThat(c.trace(from, "203.0.113.9", 80).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace(from, "10.0.1.5", 8080).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace(from, "10.0.1.5", 8101).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void refusedObjectsAreNamedAndNotEnforced() {
    TestCluster c = houses().policy("""
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: to-nodes}
        spec:
          tier: Admin
          priority: 1
          subject: {namespaces: {}}
          egress:
          - {action: Deny, to: [{nodes: {matchLabels: {role: db}}}]}
          - {action: Deny, to: [{namespaces: {}}]}
        """);
    Verdict v = c.trace(SLYTHERIN + "/draco", "10.0.1.5", 80);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().notModelled()).containsExactly(
        "ClusterNetworkPolicy to-nodes: refused by the agent, not enforced (spec.egress[0].to[0]"
            + ".nodes: egress.to.nodes is not supported since node selector labels are disabled)");
  }

  @Test
  void inputTheApiServerRejectsIsBadInput() {
    TestCluster c = houses().policy(kcnp("bad", "Cluster", 1, HOUSE_G,
        rule("Deny", FROM_SLYTHERIN_NS)));
    assertThatThrownBy(c::engine).isInstanceOf(BadInputException.class)
        .hasMessageContaining("test.yaml:1: ClusterNetworkPolicy bad: spec.tier: \"Cluster\" is"
            + " not Admin or Baseline");
  }
}
