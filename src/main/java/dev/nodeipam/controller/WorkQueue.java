package dev.nodeipam.controller;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A keyed work queue in the manner of client-go's: a key waits at most once however often it is
 * added (de-duplication), a key being processed is never handed to a second worker (it is queued
 * again when the first one is done), and a failed key comes back after a per-key exponential
 * backoff with a cap. Workers only receive keys while the queue is active, which is how a standby
 * replica keeps collecting work without doing it.
 *
 * <p>Keys added by {@link #addSettled} wait a fixed settle delay first, and every further
 * settled add of a key already settling joins it: a burst of node events (one {@code kubectl label}
 * of many nodes) costs each Service one reconcile of the state the burst left per settle window,
 * not one per event, and no key waits longer than the delay after the event that queued it.
 */
final class WorkQueue implements AutoCloseable {
  private final Deque<String> waiting = new ArrayDeque<>();
  private final Set<String> dirty = new HashSet<>();
  private final Set<String> processing = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Set<String> settling = new HashSet<>();
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Duration settle;
  private final ScheduledExecutorService delays;
  private int delayed;
  private boolean active;
  private boolean closed;

  WorkQueue(Duration baseDelay, Duration maxDelay) {
    this(baseDelay, maxDelay, Duration.ZERO);
  }

  /**
   * @param settle how long a key added by {@link #addSettled} waits before it is queued; zero
   *     queues it at once
   */
  WorkQueue(Duration baseDelay, Duration maxDelay, Duration settle) {
    this.baseDelay = baseDelay;
    this.maxDelay = maxDelay;
    this.settle = settle;
    this.delays =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nodeipam-queue-backoff");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues the key unless it is already waiting. */
  synchronized void add(String key) {
    if (closed || !dirty.add(key)) {
      return;
    }
    if (!processing.contains(key)) {
      waiting.addLast(key);
      notifyAll();
    }
  }

  /**
   * Queues the key after the settle delay, unless it is already settling or waiting (then this
   * add joins that one: the worker reads the records as they are when it takes the key).
   */
  void addSettled(String key) {
    if (settle.isZero()) {
      add(key);
      return;
    }
    synchronized (this) {
      if (closed || dirty.contains(key) || !settling.add(key)) {
        return;
      }
    }
    delays.schedule(
        () -> {
          synchronized (this) {
            settling.remove(key);
            add(key);
          }
        },
        settle.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** Queues the key again after its backoff, which doubles with each consecutive failure. */
  void addRateLimited(String key) {
    Duration delay;
    synchronized (this) {
      if (closed) {
        return;
      }
      int n = failures.merge(key, 1, Integer::sum);
      delay = backoff(n);
      delayed++;
    }
    delays.schedule(
        () -> {
          synchronized (this) {
            delayed--;
          }
          add(key);
        },
        delay.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** The delay after the n-th consecutive failure: base, 2 base, 4 base, ... up to the cap. */
  Duration backoff(int n) {
    int shift = Math.min(n - 1, 30);
    long nanos = baseDelay.toNanos() << shift;
    if (nanos <= 0 || nanos > maxDelay.toNanos()) {
      return maxDelay;
    }
    return Duration.ofNanos(nanos);
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  synchronized void forget(String key) {
    failures.remove(key);
  }

  synchronized int failures(String key) {
    return failures.getOrDefault(key, 0);
  }

  /** Waits for a key to process, or returns null when the queue closes or the wait times out. */
  synchronized String take(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!closed && (!active || waiting.isEmpty())) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    if (closed) {
      return null;
    }
    String key = waiting.pollFirst();
    dirty.remove(key);
    processing.add(key);
    return key;
  }

  /** The worker is finished with the key; if it was added meanwhile, it waits again. */
  synchronized void done(String key) {
    processing.remove(key);
    if (dirty.contains(key)) {
      waiting.addLast(key);
      notifyAll();
    }
  }

  /** Whether workers receive keys (the leader) or keys only accumulate (a standby). */
  synchronized void setActive(boolean value) {
    active = value;
    notifyAll();
  }

  /** Nothing waiting, nothing in progress, no retry pending, nothing settling. */
  synchronized boolean isIdle() {
    return waiting.isEmpty() && processing.isEmpty() && delayed == 0 && settling.isEmpty();
  }

  synchronized int depth() {
    return waiting.size();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    delays.shutdownNow();
  }
}
