package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.cli.ControllerCommand;
import dev.nodeipam.testing.RealApiServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas of {@code nodeipam controller}, each in a JVM of its own, as the nodeipam
 * ServiceAccount on the real API server: a graceful stop, a {@code kill -9}, and a leader cut off
 * from the server. Times come from the replicas' own log lines. The Lease is short here ({@code
 * --lease-duration 3}: renew deadline 2 s, retry period 428 ms); the figures for the default 15 s
 * are in docs/controller.md.
 */
class LeaderFailoverTest {
  private static final int LEASE_SECONDS = Integer.getInteger("nodeipam.failover.lease", 3);
  private static final Duration LEASE = Duration.ofSeconds(LEASE_SECONDS);
  private static final Duration RETRY =
      ControllerCommand.retryPeriod(LEASE_SECONDS);
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final ControllerFixture f = new ControllerFixture();
  private final String lease = "failover-" + UUID.randomUUID().toString().substring(0, 6);

  @AfterEach
  void close() {
    f.close();
  }

  private ReplicaProcess replica(String identity, Path kubeconfig) throws Exception {
    return ReplicaProcess.start(
        identity,
        kubeconfig,
        "--lease-name",
        lease,
        "--lease-duration",
        String.valueOf(LEASE_SECONDS),
        "--workers",
        "2");
  }

  private static double writes(ReplicaProcess replica) {
    return replica.metric("nodeipam_status_writes_total");
  }

  /** Waits for the condition; on time-out the failure shows every replica's log. */
  private static void until(
      String what, Callable<Boolean> condition, ReplicaProcess... replicas) {
    try {
      await(what).atMost(WAIT).until(condition);
    } catch (ConditionTimeoutException e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      for (ReplicaProcess r : replicas) {
        logs.append('\n').append(r);
      }
      throw new AssertionError(logs.toString(), e);
    }
  }

  @Test
  void aGracefulStopHandsOverAtOnceAndAKilledLeaderIsReplacedWithinTheLease(@TempDir Path dir)
      throws Exception {
    RealApiServer server = f.real;
    Path kubeconfig = server.kubeconfigAs("nodeipam-system", "nodeipam", dir.resolve("sa.yaml"));
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    try (ReplicaProcess a = replica("replica-a", kubeconfig);
        ReplicaProcess b = replica("replica-b", kubeconfig)) {
      until("a leader", () -> a.isLeader() || b.isLeader(), a, b);
      ReplicaProcess first = a.isLeader() ? a : b;
      ReplicaProcess second = first == a ? b : a;
      f.awaitIngress("web", "site", List.of("10.0.0.1"));
      await("the standby is ready").atMost(WAIT).until(() -> second.status("/readyz") == 200);
      assertThat(second.metric("nodeipam_status_writes_total")).isZero();

      // Graceful stop: SIGTERM releases the Lease, the standby takes it at its next retry.
      Instant term = Instant.now();
      first.stop();
      await("the standby leads").atMost(WAIT).until(second::isLeader);
      Instant took = second.logged("leading identity=" + second.identity, term);
      f.createNode("n2", Map.of(), "10.0.0.2", null);
      f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
      Duration handover = Duration.between(term, took);
      List<Instant> oldWrites = first.writes();
      assertThat(oldWrites).isNotEmpty().allSatisfy(w -> assertThat(w).isBefore(took));
      // The status can be seen before the writer counted its write: wait for the count.
      until("one write by the new leader", () -> writes(second) == 1.0, first, second);

      // kill -9: nothing releases the Lease; a restarted replica stands by, then takes over when
      // the Lease expires.
      try (ReplicaProcess c = replica("replica-c", kubeconfig)) {
        await("the new standby is ready").atMost(WAIT).until(() -> c.status("/readyz") == 200);
        await()
            .atMost(WAIT)
            .until(() -> c.logged("leader identity=" + second.identity, term) != null);
        Instant kill = Instant.now();
        second.kill();
        f.createNode("n3", Map.of(), "10.0.0.3", null);
        f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
        Instant cLeads = c.logged("leading identity=" + c.identity, kill);
        // The status can be seen before the writer's log line is read: wait for the line.
        Instant cWrote =
            await("the write logged by the replica that took over")
                .atMost(WAIT)
                .until(
                    () -> c.writes().stream().filter(w -> w.isAfter(kill)).findFirst(),
                    Optional::isPresent)
                .orElseThrow();
        Duration takeover = Duration.between(kill, cLeads);
        Duration firstWrite = Duration.between(kill, cWrote);
        System.out.printf(
            "failover lease=%ss: graceful handover %d ms; kill -9 takeover %d ms, first write %d"
                + " ms (bound lease + retry = %d ms)%n",
            LEASE_SECONDS,
            handover.toMillis(),
            takeover.toMillis(),
            firstWrite.toMillis(),
            LEASE.plus(RETRY).toMillis());
        assertThat(handover).isLessThan(Duration.ofSeconds(5));
        // The Lease was renewed at most one retry period before the kill; the standby looks again
        // every retry period (with fabric8's jitter of up to 1.2 of it) once it has expired.
        assertThat(takeover).isLessThanOrEqualTo(LEASE.plus(RETRY.multipliedBy(3)));
        assertThat(second.writes()).allSatisfy(w -> assertThat(w).isBefore(cLeads));
        until("one write by the replica that took over", () -> writes(c) == 1.0, c);
      }
    }
  }

