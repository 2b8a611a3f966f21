package dev.nodeipam.audit;

import java.util.function.Supplier;

/**
 * A text computed the first time it is asked for: explanations are built only for the traps a
 * report actually renders, once each, whatever the number of replicas they are printed for.
 */
final class Lazy implements Supplier<String> {
  private Supplier<String> compute;
  private volatile String value;

  Lazy(Supplier<String> compute) {
    this.compute = compute;
  }

  @Override
  public String get() {
    String v = value;
    if (v == null) {
      synchronized (this) {
        if (value == null) {
          value = compute.get();
          compute = null;
        }
        v = value;
      }
    }
    return v;
  }

  @Override
  public String toString() {
    return get();
  }
}
