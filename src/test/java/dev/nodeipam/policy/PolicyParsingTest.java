package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.snapshot.BadInputException;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading policies: invalid input is an error naming the source; unsupported input is named. */
class PolicyParsingTest {
  private static TestCluster with(String policy) {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .policy(policy);
  }

  private static void assertBad(String policy, String... fragments) {
    assertThatThrownBy(() -> with(policy).engine())
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("test.yaml:1: ")
        .hasMessageContainingAll(fragments);
  }

  /** An invalid policy and the fragments its one error message must name. */
  private record BadPolicy(String name, String yaml, String[] fragments) {
    static BadPolicy of(String name, String yaml, String... fragments) {
      return new BadPolicy(name, yaml, fragments);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadPolicy> badPolicies() {
    return Stream.of(
        BadPolicy.of(
            "a bad CIDR names the source, the policy and the field",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              podSelector: {}
              egress:
              - to: [{ipBlock: {cidr: 300.0.0.0/8}}]
            """,
            "NetworkPolicy app/p", "spec.egress[0].to[0].ipBlock.cidr", "300.0.0.0/8"),
        BadPolicy.of(
            "an except outside the CIDR",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]
            """,
            "toCIDRSet[0].except[0]", "not inside 10.0.0.0/8"),
        BadPolicy.of(
            "a bad selector operator",
            """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: p}
            spec:
              endpointSelector:
                matchExpressions: [{key: app, operator: Like, values: [x]}]
            """,
            "CiliumClusterwideNetworkPolicy p",
            "\"Like\" is not In, NotIn, Exists or DoesNotExist"),
        BadPolicy.of(
            "a port above 65535",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: 70000}]
            """,
            "spec.ingress[0].ports[0].port", "70000"),
        BadPolicy.of(
            "an endPort below the port",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              endpointSelector: {}
              ingress:
              - toPorts: [{ports: [{port: "80", endPort: 70}]}]
            """,
            "endPort 70 is below port 80"),
        BadPolicy.of(
            "an ICMP port protocol",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              endpointSelector: {}
              ingress:
              - toPorts: [{ports: [{port: "80", protocol: ICMP}]}]
            """,
            "\"ICMP\" is not TCP, UDP, SCTP or ANY"),
        BadPolicy.of(
            "a port name that is no name",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              endpointSelector: {}
              ingress:
              - toPorts: [{ports: [{port: "Not_A_Name"}]}]
            """,
            "neither a port number nor a valid port name"),
        BadPolicy.of(
            "an unknown entity",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [internet]
            """,
            "\"internet\" is not a Cilium entity"),
        BadPolicy.of(
            "a CiliumNetworkPolicy without spec or specs",
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: app}
            """,
            "neither spec nor specs"),
        BadPolicy.of(
            "a NetworkPolicy peer without a selector or ipBlock",
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: app}
            spec:
              podSelector: {}
              ingress:
              - from: [{}]
            """,
            "needs podSelector, namespaceSelector or ipBlock"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badPolicies")
  void invalidPolicyIsBadInputNamingTheSourceThePolicyAndTheField(BadPolicy bad) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        bad.toString(),
        () -> {
            assertBad(bad.yaml(), bad.fragments());
        });
  }

  @Test
  void unsupportedConstructsAreParsedAndReportedAsNotModelled() {
    TestCluster c =
        with(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: mixed, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toFQDNs: [{matchName: api.example.com}]
                toPorts: [{ports: [{port: "443"}]}]
              - toServices: [{k8sService: {serviceName: api, namespace: app}}]
              - toNodes: [{matchLabels: {role: edge}}]
              - toGroups: [{aws: {securityGroupsIds: [sg-1]}}]
              - toEntities: [world]
                toPorts:
                - ports: [{port: "80", protocol: TCP}]
                  rules: {http: [{method: GET}]}
              - icmps: [{fields: [{type: 8}]}]
              - toEndpoints: [{}]
                toRequires: [{matchLabels: {env: prod}}]
            """);
    Rule rule = c.engine().rules().get(0);
    assertThat(rule.allows(Direction.EGRESS)).hasSize(7);
    Verdict v = c.trace("app/client", "8.8.8.8", 80);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().notModelled())
        .anyMatch(n -> n.contains("toFQDNs") && n.contains("no DNS answer given"))
        .anyMatch(n -> n.contains("toServices"))
        .anyMatch(n -> n.contains("toNodes"))
        .anyMatch(n -> n.contains("toGroups"))
        .anyMatch(n -> n.contains("rules: L7 rules not modelled"))
        .anyMatch(n -> n.contains("icmps: ICMP not modelled"))
        .anyMatch(n -> n.contains("toRequires"));
    // The FQDN entry's peers match nothing: 443 to the world is not allowed by it.
    assertThat(c.trace("app/client", "8.8.8.8", 443).outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void hostPoliciesAreParsedButNotAppliedToPodsAndSaySo() {
    TestCluster c =
        with(
            """
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: host-fw}
            spec:
              nodeSelector: {}
              ingress:
              - fromEntities: [cluster]
            """);
    Rule rule = c.engine().rules().get(0);
    assertThat(rule.appliesToPods()).isFalse();
    assertThat(rule.notModelled()).anyMatch(n -> n.contains("host policy"));
    assertThat(c.trace("app/client", "8.8.8.8", 80).outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void lazyEngineReadsOnlyTheNamespacesAFlowInvolvesWhileTheFullEngineValidatesAll() {
    TestCluster c =
        with(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: broken, namespace: elsewhere}
            spec:
              podSelector: {}
              ingress:
              - ports: [{port: 0}]
            """);
    PolicyEngine lazy = PolicyEngine.lazy(c.snapshot());
    Verdict v =
        lazy.verdict(
            c.flow("app/client", "8.8.8.8", 443, Protocol.TCP), lazy.settings(Map.of()));
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThatThrownBy(lazy::rules)
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("NetworkPolicy elsewhere/broken");
    assertThatThrownBy(() -> PolicyEngine.of(c.snapshot())).isInstanceOf(BadInputException.class);
  }
}
