package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Peer selectors are matched against every identity, reserved ones included, with the terms the
 * agent adds by release: {@code getEndpointSelector} and {@code addClusterFilterByDefault} in
 * {@code pkg/k8s/apis/cilium.io/utils/utils.go} (cases of {@code Test_ParseToCiliumRule} in its
 * {@code utils_test.go}: parse-in-namespace, set-any-source-for-namespace,
 * parse-in-namespace-with-ns-labels-selector, wildcard-to-from-endpoints-with-ccnp,
 * set-cluster-by-default), {@code parseNetworkPolicyPeer} in {@code pkg/k8s/network_policy.go},
 * reserved identities' labels in {@code pkg/identity/numericidentity.go}.
 */
class SelectorScopeTest {
  private static TestCluster cluster(String policy) {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .node("n2", "192.168.0.2")
        .namespace("app", Map.of("team", "blue"))
        .namespace("db", Map.of("team", "red"))
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"), port("http", 80))
        .pod("app/peer", "n2", "10.0.1.6", Map.of("app", "peer"), port("http", 8080))
        .pod("db/pg", "n2", "10.0.2.7", Map.of("app", "pg"), port("pg", 5432))
        .pod("kube-system/agent", "n2", "192.168.0.2", Map.of("app", "agent"), "default", true)
        .policy(policy);
  }

  private static String cnpTo(String kind, String selector) {
    return """
        apiVersion: cilium.io/v2
        kind: %s
        metadata: {name: to-peers%s}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toEndpoints: [%s]
        """.formatted(kind, kind.equals("CiliumNetworkPolicy") ? ", namespace: app" : "",
        selector);
  }

