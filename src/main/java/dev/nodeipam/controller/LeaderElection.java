package dev.nodeipam.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Rounds of fabric8's leader election on the Lease. A new round starts when the previous one ends
 * and when leadership stops: fabric8's elector reports the loss but, when the server cannot be
 * reached at that moment, its own loop never completes, and this replica would never stand for
 * election again.
 */
final class LeaderElection implements AutoCloseable {
  /** One round; the current one is the only one allowed to start the next. */
  private static final class Round {
    private volatile CompletableFuture<?> running;

    void cancel() {
      CompletableFuture<?> r = running;
      if (r != null) {
        r.cancel(true);
      }
    }
  }

  private static final Round CLOSED = new Round();

  private final KubernetesClient client;
  private final ControllerSettings settings;
  private final LeaderCallbacks callbacks;
  private final AtomicReference<Round> current = new AtomicReference<>();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "nodeipam-leader-election");
            t.setDaemon(true);
            return t;
          });

  LeaderElection(KubernetesClient client, ControllerSettings settings, LeaderCallbacks callbacks) {
    this.client = client;
    this.settings = settings;
    this.callbacks = callbacks;
  }

  /** Stands for election (a first round, or the next one). */
  void elect() {
    Round previous = current.get();
    Round round = new Round();
    if (previous == CLOSED || !current.compareAndSet(previous, round)) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.leaseName())
            .withLock(
                new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(callbacks)
            .build();
    round.running = client.leaderElector().withConfig(config).build().start();
    if (current.get() == CLOSED) {
      round.cancel();
      return;
    }
    // Lost the lease (or the election loop ended): stand by and try again.
    round.running.whenComplete((ok, error) -> next(round));
  }

  /** Leadership stopped: end the current round and start another. */
  void restart() {
    next(current.get());
  }

  private void next(Round round) {
    if (round == null || current.get() != round) {
      return;
    }
    try {
      executor.execute(
          () -> {
            if (current.get() != round) {
              return;
            }
            round.cancel();
            elect();
          });
    } catch (RejectedExecutionException e) {
      // Closed meanwhile: no next round.
    }
  }

  /** Ends the current round (releasing the Lease if held) and starts no other. */
  @Override
  public void close() {
    Round last = current.getAndSet(CLOSED);
    if (last != null) {
      last.cancel();
    }
    executor.shutdownNow();
  }
}
