package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code policy-cidr-match-mode=pods} (Cilium 1.20, documented in cilium/cilium#47227's {@code
 * Documentation/security/policy/layer3.rst}: "By default, CIDR-based selectors do not match
 * in-cluster entities (pods or nodes)"): with {@code pods} a CIDR selector also matches the pods
 * whose addresses it holds; by default and with {@code nodes} (cilium/cilium#27464) it does not.
 */
class CidrMatchPodsTest {
  private static final String POLICY = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: to-db-range, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        egress:
        - toCIDR: [10.0.2.0/24]
          toPorts: [{ports: [{port: "5432", protocol: TCP}]}]
      """;

  static Stream<Arguments> modes() {
    return Stream.of(
        Arguments.of("default: a CIDR never matches a pod", "", "10.0.2.7", Outcome.DENIED),
        Arguments.of("nodes: still no pod", "nodes", "10.0.2.7", Outcome.DENIED),
        Arguments.of("pods: the pod inside the range", "pods", "10.0.2.7", Outcome.ALLOWED),
        Arguments.of("nodes,pods: the pod inside the range", "nodes,pods", "10.0.2.7",
            Outcome.ALLOWED),
        Arguments.of("pods: a pod outside the range", "pods", "10.0.3.9", Outcome.DENIED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modes")
  void aCidrMatchesPodsOnlyInPodsMode(String name, String mode, String to, Outcome outcome) {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"))
        .pod("db/other", "n1", "10.0.3.9", Map.of("app", "other"))
        .policy(POLICY);
    Verdict v = c.trace("app/client", to, 5432, "cilium-version", "1.20",
        "policy-cidr-match-mode", mode);
    assertThat(v.outcome()).isEqualTo(outcome);
    if (outcome == Outcome.DENIED) {
      assertThat(v.destinations().get(0).egress().notMatching().toString())
          .contains(mode.contains("pods") ? "does not contain the pod's addresses"
              : "never a pod");
    }
  }
}
