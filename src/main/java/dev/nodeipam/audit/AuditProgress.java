package dev.nodeipam.audit;

import java.util.concurrent.atomic.AtomicInteger;

/** How far an audit is: Service addresses and ports to search, and searched. Thread-safe. */
public final class AuditProgress {
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();

  void total(int n) {
    total.set(n);
  }

  void done(int n) {
    done.addAndGet(n);
  }

  /** Service address and port pairs to search (0 until known). */
  public int total() {
    return total.get();
  }

  public int done() {
    return done.get();
  }
}
