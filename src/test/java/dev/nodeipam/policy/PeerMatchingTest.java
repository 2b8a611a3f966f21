package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.PolicyRef;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sections 3 and 4: identities of destinations, and what each kind of peer matches. */
class PeerMatchingTest {
  private static TestCluster cluster(String policy) {
    TestCluster c =
        new TestCluster()
            .node("n1", "192.168.0.1")
            .node("n2", "192.168.0.2")
            .namespace("app", Map.of("team", "blue"))
            .namespace("db", Map.of("team", "red"))
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"), "robot", false)
            .pod("app/peer", "n2", "10.0.1.6", Map.of("app", "peer"), port("http", 8080))
            .pod("db/pg", "n2", "10.0.2.7", Map.of("app", "pg"), port("pg", 5432))
            .pod("kube-system/agent", "n2", "192.168.0.2", Map.of("app", "agent"), "default", true);
    return policy == null ? c : c.policy(policy);
  }

  private static final String EGRESS_IPBLOCK_ALL =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: to-anywhere, namespace: app}
      spec:
        podSelector: {matchLabels: {app: client}}
        policyTypes: [Egress]
        egress:
        - to:
          - ipBlock: {cidr: 0.0.0.0/0}
      """;

  @Test
  void ipBlockNeverMatchesAPod() {
    Verdict v = cluster(EGRESS_IPBLOCK_ALL).trace("app/client", "10.0.2.7", 5432);
    assertThat(v.destinations().get(0).identity().isPod()).isTrue();
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(133);
    assertThat(v.destinations().get(0).egress().notMatching().get(0).why()).contains("never a pod");
  }

  @Test
  void ipBlockNeverMatchesANodeUnlessCidrMatchModeIsNodes() {
    TestCluster c = cluster(EGRESS_IPBLOCK_ALL);
    Verdict v = c.trace("app/client", "192.168.0.2", 10250);
    assertThat(v.destinations().get(0).identity().name()).isEqualTo("remote-node");
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(
            c.trace("app/client", "192.168.0.2", 10250, "policy-cidr-match-mode", "nodes")
                .outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void ipBlockMatchesWorldInsideTheCidrAndOutsideEveryExcept() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: to-ten, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - ipBlock: {cidr: 172.16.0.0/12, except: [172.16.5.0/24]}
            """);
    assertThat(c.trace("app/client", "172.16.1.1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    Verdict excepted = c.trace("app/client", "172.16.5.9", 443);
    assertThat(excepted.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(excepted.destinations().get(0).egress().notMatching().get(0).why())
        .contains("except 172.16.5.0/24");
    assertThat(c.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void ownNodeAddressIsHostAndAnotherNodesIsRemoteNode() {
    TestCluster c = cluster(null);
    assertThat(c.trace("app/client", "192.168.0.1", 22).destinations().get(0).identity().name())
        .isEqualTo("host");
    assertThat(c.trace("app/client", "192.168.0.2", 22).destinations().get(0).identity().name())
        .isEqualTo("remote-node");
  }

  @Test
  void hostNetworkPodIsItsNodeNotAPodIdentity() {
    TestCluster c = cluster(null);
    Verdict v = c.trace("app/client", "192.168.0.2", 9100);
    assertThat(v.destinations().get(0).identity().isPod()).isFalse();
    assertThat(v.destinations().get(0).ingress().enforced()).isFalse();
    assertThat(c.engine().identityOf(c.pod("kube-system/agent"), c.settings()).name())
        .isEqualTo("host");
  }

  /** A policy, a destination app/client dials, and the outcome. */
  private record PeerCase(String name, String policy, String ip, int port, Outcome outcome) {
    @Override
    public String toString() {
      return name + ": " + ip + ":" + port + " " + outcome;
    }
  }

  private static final String CNP_TO_ANY_POD_HERE =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: to-any-pod-here, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        egress:
        - toEndpoints: [{}]
      """;

  private static final String CCNP_TO_ALL_PODS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: to-all-pods}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        egress:
        - toEndpoints: [{}]
      """;

  private static final String NP_TO_RED =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: to-red, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - to:
          - namespaceSelector: {matchLabels: {team: red}}
      """;

  private static final String NP_TO_ALL_NAMESPACES =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: to-all-ns, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - to:
          - namespaceSelector: {}
      """;

  private static final String NP_EGRESS_443 =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: egress-443, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - ports: [{port: 443}]
      """;

  private static String toEntities(String name, String selector, String entity) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: %s, namespace: app}
        spec:
          endpointSelector: %s
          egress:
          - toEntities: [%s]
        """
        .formatted(name, selector, entity);
  }

  static Stream<PeerCase> peerCases() {
    String cnp = "CNP endpointSelector without namespace is pinned to the policy's namespace";
    String ccnp = "CCNP endpointSelector without namespace means any namespace, but pods only";
    String red = "NetworkPolicy namespaceSelector matches namespace labels";
    String allNs = "NetworkPolicy empty namespaceSelector means all namespaces";
    String noTo = "NetworkPolicy rule without to matches everyone, world and host included";
    String cluster = "entity cluster is every pod, host and remote-node, not world";
    String all = "entity all is everything";
    String world = "entity world is no pod and no node";
    String host = "entity host and remote-node are distinct";
    String entityCluster = toEntities("in-cluster", "{matchLabels: {app: client}}", "cluster");
    String entityAll = toEntities("all", "{}", "all");
    String entityWorld = toEntities("world", "{}", "world");
    String entityHost = toEntities("host-only", "{}", "host");
    return Stream.of(
        new PeerCase(cnp, CNP_TO_ANY_POD_HERE, "10.0.1.6", 8080, Outcome.ALLOWED),
        new PeerCase(cnp, CNP_TO_ANY_POD_HERE, "10.0.2.7", 5432, Outcome.DENIED),
        new PeerCase(ccnp, CCNP_TO_ALL_PODS, "10.0.1.6", 8080, Outcome.ALLOWED),
        new PeerCase(ccnp, CCNP_TO_ALL_PODS, "10.0.2.7", 5432, Outcome.ALLOWED),
        new PeerCase(ccnp, CCNP_TO_ALL_PODS, "8.8.8.8", 443, Outcome.DENIED),
        new PeerCase(ccnp, CCNP_TO_ALL_PODS, "192.168.0.1", 22, Outcome.DENIED),
        new PeerCase(red, NP_TO_RED, "10.0.2.7", 5432, Outcome.ALLOWED),
        new PeerCase(red, NP_TO_RED, "10.0.1.6", 8080, Outcome.DENIED),
        new PeerCase(allNs, NP_TO_ALL_NAMESPACES, "10.0.2.7", 5432, Outcome.ALLOWED),
        new PeerCase(allNs, NP_TO_ALL_NAMESPACES, "8.8.8.8", 443, Outcome.DENIED),
        new PeerCase(noTo, NP_EGRESS_443, "8.8.8.8", 443, Outcome.ALLOWED),
        new PeerCase(noTo, NP_EGRESS_443, "192.168.0.1", 443, Outcome.ALLOWED),
        new PeerCase(noTo, NP_EGRESS_443, "10.0.2.7", 443, Outcome.ALLOWED),
        new PeerCase(noTo, NP_EGRESS_443, "8.8.8.8", 80, Outcome.DENIED),
        new PeerCase(cluster, entityCluster, "10.0.2.7", 5432, Outcome.ALLOWED),
        new PeerCase(cluster, entityCluster, "192.168.0.1", 22, Outcome.ALLOWED),
        new PeerCase(cluster, entityCluster, "192.168.0.2", 22, Outcome.ALLOWED),
        new PeerCase(cluster, entityCluster, "8.8.8.8", 443, Outcome.DENIED),
        new PeerCase(all, entityAll, "10.0.2.7", 1, Outcome.ALLOWED),
        new PeerCase(all, entityAll, "192.168.0.1", 1, Outcome.ALLOWED),
        new PeerCase(all, entityAll, "192.168.0.2", 1, Outcome.ALLOWED),
        new PeerCase(all, entityAll, "8.8.8.8", 1, Outcome.ALLOWED),
        new PeerCase(world, entityWorld, "8.8.8.8", 1, Outcome.ALLOWED),
        new PeerCase(world, entityWorld, "10.0.2.7", 1, Outcome.DENIED),
        new PeerCase(world, entityWorld, "192.168.0.2", 1, Outcome.DENIED),
        new PeerCase(host, entityHost, "192.168.0.1", 1, Outcome.ALLOWED),
        new PeerCase(host, entityHost, "192.168.0.2", 1, Outcome.DENIED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("peerCases")
  void whatEachKindOfPeerMatches(PeerCase c) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        c.toString(),
        () -> {
            assertThat(cluster(c.policy()).trace("app/client", c.ip(), c.port()).outcome())
                .isEqualTo(c.outcome());
        });
  }

  @Test
  void ccnpEndpointSelectorSelectsPodsOfEveryNamespace() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: lock-all}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [world]
            """);
    assertThat(c.engine().rulesSelecting(c.engine().identityOf(c.pod("db/pg"), c.settings())))
        .extracting(r -> r.policy().name())
        .containsExactly("lock-all");
    assertThat(c.trace("app/client", "10.0.1.6", 8080).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void k8sPrefixOnSelectorKeysIsOptionalAndMatchExpressionsWork() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: to-db, namespace: app}
            spec:
              endpointSelector: {matchLabels: {k8s:app: client}}
              egress:
              - toEndpoints:
                - matchLabels: {k8s:io.kubernetes.pod.namespace: db}
                  matchExpressions:
                  - {key: k8s:app, operator: In, values: [pg, mysql]}
                  - {key: tier, operator: DoesNotExist}
            """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().allowedBy())
        .extracting(PolicyRef::name)
        .containsExactly("to-db");
  }

  @Test
  void networkPolicyPodSelectorAloneMeansPodsOfThePolicysNamespace() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: to-pg, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to:
                - podSelector: {matchLabels: {app: pg}}
            """);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).egress().notMatching().get(0).why())
        .contains("(namespace app)")
        .contains("does not select pod db/pg");
  }

  @Test
  void serviceAccountAndClusterLabelsAreSelectable() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: robots-in}
            spec:
              endpointSelector: {matchLabels: {app: pg}}
              ingress:
              - fromEndpoints:
                - matchLabels:
                    io.cilium.k8s.policy.serviceaccount: robot
                    io.cilium.k8s.policy.cluster: prod
            """);
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cluster-name", "prod").outcome())
        .isEqualTo(Outcome.ALLOWED);
    Verdict other = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(other.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(other.destinations().get(0).ingress().dropReason()).isEqualTo(133);
  }

  @Test
  void hostNetworkClientIsSeenAsRemoteNodeByAReceiverOnAnotherNode() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: pg-from-nodes, namespace: db}
            spec:
              endpointSelector: {}
              ingress:
              - fromEntities: [remote-node]
            """);
    Verdict v = c.trace("kube-system/agent", "10.0.1.6", 8080);
    assertThat(v.destinations().get(0).egress().enforced()).isFalse();
    Verdict toPg =
        new TestCluster()
            .node("n1", "192.168.0.1")
            .node("n2", "192.168.0.2")
            .pod("kube-system/agent", "n1", "192.168.0.1", Map.of(), "default", true)
            .pod("db/pg", "n2", "10.0.2.7", Map.of("app", "pg"))
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: pg-from-nodes, namespace: db}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEntities: [remote-node]
                """)
            .trace("kube-system/agent", "10.0.2.7", 5432);
    assertThat(toPg.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void apiServerOnANodeIsRemoteNodePlusKubeApiserverAndOutsideTheClusterStillWorld() {
    String policy =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-apiserver, namespace: app}
        spec:
          endpointSelector: {}
          egress:
          - toEntities: [kube-apiserver]
        """;
    TestCluster onNode =
        cluster(policy)
            .slice("default/kubernetes", 6443, TestCluster.endpoint("192.168.0.2", null, true));
    Verdict v = onNode.trace("app/client", "192.168.0.2", 6443);
    assertThat(v.destinations().get(0).identity().name()).isEqualTo("remote-node");
    assertThat(v.destinations().get(0).identity().reserved()).contains("kube-apiserver");
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(onNode.trace("app/client", "192.168.0.1", 6443).outcome()).isEqualTo(Outcome.DENIED);

    TestCluster outside =
        cluster(policy)
            .slice("default/kubernetes", 443, TestCluster.endpoint("203.0.113.10", null, true));
    Verdict ext = outside.trace("app/client", "203.0.113.10", 443);
    assertThat(ext.destinations().get(0).identity().name()).isEqualTo("kube-apiserver");
    assertThat(ext.destinations().get(0).identity().isWorld()).isTrue();
    assertThat(ext.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void hostNetworkBackendsAreTheirNodeAndHaveNoEndpointIngressPolicy() {
    TestCluster c =
        new TestCluster()
            .node("n1", "192.168.0.1")
            .node("n2", "192.168.0.2")
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod(
                "ingress/edge",
                "n2",
                "192.168.0.2",
                Map.of("app", "edge"),
                "default",
                true,
                port("http", 80))
            .service(
                "ingress/edge",
                "10.96.0.80",
                Map.of("app", "edge"),
                List.of(),
                List.of(),
                TestCluster.servicePort(80, 80))
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: to-edge-pods, namespace: app}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: ingress}}]
                """);
    Verdict v = c.trace("app/client", "10.96.0.80", 80);
    assertThat(v.destinations())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.identity().name()).isEqualTo("remote-node");
              assertThat(d.ingress().enforced()).isFalse();
              assertThat(d.egress().notMatching().get(0).why()).contains("selects pods only");
            });
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
  }
}
