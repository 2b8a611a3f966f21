package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.RejectionReason;
import dev.nodeipam.render.TraceRenderer;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A policy the agent rejects is not evaluated at all (section 9 of the policy model); what the
 * agent accepts with a defined meaning is evaluated with that meaning; an empty peer list is not
 * a missing one.
 */
class RejectedPolicyVerdictTest {
  private static TestCluster cluster(String... policies) {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"), TestCluster.port("pg", 5432));
    for (String p : policies) {
      c.policy(p);
    }
    return c;
  }

  /** The training repository's invalid-policy.yaml, in shape: one entry, two peer kinds. */
  private static final String INVALID =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: invalid, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db}}]
          toEntities: [kube-apiserver]
      """;

  private static final String DENY_COMBINED =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: deny, namespace: app}
      spec:
        endpointSelector: {}
        egressDeny:
        - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db}}]
          toEntities: [world]
      """;

  @Test
  void aRejectedPolicyPutsNothingInDefaultDenyAndTraceNamesIt() {
    TestCluster c = cluster(INVALID);
    Verdict v = c.trace("app/client", "8.8.8.8", 443);
    // Evaluated, the policy would put app/client's egress in default deny and drop this flow.
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    var egress = v.destinations().get(0).egress();
    assertThat(egress.defaultDeny()).isFalse();
    assertThat(egress.rejected()).singleElement()
        .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectionReason.PEER_KINDS_COMBINED));
    String text = TraceRenderer.text(v, c.engine().verdictAsAddress(
        c.flow("app/client", "8.8.8.8", 443, Protocol.TCP), c.settings()),
        IdentityTrap.NONE, null).replaceAll("\\s+", " ");
    assertThat(text).contains("not enforced: CiliumNetworkPolicy app/invalid")
        .contains("the agent rejects it: Invalid CiliumNetworkPolicy spec: combining ToEndpoints")
        .contains("ToEntities is not supported yet (at spec.egress[0])");
    assertThat(c.engine().rules(c.settings())).isEmpty();
    assertThat(c.engine().rejections(c.settings())).hasSize(1);
  }

  /** A deny entry combining peer kinds: enforced up to 1.16, rejected with its policy from 1.17. */
  static Stream<Object[]> denyByRelease() {
    return Stream.of(new Object[] {"1.16", Outcome.DENIED}, new Object[] {"1.17", Outcome.ALLOWED},
        new Object[] {"1.20", Outcome.ALLOWED});
  }

  @ParameterizedTest(name = "Cilium {0}: {1} (cilium/cilium#36598)")
  @MethodSource("denyByRelease")
  void denySectionsAreValidatedFrom117(String version, Outcome outcome) {
    TestCluster c = cluster(DENY_COMBINED);
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", version).outcome())
        .isEqualTo(outcome);
  }

  private static final String EMPTY_BESIDE_WORLD =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: empty-list, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toEndpoints: []
          toEntities: [world]
      """;

  private static final String MISSING_BESIDE_WORLD =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: missing-list, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toEntities: [world]
      """;

  private static final String NP_EMPTY_TYPES =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: empty-types, namespace: db}
      spec:
        podSelector: {}
        policyTypes: []
      """;

  private static final String NP_EMPTY_FROM =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: empty-from, namespace: db}
      spec:
        podSelector: {}
        ingress: [{from: []}]
      """;

  private static final String NP_NO_FROM =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: no-from, namespace: db}
      spec:
        podSelector: {}
        ingress: [{}]
      """;

  private static final String NP_EMPTY_INGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: empty-ingress, namespace: db}
      spec:
        podSelector: {}
        ingress: []
      """;

  /** A policy, a flow from app/client, the outcome and why (the source followed). */
  record EmptyCase(String name, String policy, String ip, int port, Outcome outcome) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<EmptyCase> emptyVersusMissing() {
    return Stream.of(
        // mergeEndpointSelectors (pkg/policy/utils): "Explicitly check for empty non-nil
        // slices, it should not result in any identity being selected".
        new EmptyCase("CNP toEndpoints: [] beside toEntities world selects no peer",
            EMPTY_BESIDE_WORLD, "8.8.8.8", 443, Outcome.DENIED),
        new EmptyCase("CNP toEndpoints missing beside toEntities world selects world",
            MISSING_BESIDE_WORLD, "8.8.8.8", 443, Outcome.ALLOWED),
        // SetDefaults_NetworkPolicy (pkg/apis/networking/v1/defaults.go) tests
        // len(PolicyTypes) == 0: an empty list is defaulted to Ingress like a missing one.
        new EmptyCase("NetworkPolicy policyTypes: [] is defaulted to Ingress", NP_EMPTY_TYPES,
            "10.0.2.7", 5432, Outcome.DENIED),
        // NetworkPolicyIngressRule.From: "If this field is empty or missing, this rule matches
        // all sources"; Cilium's parser reads both as the wildcard selector.
        new EmptyCase("NetworkPolicy from: [] matches every source", NP_EMPTY_FROM, "10.0.2.7",
            5432, Outcome.ALLOWED),
        new EmptyCase("NetworkPolicy without from matches every source", NP_NO_FROM, "10.0.2.7",
            5432, Outcome.ALLOWED),
        new EmptyCase("NetworkPolicy ingress: [] allows nothing (default deny)",
            NP_EMPTY_INGRESS, "10.0.2.7", 5432, Outcome.DENIED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emptyVersusMissing")
  void anEmptyListIsNotAMissingOne(EmptyCase c) {
    assertAll(c.toString(), () -> assertThat(cluster(c.policy())
        .trace("app/client", c.ip(), c.port()).outcome()).isEqualTo(c.outcome()));
  }

  @Test
  void whatTheAgentAcceptsWithAMeaningIsEvaluatedWithIt() {
    // pkg/iana IsSvcName takes any case and the agent lower-cases it; strconv.ParseUint(port,
    // 0, 16) reads "010" as octal 8.
    String cnp =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: ports, namespace: app}
        spec:
          endpointSelector: {}
          egress:
          - toPorts: [{ports: [{port: PG, protocol: TCP}, {port: '010', protocol: TCP}]}]
        """;
    TestCluster c = cluster(cnp);
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", "1.20").outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 8).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 10).outcome()).isEqualTo(Outcome.DENIED);
  }
}