  private static String npTo(String peer) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: to-peers, namespace: app}
        spec:
          podSelector: {matchLabels: {app: client}}
          policyTypes: [Egress]
          egress:
          - to: [%s]
        """.formatted(peer);
  }

  private static final String CNP = "CiliumNetworkPolicy";
  private static final String CCNP = "CiliumClusterwideNetworkPolicy";
  private static final String NS_NOT_IN =
      "{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn,"
          + " values: [kube-system]}]}";
  private static final String NO_TIER = "{matchExpressions: [{key: tier, operator: DoesNotExist}]}";
  private static final String TEAM_RED =
      "{matchLabels: {io.cilium.k8s.namespace.labels.team: red}}";
  private static final String NP_NS_NOT_IN =
      "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name,"
          + " operator: NotIn, values: [kube-system]}]}}";
  private static final String NP_NS_AND_CLUSTER_NOT_IN =
      "{namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name,"
          + " operator: NotIn, values: [kube-system]}]}, podSelector: {matchExpressions:"
          + " [{key: io.cilium.k8s.policy.cluster, operator: NotIn, values: [other]}]}}";

  /**
   * A policy, the release (and settings), a destination app/client dials, the outcome, and the
   * Cilium source the row follows.
   */
  private record Row(String policy, String version, String[] set, String ip, int port,
      Outcome outcome, String source) {
    @Override
    public String toString() {
      return source + " @" + version + (set.length > 0 ? " " + String.join("=", set) : "")
          + ": " + ip + ":" + port + " " + outcome;
    }
  }

  private static Row row(String policy, String version, String ip, int port, Outcome o,
      String source, String... set) {
    return new Row(policy, version, set, ip, port, o, source);
  }

  static Stream<Row> rows() {
    String world = "8.8.8.8";
    String host = "192.168.0.1";
    String remote = "192.168.0.2";
    String pg = "10.0.2.7";
    String peer = "10.0.1.6";
    String local = "policy-default-local-cluster";
    // A namespace key (any operator) stops the namespace term; NotIn is true where the key is
    // absent, so reserved identities match until the cluster term of 1.19 keeps them out
    // (utils.go getEndpointSelector; set-any-source-for-namespace; cilium/cilium#40609).
    String nsKey = "CNP peer with a namespace NotIn: no namespace term";
    String cnpNotIn = cnpTo(CNP, NS_NOT_IN);
    // A CNP peer without a namespace key is pinned (parse-in-namespace): never reserved.
    String pinned = "CNP peer without namespace key: pinned to the policy's namespace";
    String cnpNoTier = cnpTo(CNP, NO_TIER);
    // A CCNP peer without a namespace key gets "namespace Exists"
    // (wildcard-to-from-endpoints-with-ccnp): all pods, no reserved identity.
    String ccnpWild = "CCNP peer: io.kubernetes.pod.namespace Exists added";
    String ccnpNotIn = "CCNP peer with namespace NotIn: no Exists term";
    // Namespace labels in a CNP peer: pinned before 1.18, not from 1.18
    // (parse-in-namespace-with-ns-labels-selector; cilium/cilium#18865, #30149 before).
    String nsLabels = "CNP peer on namespace labels";
    // K8s NetworkPolicy: only an empty namespaceSelector gets "namespace Exists"; a negative-only
    // one matches reserved identities (cilium/cilium#46949, cases 1 and 2).
    String npNotIn = "NP negative-only namespaceSelector (cilium/cilium#46949 case 1)";
    String npBoth = "NP negative namespace and cluster selectors (cilium/cilium#46949 case 2)";
    // A reserved: key leaves the selector as written (cilium/cilium#862): reserved identities.
    String reserved = "CNP peer on a reserved: label";
    String cnpHost = cnpTo(CNP, "{matchLabels: {reserved:host: \"\"}}");
    return Stream.of(
        row(cnpNotIn, "1.14", world, 443, Outcome.ALLOWED, nsKey),
        row(cnpNotIn, "1.17", remote, 10250, Outcome.ALLOWED, nsKey),
        row(cnpNotIn, "1.17", world, 443, Outcome.ALLOWED, nsKey + ", option not in 1.17",
            local, "true"),
        row(cnpNotIn, "1.18", world, 443, Outcome.ALLOWED, nsKey + ", 1.18 default off"),
        row(cnpNotIn, "1.18", world, 443, Outcome.DENIED, nsKey + ", 1.18 opt-in (#39338)",
            local, "true"),
        row(cnpNotIn, "1.19", world, 443, Outcome.DENIED, nsKey + ", 1.19 default on"),
        row(cnpNotIn, "1.19", host, 22, Outcome.DENIED, nsKey + ", 1.19 default on"),
        row(cnpNotIn, "1.19", world, 443, Outcome.ALLOWED, nsKey + ", 1.19 opted out",
            local, "false"),
        row(cnpNotIn, "1.19", pg, 5432, Outcome.ALLOWED, nsKey),
        row(cnpNoTier, "1.14", world, 443, Outcome.DENIED, pinned),
        row(cnpNoTier, "1.14", peer, 8080, Outcome.ALLOWED, pinned),
        row(cnpNoTier, "1.14", pg, 5432, Outcome.DENIED, pinned),
        row(cnpTo(CNP, "{}"), "1.19", remote, 10250, Outcome.DENIED, pinned),
        row(cnpTo(CCNP, "{}"), "1.14", world, 443, Outcome.DENIED, ccnpWild),
        row(cnpTo(CCNP, "{}"), "1.14", host, 22, Outcome.DENIED, ccnpWild),
        row(cnpTo(CCNP, "{}"), "1.14", pg, 5432, Outcome.ALLOWED, ccnpWild),
        row(cnpTo(CCNP, NS_NOT_IN), "1.16", world, 443, Outcome.ALLOWED, ccnpNotIn),
        row(cnpTo(CCNP, NS_NOT_IN), "1.19", world, 443, Outcome.DENIED, ccnpNotIn),
        row(cnpTo(CNP, TEAM_RED), "1.15", pg, 5432, Outcome.DENIED, nsLabels + ": pinned"),
        row(cnpTo(CNP, TEAM_RED), "1.17", pg, 5432, Outcome.DENIED, nsLabels + ": pinned"),
        row(cnpTo(CNP, TEAM_RED), "1.18", pg, 5432, Outcome.ALLOWED, nsLabels + ": not pinned"),
        row(cnpTo(CNP, TEAM_RED), "1.19", pg, 5432, Outcome.ALLOWED, nsLabels + ": not pinned"),
        row(cnpTo(CNP, TEAM_RED), "1.19", world, 443, Outcome.DENIED, nsLabels + ": positive"),
        row(cnpTo(CCNP, TEAM_RED), "1.14", pg, 5432, Outcome.ALLOWED, nsLabels + " in a CCNP"),
        row(npTo(NP_NS_NOT_IN), "1.18", world, 443, Outcome.ALLOWED, npNotIn),
        row(npTo(NP_NS_NOT_IN), "1.18", remote, 10250, Outcome.ALLOWED, npNotIn),
        row(npTo(NP_NS_NOT_IN), "1.19", world, 443, Outcome.DENIED, npNotIn),
        row(npTo(NP_NS_NOT_IN), "1.19", pg, 5432, Outcome.ALLOWED, npNotIn),
        row(npTo(NP_NS_NOT_IN), "1.19", world, 443, Outcome.ALLOWED, npNotIn, local, "false"),
        row(npTo(NP_NS_AND_CLUSTER_NOT_IN), "1.19", world, 443, Outcome.ALLOWED, npBoth),
        row(npTo("{namespaceSelector: {}}"), "1.14", world, 443, Outcome.DENIED,
            "NP empty namespaceSelector: namespace Exists"),
        row(cnpHost, "1.19", host, 22, Outcome.ALLOWED, reserved),
        row(cnpHost, "1.19", remote, 22, Outcome.DENIED, reserved));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void peerSelectorsMatchIdentitiesWithTheTermsOfTheRelease(Row r) {
    String[] set = new String[r.set().length + 2];
    set[0] = "cilium-version";
    set[1] = r.version();
    System.arraycopy(r.set(), 0, set, 2, r.set().length);
    // The row heads any failure: the XML report shows only its index.
    assertAll(r.toString(), () -> assertThat(
        cluster(r.policy()).trace("app/client", r.ip(), r.port(), set).outcome())
        .isEqualTo(r.outcome()));
  }

  @Test
  void aReceiverSeesAHostNetworkClientAsRemoteNodeWhichANegativeOnlyPeerSelectsBefore119() {
    String policy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: from-not-kube-system, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          ingress:
          - fromEndpoints: [%s]
        """.formatted(NS_NOT_IN);
    TestCluster c = cluster(policy);
    assertThat(c.trace("kube-system/agent", "10.0.1.5", 80, "cilium-version", "1.18").outcome())
        .isEqualTo(Outcome.ALLOWED);
    Verdict v = c.trace("kube-system/agent", "10.0.1.5", 80, "cilium-version", "1.19");
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).ingress().notMatching().get(0).why())
        .contains("policy-default-local-cluster adds io.cilium.k8s.policy.cluster=default")
        .contains("remote-node carries no cluster label");
  }

  @Test
  void theNamespaceLabelPinIsNamedWithItsRelease() {
    Verdict v = cluster(cnpTo(CNP, TEAM_RED)).trace("app/client", "10.0.2.7", 5432,
        "cilium-version", "1.17");
    assertThat(v.destinations().get(0).egress().notMatching().get(0).why())
        .contains("(namespace app before Cilium 1.18)")
        .contains("adds io.kubernetes.pod.namespace=app");
  }

  @Test
  void theDatapathSettingsShowTheClusterTermWithItsReleaseDefault() {
    TestCluster c = cluster(cnpTo(CNP, "{}"));
    assertThat(c.settings("cilium-version", "1.19").policyDefaultLocalCluster()).isTrue();
    assertThat(c.settings("cilium-version", "1.18").policyDefaultLocalCluster()).isFalse();
    assertThat(c.settings("cilium-version", "1.17", "policy-default-local-cluster", "true")
        .settings().get("policy-default-local-cluster").from())
        .contains("ignored: no such option before Cilium 1.18");
    assertThat(c.settings("cilium-version", "1.19").settings()
        .get("policy-default-local-cluster").from()).contains("cilium/cilium#40609");
  }
}
