package dev.nodeipam.kube;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one line about objects nodeipam does not read ({@code skipped 27 objects nodeipam does not
 * read: Cluster ×25, IstioOperator ×1, Kustomization ×1}): most frequent kind first, then by name.
 */
final class SkippedKinds {
  private SkippedKinds() {}

  static Optional<String> summary(Map<String, Integer> countByKind) {
    int total = countByKind.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return Optional.empty();
    }
    String kinds = countByKind.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " ×" + e.getValue())
        .collect(Collectors.joining(", "));
    return Optional.of("skipped " + total + (total == 1 ? " object" : " objects")
        + " nodeipam does not read: " + kinds);
  }
}
