package dev.nodeipam.reconcile;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** E11 of docs/controller.md: when a status published while a Service was ours is ours to clear. */
class ReleaseRuleTest {
  private static final NodeIpamOptions OPTIONS = NodeIpamOptions.reference();
  private static final String METAL = "example.com/metal";

  static Stream<Arguments> updates() {
    Service ours = lb("web").currentIngress("10.0.0.1").build();
    return Stream.of(
        Arguments.of("first sight", null, ours, false),
        Arguments.of("still ours", ours, lb("web").build(), false),
        Arguments.of("class changed", ours, lb("web").lbClass(METAL).build(), true),
        Arguments.of("class removed", ours, lb("web").lbClass(null).build(), true),
        Arguments.of("type changed", ours, lb("web").type(ServiceType.CLUSTER_IP).build(), true),
        Arguments.of("being deleted", ours, lb("web").lbClass(METAL).deleting().build(), false),
        Arguments.of(
            "never ours",
            lb("web").lbClass(METAL).build(),
            lb("web").lbClass(null).build(),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void anUpdateReleasesOnlyAServiceThatWasOurs(
      String name, Service previous, Service current, boolean released) {
    assertThat(ReleaseRule.leavesOwnership(previous, current, OPTIONS)).isEqualTo(released);
  }

  static Stream<Arguments> restarts() {
    return Stream.of(
        Arguments.of(
            "node addresses only",
            lb("web").lbClass(METAL).currentIngress("10.0.0.1", "10.0.0.2").build(),
            true),
        Arguments.of(
            "classless, default class off",
            lb("web").lbClass(null).currentIngress("10.0.0.2").build(),
            true),
        Arguments.of(
            "an address of no node",
            lb("web").lbClass(METAL).currentIngress("10.0.0.1", "192.0.2.7").build(),
            false),
        Arguments.of("still ours", lb("web").currentIngress("10.0.0.1").build(), false),
        Arguments.of("no status", lb("web").lbClass(METAL).build(), false),
        Arguments.of(
            "not a LoadBalancer",
            lb("web").type(ServiceType.NODE_PORT).lbClass(METAL).currentIngress("10.0.0.1").build(),
            false),
        Arguments.of(
            "being deleted",
            lb("web").lbClass(METAL).deleting().currentIngress("10.0.0.1").build(),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restarts")
  void atStartUpOnlyAStatusOfNodeAddressesIsTakenForOurs(
      String name, Service service, boolean released) {
    Set<String> nodes =
        ReleaseRule.nodeAddresses(
            List.of(
                node("n1").internal("10.0.0.1").build(),
                node("n2").internal("10.0.0.2").external("198.51.100.2").build()));
    assertThat(ReleaseRule.releasedWhileDown(service, nodes, OPTIONS)).isEqualTo(released);
  }

  @Test
  void everyAddressOfEveryNodeCounts() {
    assertThat(
            ReleaseRule.nodeAddresses(
                List.of(
                    node("n1").internal("10.0.0.1").build(),
                    node("n2").internal("10.0.0.2").external("198.51.100.2").build())))
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "198.51.100.2");
  }
}
