package dev.nodeipam.diff;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.util.List;

/** How a diff item names its source pods. */
final class Sources {
  static final int MAX = 20;

  private Sources() {}

  record Named(String kind, String name) {}

  static Named name(ClusterSnapshot snapshot, List<Pod> pods) {
    Pod first = pods.get(0);
    if (pods.size() == 1) {
      return new Named("Pod", first.key());
    }
    return new Named("Pod", first.key() + " and " + (pods.size() - 1) + " more");
  }
}
