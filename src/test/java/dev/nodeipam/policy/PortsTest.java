package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Port clauses: ranges, names, protocols, port 0. */
class PortsTest {
  private static TestCluster cluster(String policy) {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod(
            "db/pg",
            "n1",
            "10.0.2.7",
            Map.of("app", "pg"),
            port("pg", 5432),
            new Pod.ContainerPort("metrics", 9187, "UDP"))
        .policy(policy);
  }

  @Test
  void networkPolicyEndPortCoversTheRangeInclusive() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: range, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: 5000, endPort: 5432}]
            """);
    assertThat(c.trace("app/client", "10.0.2.7", 5000).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 5432).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 5433).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void cnpEndPortCoversTheRange() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: range, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toPorts: [{ports: [{port: "8000", endPort: 8100, protocol: TCP}]}]
            """);
    assertThat(c.trace("app/client", "8.8.8.8", 8050).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 8101).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void namedPortResolvesOnTheDestinationPodsContainerPorts() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: named, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: pg}]
            """);
    // Per destination identity from Cilium 1.20 (cilium/cilium#44429; EgressNamedPortsTest has
    // the older agents' cluster-wide resolution).
    String[] v120 = {"cilium-version", "1.20"};
    assertThat(c.trace("app/client", "10.0.2.7", 5432, v120).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 5433, v120).outcome())
        .isEqualTo(Outcome.DENIED);
    // A world destination declares no ports: the name never matches.
    assertThat(c.trace("app/client", "8.8.8.8", 5432, v120).outcome())
        .isEqualTo(Outcome.DENIED);
  }

  @Test
  void namedPortMustMatchTheProtocolOfTheContainerPort() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: metrics, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toPorts: [{ports: [{port: metrics}]}]
            """);
    assertThat(c.trace("app/client", "10.0.2.7", 9187, Protocol.UDP).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "10.0.2.7", 9187, Protocol.TCP).outcome())
        .isEqualTo(Outcome.DENIED);
  }

  @Test
  void networkPolicyPortWithoutProtocolIsTcp() {
    TestCluster c =
        cluster(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: dns, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: 53}]
            """);
    assertThat(c.trace("app/client", "8.8.8.8", 53, Protocol.TCP).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 53, Protocol.UDP).outcome())
        .isEqualTo(Outcome.DENIED);
  }

  @Test
  void cnpProtocolAnyOrAbsentCoversTcpAndUdpButNotSctp() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: dns, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toPorts: [{ports: [{port: "53", protocol: ANY}, {port: "54"}]}]
            """);
    for (int p : new int[] {53, 54}) {
      assertThat(c.trace("app/client", "8.8.8.8", p, Protocol.TCP).outcome())
          .isEqualTo(Outcome.ALLOWED);
      assertThat(c.trace("app/client", "8.8.8.8", p, Protocol.UDP).outcome())
          .isEqualTo(Outcome.ALLOWED);
      assertThat(c.trace("app/client", "8.8.8.8", p, Protocol.SCTP).outcome())
          .isEqualTo(Outcome.DENIED);
    }
  }

  @Test
  void cnpPortZeroMeansEveryPort() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: all-tcp, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [world]
                toPorts: [{ports: [{port: "0", protocol: TCP}]}]
            """);
    assertThat(c.trace("app/client", "8.8.8.8", 1).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 65535).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "8.8.8.8", 53, Protocol.UDP).outcome())
        .isEqualTo(Outcome.DENIED);
  }

  @Test
  void portsAreJudgedOnTheTargetPortAfterTranslation() {
    TestCluster c =
        new TestCluster()
            .node("n1", "192.168.0.1")
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .service(
                "web/web",
                "10.96.0.20",
                Map.of("app", "web"),
                java.util.List.of(),
                java.util.List.of(),
                TestCluster.servicePort(80, 8080))
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: to-web-80, namespace: app}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: web}}]
                    toPorts: [{ports: [{port: "80", protocol: TCP}]}]
                """);
    var v = c.trace("app/client", "10.96.0.20", 80);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).egress().notMatching().get(0).why())
        .contains("the Service port 80 is translated to targetPort 8080");
  }
}