  @Test
  void aLeaderCutOffFromTheServerStopsWritingBeforeTheStandbyStarts(@TempDir Path dir)
      throws Exception {
    RealApiServer server = f.real;
    String token = server.serviceAccountToken("nodeipam-system", "nodeipam");
    int apiPort = URI.create(server.url()).getPort();
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    try (CuttableProxy proxy = new CuttableProxy(apiPort)) {
      Path viaProxy =
          server.kubeconfigFor("https://127.0.0.1:" + proxy.port(), token, dir.resolve("a.yaml"));
      Path direct = server.kubeconfigFor(server.url(), token, dir.resolve("b.yaml"));
      try (ReplicaProcess a = replica("replica-a", viaProxy)) {
        until("a leads", a::isLeader, a);
        f.awaitIngress("web", "site", List.of("10.0.0.1"));
        try (ReplicaProcess b = replica("replica-b", direct)) {
          await("b stands by").atMost(WAIT).until(() -> b.status("/readyz") == 200);
          Instant cut = Instant.now();
          proxy.cut(true);
          f.createNode("n2", Map.of(), "10.0.0.2", null);
          f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
          Instant aStopped = a.logged("stopped leading identity=replica-a", cut);
          Instant bLeads = b.logged("leading identity=replica-b", cut);
          assertThat(aStopped).as("a stopped leading at its renew deadline").isNotNull();
          assertThat(aStopped).isBefore(bLeads);
          assertThat(a.writes()).allSatisfy(w -> assertThat(w).isBefore(cut));

          // Back on the network, a stands by behind b and writes nothing.
          proxy.restore();
          await("a sees b lead")
              .atMost(WAIT)
              .until(() -> a.logged("leader identity=replica-b", cut) != null);
          f.createNode("n3", Map.of(), "10.0.0.3", null);
          f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
          assertThat(a.writes()).allSatisfy(w -> assertThat(w).isBefore(cut));
          assertThat(a.isLeader()).isFalse();
          until("two writes by the new leader", () -> writes(b) == 2.0, a, b);
          System.out.printf(
              "partition lease=%ss: old leader stopped %d ms after the cut, new leader started %d"
                  + " ms after the cut%n",
              LEASE_SECONDS,
              Duration.between(cut, aStopped).toMillis(),
              Duration.between(cut, bLeads).toMillis());
        }
      }
    }
  }
}
