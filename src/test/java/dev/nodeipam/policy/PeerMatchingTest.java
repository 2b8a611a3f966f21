package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.PolicyRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void cnpEndpointSelectorWithoutNamespaceIsPinnedToThePolicysNamespace() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: to-any-pod-here, namespace: app}
            spec:
              endpointSelector: {matchLabels: {app: client}}
              egress:
              - toEndpoints: [{}]
            """);
    assertThat(c.trace("app/client", "10.0.1.6", 8080).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void ccnpEndpointSelectorWithoutNamespaceMeansAnyNamespaceButPodsOnly() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: to-all-pods}
            spec:
              endpointSelector: {matchLabels: {app: client}}
              egress:
              - toEndpoints: [{}]
            """);
    assertThat(c.trace("app/client", "10.0.1.6", 8080).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.DENIED);
    assertThat(c.trace("app/client", "192.168.0.1", 22).outcome()).isEqualTo(Outcome.DENIED);
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
  void networkPolicyNamespaceSelectorMatchesNamespaceLabelsAndEmptyMeansAllNamespaces() {
    TestCluster c =
        cluster(
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
            """);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.1.6", 8080).outcome()).isEqualTo(Outcome.DENIED);
    TestCluster all =
        cluster(
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
            """);
    assertThat(all.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(all.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.DENIED);
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
  void networkPolicyRuleWithoutToMatchesEveryoneIncludingWorldAndHost() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: egress-443, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: 443}]
            """);
    assertThat(c.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "192.168.0.1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 80).outcome()).isEqualTo(Outcome.DENIED);
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
  void entityClusterIsEveryPodAndHostAndRemoteNodeButNotWorld() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: in-cluster, namespace: app}
            spec:
              endpointSelector: {matchLabels: {app: client}}
              egress:
              - toEntities: [cluster]
            """);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "192.168.0.1", 22).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "192.168.0.2", 22).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void entityAllIsEverythingAndEntityWorldIsNoPodAndNoNode() {
    TestCluster all =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: all, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [all]
            """);
    for (String ip : new String[] {"10.0.2.7", "192.168.0.1", "192.168.0.2", "8.8.8.8"}) {
      assertThat(all.trace("app/client", ip, 1).outcome()).as(ip).isEqualTo(Outcome.ALLOWED);
    }
    TestCluster world =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: world, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [world]
            """);
    assertThat(world.trace("app/client", "8.8.8.8", 1).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(world.trace("app/client", "10.0.2.7", 1).outcome()).isEqualTo(Outcome.DENIED);
    assertThat(world.trace("app/client", "192.168.0.2", 1).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void entityHostAndRemoteNodeAreDistinct() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: host-only, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [host]
            """);
    assertThat(c.trace("app/client", "192.168.0.1", 1).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "192.168.0.2", 1).outcome()).isEqualTo(Outcome.DENIED);
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
                java.util.List.of(),
                java.util.List.of(),
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
