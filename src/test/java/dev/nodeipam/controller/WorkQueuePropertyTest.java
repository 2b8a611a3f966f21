package dev.nodeipam.controller;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.testing.Coverage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The work queue's contract, as client-go's workqueue states it (util/workqueue/queue.go: a key is
 * never processed by two workers at once; a key added while it is processed is processed again
 * after {@code Done}; a key added many times before it is processed is processed once), checked
 * over random interleavings of adds, hand-outs, completions and leadership changes, and once with
 * real worker threads. The controller's guarantees rest on it: one status write per Service per
 * settled state, never two concurrent writes for one Service, and the last state wins.
 */
class WorkQueuePropertyTest {
  private static final Duration NOW = Duration.ofMillis(1);
  private static final int KEYS = 4;
  private static final int OP_KINDS = 10;

  /**
   * What a sample observed, step by step: which keys workers hold, which keys were added since
   * their last hand-out, and since when each of those is ready (added while no worker held it, or
   * released by its worker after such an add). The queue must hand out the key ready longest.
   */
  private static final class Observer {
    final List<String> held = new ArrayList<>();
    final Set<String> pending = new HashSet<>();
    final Map<String, Long> readySince = new HashMap<>();
    final Set<String> labels = new HashSet<>();
    boolean active;
    long clock;

    void added(String key) {
      clock++;
      if (!pending.add(key)) {
        labels.add("an add joined a pending key");
        return;
      }
      if (held.contains(key)) {
        labels.add("a key added while a worker held it");
      } else {
        readySince.put(key, clock);
      }
    }

    void handedOut(String key) {
      clock++;
      assertThat(held).as("never two workers on one key").doesNotContain(key);
      assertThat(active).as("a standby's queue hands out nothing").isTrue();
      assertThat(readySince).as("only a key added since its last hand-out").containsKey(key);
      long oldest = readySince.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      assertThat(readySince.get(key)).as("the key ready longest comes first").isEqualTo(oldest);
      if (readySince.size() > 1) {
        labels.add("a choice between ready keys");
      }
      pending.remove(key);
      readySince.remove(key);
      held.add(key);
      if (held.size() > 1) {
        labels.add("two keys held at once");
      }
    }

    void nothingHandedOut() {
      clock++;
      assertThat(active && !readySince.isEmpty()).as("a ready key is handed out").isFalse();
      if (active && !pending.isEmpty()) {
        labels.add("a pending key withheld while its worker holds it");
      }
      if (!active && !readySince.isEmpty()) {
        labels.add("a ready key withheld from a standby");
      }
    }

    void released(String key) {
      clock++;
      held.remove(key);
      if (pending.contains(key)) {
        readySince.put(key, clock);
        labels.add("a key released with an add pending");
      }
    }
  }

  @Test
  void aKeyIsHeldByOneWorkerAtATimeHandedOutInReadyOrderAndEveryAddIsProcessed() {
    Coverage coverage =
        new Coverage("aKeyIsHeldByOneWorkerAtATimeHandedOutInReadyOrderAndEveryAddIsProcessed");
    List<String> labels =
        List.of(
            "an add joined a pending key",
            "a key added while a worker held it",
            "a key released with an add pending",
            "a pending key withheld while its worker holds it",
            "a ready key withheld from a standby",
            "a choice between ready keys",
            "two keys held at once");
    qt(400)
        .forAll(lists().of(range(0, OP_KINDS * KEYS - 1)).ofSizeBetween(1, 60))
        .checkAssert(
            ops -> {
              Observer seen = run(ops);
              coverage.sample();
              labels.forEach(l -> coverage.count(l, seen.labels.contains(l)));
            });
    coverage
        .requireShare("an add joined a pending key", 0.3)
        .requireShare("a key added while a worker held it", 0.3)
        .requireShare("a key released with an add pending", 0.2)
        .requireShare("a pending key withheld while its worker holds it", 0.1)
        .requireShare("a ready key withheld from a standby", 0.1)
        .requireShare("a choice between ready keys", 0.2)
        .requireShare("two keys held at once", 0.3)
        .print();
  }

  /** Runs the operations on a fresh queue, then lets the workers finish and drains it. */
  private static Observer run(List<Integer> ops) {
    Observer seen = new Observer();
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      for (int op : ops) {
        step(q, seen, op % OP_KINDS, op / OP_KINDS);
      }
      q.setActive(true);
      seen.active = true;
      while (!seen.held.isEmpty() || !seen.pending.isEmpty()) {
        if (!seen.held.isEmpty()) {
          String key = seen.held.get(0);
          q.done(key);
          seen.released(key);
        }
        String key = q.take(NOW);
        if (key == null) {
          seen.nothingHandedOut();
        } else {
          seen.handedOut(key);
        }
      }
      assertThat(q.take(NOW)).as("every add processed, nothing more").isNull();
      assertThat(q.isIdle()).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return seen;
  }

  private static void step(WorkQueue q, Observer seen, int kind, int arg)
      throws InterruptedException {
    if (kind < 4) {
      String key = "ns/s" + arg;
      q.add(key);
      seen.added(key);
    } else if (kind < 7) {
      String key = q.take(NOW);
      if (key == null) {
        seen.nothingHandedOut();
      } else {
        seen.handedOut(key);
      }
    } else if (kind < 9) {
      if (!seen.held.isEmpty()) {
        String key = seen.held.get(arg % seen.held.size());
        q.done(key);
        seen.released(key);
      }
    } else {
      seen.active = !seen.active;
      q.setActive(seen.active);
    }
  }

  /**
   * With real threads: writers bump a key's version and add the key, workers record the version
   * they read when handed the key. No key is ever held by two workers, and once the queue is idle
   * every key was last processed at its last version (the last state wins).
   */
  @Test
  void workersOnRealThreadsNeverShareAKeyAndProcessTheLastVersion() throws Exception {
    int workers = 6;
    int adds = 20_000;
    Map<String, AtomicLong> version = new ConcurrentHashMap<>();
    Map<String, Long> processed = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    AtomicReference<String> overlap = new AtomicReference<>();
    AtomicInteger reprocessed = new AtomicInteger();
    AtomicInteger added = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers + 2);
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.setActive(true);
      for (int w = 0; w < workers; w++) {
        pool.submit(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                String key = q.take(Duration.ofMillis(50));
                if (key == null) {
                  continue;
                }
                if (inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet()
                    > 1) {
                  overlap.compareAndSet(null, key);
                }
                Long before = processed.put(key, version.get(key).get());
                if (before != null) {
                  reprocessed.incrementAndGet();
                }
                Thread.yield();
                inFlight.get(key).decrementAndGet();
                q.done(key);
              }
              return null;
            });
      }
      for (int a = 0; a < 2; a++) {
        int offset = a;
        pool.submit(
            () -> {
              for (int i = offset; i < adds; i += 2) {
                String key = "ns/s" + (i * 7919 % 16);
                version.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                q.add(key);
                added.incrementAndGet();
              }
              return null;
            });
      }
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> added.get() == adds && q.isIdle());
      assertThat(overlap.get()).as("a key held by two workers at once").isNull();
      version.forEach(
          (key, v) ->
              assertThat(processed.get(key)).as("last version of %s", key).isEqualTo(v.get()));
      assertThat(reprocessed.get()).as("keys were processed again after later adds").isPositive();
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
