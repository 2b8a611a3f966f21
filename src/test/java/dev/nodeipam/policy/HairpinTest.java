package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pod reaching itself through its own Service: the datapath skips policy on both sides for that
 * flow (cilium/cilium#23480 "When a service pod connects to itself via its clusterIP, we skip
 * policy validation on ingress and egress"; #22972 fixed the ingress side before 1.14), in every
 * release modelled; the Service's other backends are judged as usual.
 */
class HairpinTest {
  /** web-1 and web-2 back edge/web; both deny all egress but to world and all ingress. */
  private static TestCluster cluster(boolean twoBackends) {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .node("n2", "192.168.0.2")
        .pod("edge/web-1", "n1", "10.0.1.10", Map.of("app", "web"), port("https", 8443));
    if (twoBackends) {
      c.pod("edge/web-2", "n2", "10.0.2.10", Map.of("app", "web"), port("https", 8443));
    }
    return c.service("edge/web", "10.96.0.50", Map.of("app", "web"), List.of(), List.of(),
            TestCluster.servicePort(443, 8443))
        .policy("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: web-locked, namespace: edge}
            spec:
              endpointSelector: {matchLabels: {app: web}}
              egress:
              - toEntities: [world]
              ingress:
              - fromEntities: [world]
            """);
  }

  static Stream<Arguments> releases() {
    return Stream.of("1.14", "1.15", "1.16", "1.17", "1.18", "1.19")
        .flatMap(v -> Stream.of(Arguments.of(v, "false"), Arguments.of(v, "true")));
  }

  @ParameterizedTest(name = "Cilium {0}, kube-proxy-replacement={1}")
  @MethodSource("releases")
  void aPodReachingItselfThroughItsServiceSkipsPolicy(String version, String kpr) {
    Verdict alone = cluster(false).trace("edge/web-1", "10.96.0.50", 443,
        "cilium-version", version, "kube-proxy-replacement", kpr);
    assertThat(alone.translation().translated()).isTrue();
    assertThat(alone.outcome()).isEqualTo(Outcome.ALLOWED);
    DestinationVerdict self = alone.destinations().get(0);
    assertThat(self.egress().enforced()).isFalse();
    assertThat(self.ingress().enforced()).isFalse();
    assertThat(self.egress().reason()).contains("hairpin").contains("cilium/cilium#23480");

    Verdict both = cluster(true).trace("edge/web-1", "10.96.0.50", 443,
        "cilium-version", version, "kube-proxy-replacement", kpr);
    assertThat(both.destinations()).extracting(DestinationVerdict::endpoint)
        .containsExactlyInAnyOrder("edge/web-1", "edge/web-2");
    assertThat(both.destinations()).filteredOn(d -> d.endpoint().equals("edge/web-2"))
        .singleElement().satisfies(d -> assertThat(d.outcome()).isEqualTo(Outcome.DENIED));
    assertThat(both.outcome()).isEqualTo(Outcome.PARTIAL);
  }
}
