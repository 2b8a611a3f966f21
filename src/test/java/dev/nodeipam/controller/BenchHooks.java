package dev.nodeipam.controller;

import java.util.function.Consumer;

/**
 * What the benchmarks of {@code dev.nodeipam.tools.generate} may see of a running controller
 * beyond its public API: the key of every reconcile as it starts, so that the time from a node
 * change to a status write splits into the wait before the reconcile and the reconcile itself.
 */
public final class BenchHooks {
  private BenchHooks() {}

  public static void observeReconciles(NodeIpamController controller, Consumer<String> observer) {
    controller.observeReconciles(observer);
  }
}
