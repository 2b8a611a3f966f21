package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * High availability on the real API server, both replicas as the nodeipam ServiceAccount with the
 * Role of deploy/ for Leases: one writer at a time, and a standby that takes over. (Replicas in
 * separate processes, killed or stopped: LeaderFailoverTest.)
 */
class LeaderElectionTest {
  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private final String lease = "election-" + UUID.randomUUID().toString().substring(0, 6);

  private ControllerSettings elected(String identity) {
    return ControllerFixture.settings(identity)
        .withLeaderElection(
            true,
            "nodeipam-system",
            lease,
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));
  }

  @Test
  void onlyTheLeaderWritesAndTheStandbyTakesOverWhenTheLeaderStops() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    NodeIpamController a = f.started(elected("replica-a"));
    await().atMost(LIMIT).until(a::isLeader);
    NodeIpamController b = f.started(elected("replica-b"));
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    await().atMost(LIMIT).until(() -> "replica-a".equals(b.leader()));
    assertThat(b.isReady()).as("a standby is ready").isTrue();

    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
    awaitIdle(a);
    assertThat(a.metrics().statusWrites()).isEqualTo(2);
    assertThat(b.isLeader()).isFalse();
    assertThat(b.metrics().statusWrites()).isZero();

    a.close();
    await().atMost(LIMIT).until(b::isLeader);
    f.createNode("n3", Map.of(), "10.0.0.3", null);
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
    awaitIdle(b);
    // The new leader re-checks everything and writes only the one change.
    assertThat(b.metrics().statusWrites()).isEqualTo(1);
    assertThat(
            f.client
                .leases()
                .inNamespace("nodeipam-system")
                .withName(lease)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("replica-b");
  }
}
