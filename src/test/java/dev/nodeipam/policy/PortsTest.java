package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

  /** A policy, a flow from app/client (under settings) and the outcome. */
  private record PortCase(
      String name,
      String policy,
      String ip,
      int port,
      Protocol protocol,
      String[] settings,
      Outcome outcome) {
    @Override
    public String toString() {
      return name + ": " + ip + ":" + port + "/" + protocol + " " + outcome;
    }
  }

  private static final String NP_RANGE =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: range, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - ports: [{port: 5000, endPort: 5432}]
      """;

  private static final String CNP_RANGE =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: range, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toPorts: [{ports: [{port: "8000", endPort: 8100, protocol: TCP}]}]
      """;

  private static final String NP_NAMED =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: named, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - ports: [{port: pg}]
      """;

  private static final String CNP_METRICS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: metrics, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toPorts: [{ports: [{port: metrics}]}]
      """;

  private static final String NP_DNS =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: dns, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - ports: [{port: 53}]
      """;

  private static final String CNP_DNS_ANY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: dns, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toPorts: [{ports: [{port: "53", protocol: ANY}, {port: "54"}]}]
      """;

  private static final String CNP_ALL_TCP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: all-tcp, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toEntities: [world]
          toPorts: [{ports: [{port: "0", protocol: TCP}]}]
      """;

  static Stream<PortCase> portCases() {
    String[] none = {};
    // Per destination identity from Cilium 1.20 (cilium/cilium#44429; EgressNamedPortsTest has
    // the older agents' cluster-wide resolution).
    String[] v120 = {"cilium-version", "1.20"};
    String range = "NetworkPolicy endPort covers the range inclusive";
    String cnpRange = "CNP endPort covers the range";
    String named = "a named port resolves on the destination pod's container ports";
    String metrics = "a named port must match the protocol of the container port";
    String tcp = "a NetworkPolicy port without protocol is TCP";
    // The agent expands ANY into TCP, UDP and SCTP entries (mergeIngress/mergeEgress,
    // pkg/policy/rule.go: mergeIngressPortProto for api.ProtoTCP, ProtoUDP and ProtoSCTP).
    String any = "CNP protocol ANY or absent covers TCP, UDP and SCTP";
    String zero = "CNP port 0 means every port";
    Stream.Builder<PortCase> cases = Stream.builder();
    cases.add(new PortCase(range, NP_RANGE, "10.0.2.7", 5000, Protocol.TCP, none, Outcome.ALLOWED))
        .add(new PortCase(range, NP_RANGE, "10.0.2.7", 5432, Protocol.TCP, none, Outcome.ALLOWED))
        .add(new PortCase(range, NP_RANGE, "10.0.2.7", 5433, Protocol.TCP, none, Outcome.DENIED))
        .add(new PortCase(cnpRange, CNP_RANGE, "8.8.8.8", 8050, Protocol.TCP, none,
            Outcome.ALLOWED))
        .add(new PortCase(cnpRange, CNP_RANGE, "8.8.8.8", 8101, Protocol.TCP, none,
            Outcome.DENIED))
        .add(new PortCase(named, NP_NAMED, "10.0.2.7", 5432, Protocol.TCP, v120, Outcome.ALLOWED))
        .add(new PortCase(named, NP_NAMED, "10.0.2.7", 5433, Protocol.TCP, v120, Outcome.DENIED))
        // A world destination declares no ports: the name never matches.
        .add(new PortCase(named + " (a world destination has none)", NP_NAMED, "8.8.8.8", 5432,
            Protocol.TCP, v120, Outcome.DENIED))
        .add(new PortCase(metrics, CNP_METRICS, "10.0.2.7", 9187, Protocol.UDP, none,
            Outcome.ALLOWED))
        .add(new PortCase(metrics, CNP_METRICS, "10.0.2.7", 9187, Protocol.TCP, none,
            Outcome.DENIED))
        .add(new PortCase(tcp, NP_DNS, "8.8.8.8", 53, Protocol.TCP, none, Outcome.ALLOWED))
        .add(new PortCase(tcp, NP_DNS, "8.8.8.8", 53, Protocol.UDP, none, Outcome.DENIED));
    for (int p : new int[] {53, 54}) {
      cases.add(new PortCase(any, CNP_DNS_ANY, "8.8.8.8", p, Protocol.TCP, none, Outcome.ALLOWED))
          .add(new PortCase(any, CNP_DNS_ANY, "8.8.8.8", p, Protocol.UDP, none, Outcome.ALLOWED))
          .add(new PortCase(any, CNP_DNS_ANY, "8.8.8.8", p, Protocol.SCTP, none,
              Outcome.ALLOWED));
    }
    cases.add(new PortCase(zero, CNP_ALL_TCP, "8.8.8.8", 1, Protocol.TCP, none, Outcome.ALLOWED))
        .add(new PortCase(zero, CNP_ALL_TCP, "8.8.8.8", 65535, Protocol.TCP, none,
            Outcome.ALLOWED))
        .add(new PortCase(zero, CNP_ALL_TCP, "8.8.8.8", 53, Protocol.UDP, none, Outcome.DENIED));
    return cases.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("portCases")
  void portClauses(PortCase c) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        c.toString(),
        () -> {
            assertThat(cluster(c.policy()).trace("app/client", c.ip(), c.port(), c.protocol(),
                    c.settings()).outcome())
                .isEqualTo(c.outcome());
        });
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
                List.of(),
                List.of(),
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
