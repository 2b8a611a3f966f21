package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.ServiceAnnotations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of node events coalesced on the real API server: relabelling nodes from one pool to the
 * other, one patch after the other as {@code kubectl label node A B C ...} sends them, costs every
 * affected Service at most two status writes (one settle window may end inside the burst), not
 * one per node event. Counts, not time: the settle delay only bounds how many windows a burst can
 * span, so the test's delay (3 s) is longer than the default (1 s) to keep its burst inside one
 * window on a loaded machine; the default's latency is measured by bench/controller-envtest.sh.
 */
class BurstCoalescingRealServerTest {
  private static final int PER_POOL = 10;
  private static final int MOVED = 8;
  private static final int SERVICES_PER_POOL = 5;

  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private static String ip(String pool, int i) {
    return (pool.equals("a") ? "10.1.0." : "10.2.0.") + (i + 1);
  }

  @Test
  void relabellingNodesFromOnePoolToAnotherWritesEachServiceAtMostTwice()
      throws InterruptedException {
    for (String pool : List.of("a", "b")) {
      for (int i = 0; i < PER_POOL; i++) {
        f.createNode("burst-" + pool + i, Map.of("pool", pool), ip(pool, i), null);
      }
      for (int s = 0; s < SERVICES_PER_POOL; s++) {
        f.createLb("web", pool + s, Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool=" + pool));
      }
    }
    NodeIpamController c =
        f.started(ControllerFixture.settings("burst").withSettleDelay(Duration.ofSeconds(3)));
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < PER_POOL; i++) {
      (i < MOVED ? b : a).add(ip("a", i));
      b.add(ip("b", i));
    }
    f.awaitIngress("web", "a0", all("a"));
    f.awaitIngress("web", "b" + (SERVICES_PER_POOL - 1), all("b"));
    awaitIdle(c);
    long before = c.metrics().statusWrites();

    for (int i = 0; i < MOVED; i++) {
      f.labelNode("burst-a" + i, "pool", "b");
      // Paced like a script relabelling node after node: without the settle delay the controller
      // catches up between two patches and rewrites every affected Service for most of them.
      Thread.sleep(100);
    }
    for (int s = 0; s < SERVICES_PER_POOL; s++) {
      f.awaitIngress("web", "a" + s, a.stream().sorted().toList());
      f.awaitIngress("web", "b" + s, b.stream().sorted().toList());
    }
    awaitIdle(c);

    long writes = c.metrics().statusWrites() - before;
    int affected = 2 * SERVICES_PER_POOL;
    // Every affected Service's result changed, so each is written at least once; without the
    // settle delay each one is rewritten for most of the MOVED node events.
    assertThat(writes).isBetween((long) affected, 2L * affected);
  }

  private static List<String> all(String pool) {
    List<String> ips = new ArrayList<>();
    for (int i = 0; i < PER_POOL; i++) {
      ips.add(ip(pool, i));
    }
    return ips.stream().sorted().toList();
  }
}
