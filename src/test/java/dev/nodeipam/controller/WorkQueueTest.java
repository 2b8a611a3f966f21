package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private static final Duration NOW = Duration.ofMillis(1);

  @Test
  void aKeyAddedManyTimesWaitsOnce() throws InterruptedException {
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.setActive(true);
      q.add("a/x");
      q.add("a/y");
      q.add("a/x");
      assertThat(q.depth()).isEqualTo(2);
      assertThat(q.take(NOW)).isEqualTo("a/x");
      assertThat(q.take(NOW)).isEqualTo("a/y");
      assertThat(q.take(NOW)).isNull();
    }
  }

  @Test
  void aKeyInProgressIsNeverHandedToASecondWorkerButComesBackWhenDone()
      throws InterruptedException {
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.setActive(true);
      q.add("a/x");
      String first = q.take(NOW);
      q.add("a/x");
      assertThat(q.take(NOW)).as("still in progress").isNull();
      q.done(first);
      assertThat(q.take(NOW)).isEqualTo("a/x");
      q.done("a/x");
      assertThat(q.isIdle()).isTrue();
    }
  }

  @Test
  void aStandbyQueueCollectsKeysWithoutHandingThemOut() throws InterruptedException {
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.add("a/x");
      assertThat(q.take(NOW)).isNull();
      q.setActive(true);
      assertThat(q.take(NOW)).isEqualTo("a/x");
    }
  }

  @Test
  void backoffDoublesPerFailureUpToTheCapAndResetsOnForget() {
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(100), Duration.ofSeconds(1))) {
      assertThat(q.backoff(1)).isEqualTo(Duration.ofMillis(100));
      assertThat(q.backoff(2)).isEqualTo(Duration.ofMillis(200));
      assertThat(q.backoff(4)).isEqualTo(Duration.ofMillis(800));
      assertThat(q.backoff(5)).isEqualTo(Duration.ofSeconds(1));
      assertThat(q.backoff(64)).isEqualTo(Duration.ofSeconds(1));
      q.addRateLimited("a/x");
      q.addRateLimited("a/x");
      assertThat(q.failures("a/x")).isEqualTo(2);
      q.forget("a/x");
      assertThat(q.failures("a/x")).isZero();
    }
  }

  @Test
  void aRateLimitedKeyComesBackAfterItsDelay() {
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(20), Duration.ofSeconds(1))) {
      q.setActive(true);
      q.addRateLimited("a/x");
      assertThat(q.isIdle()).as("a retry is pending").isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> "a/x".equals(q.take(NOW)));
    }
  }

  @Test
  void settledAddsOfOneKeyDuringTheDelayAreHandedOutOnce() throws InterruptedException {
    try (WorkQueue q =
        new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofMillis(200))) {
      q.setActive(true);
      for (int i = 0; i < 50; i++) {
        q.addSettled("a/x");
      }
      q.addSettled("a/y");
      assertThat(q.depth()).as("nothing waits before the delay").isZero();
      assertThat(q.isIdle()).as("keys are settling").isFalse();
      await().atMost(Duration.ofSeconds(10)).until(() -> q.depth() == 2);
      String first = q.take(NOW);
      String second = q.take(NOW);
      assertThat(List.of(first, second)).containsExactlyInAnyOrder("a/x", "a/y");
      assertThat(q.take(NOW)).as("fifty adds, one hand-out").isNull();
      q.done(first);
      q.done(second);
      assertThat(q.isIdle()).isTrue();
    }
  }

  @Test
  void aSettledAddOfAWaitingKeyJoinsItAndAZeroDelayQueuesAtOnce() throws InterruptedException {
    try (WorkQueue q =
        new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(30))) {
      q.setActive(true);
      q.add("a/x");
      q.addSettled("a/x");
      assertThat(q.take(NOW)).isEqualTo("a/x");
      q.done("a/x");
      assertThat(q.isIdle()).as("the settled add joined the waiting key").isTrue();
    }
    try (WorkQueue q = new WorkQueue(Duration.ofMillis(10), Duration.ofSeconds(1))) {
      q.setActive(true);
      q.addSettled("a/x");
      assertThat(q.take(NOW)).isEqualTo("a/x");
    }
  }
}
