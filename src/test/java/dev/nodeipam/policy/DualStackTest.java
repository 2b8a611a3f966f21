package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** world-ipv4/world-ipv6 exist only in dual stack; CIDR rules stay within their family. */
class DualStackTest {
  private static TestCluster cluster(String policy) {
    return new TestCluster()
        .node("n1", "192.168.0.1", "fd00::1")
        .pod("app/client", "n1", "10.0.1.5,fd00:10::5", Map.of("app", "client"))
        .policy(policy);
  }

  private static final String V4_ONLY =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: v4-anywhere, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
      """;

  private static final String WORLD_IPV6 =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: v6, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - toEntities: [world-ipv6]
      """;

  @Test
  void dualStack_worldIsSplitByFamilyAndIpv4CidrDoesNotCoverIpv6() {
    TestCluster c = cluster(V4_ONLY);
    Verdict v6 = c.trace("app/client", "2001:db8::1", 443);
    assertThat(v6.settings().dualStack()).isTrue();
    assertThat(v6.destinations().get(0).identity().name()).isEqualTo("world-ipv6");
    assertThat(v6.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v6.destinations().get(0).egress().notMatching().get(0).why()).contains("is IPv4");
    Verdict v4 = c.trace("app/client", "203.0.113.1", 443);
    assertThat(v4.destinations().get(0).identity().name()).isEqualTo("world-ipv4");
    assertThat(v4.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  /**
   * The family split of world is Cilium 1.15's (cilium/cilium#22625, with {@code world} kept
   * selecting both: cilium/cilium#29958): under 1.14 a dual-stack world address is plain
   * {@code world}, and {@code toEntities: [world-ipv6]} selects nothing.
   */
  @Test
  void beforeCilium115WorldIsNotSplitEvenInDualStack() {
    TestCluster c = cluster(WORLD_IPV6);
    Verdict old = c.trace("app/client", "2001:db8::1", 443, "cilium-version", "1.14");
    assertThat(old.destinations().get(0).identity().name()).isEqualTo("world");
    assertThat(old.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(old.destinations().get(0).egress().notMatching().get(0).why())
        .contains("cilium/cilium#22625");
    assertThat(c.trace("app/client", "2001:db8::1", 443, "cilium-version", "1.15").outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void dualStack_entityWorldIpv6SelectsOnlyIpv6WorldAndWorldSelectsBoth() {
    TestCluster c = cluster(WORLD_IPV6);
    assertThat(c.trace("app/client", "2001:db8::1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "203.0.113.1", 443).outcome()).isEqualTo(Outcome.DENIED);
    TestCluster world =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: w, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [world]
            """);
    assertThat(world.trace("app/client", "2001:db8::1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(world.trace("app/client", "203.0.113.1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void singleStack_worldIpv4SelectsNothingBecauseWorldIsNotSplit() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: v4, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toEntities: [world-ipv4]
            """);
    Verdict v = c.trace("app/client", "203.0.113.1", 443, "enable-ipv6", "false");
    assertThat(v.destinations().get(0).identity().name()).isEqualTo("world");
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations().get(0).egress().notMatching().get(0).why())
        .contains("single-stack");
  }

  @Test
  void dualStack_ipv6CidrSetMatchesIpv6World() {
    TestCluster c =
        cluster(
            """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: v6-doc, namespace: app}
            spec:
              endpointSelector: {}
              egress:
              - toCIDRSet:
                - {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}
            """);
    assertThat(c.trace("app/client", "2001:db8::1", 443).outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(c.trace("app/client", "2001:db8:1::1", 443).outcome()).isEqualTo(Outcome.DENIED);
  }
}
