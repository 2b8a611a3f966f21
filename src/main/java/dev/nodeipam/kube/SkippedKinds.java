package dev.nodeipam.kube;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one line about objects nodeipam does not read ({@code skipped 27 objects nodeipam does not
 * read: Cluster ×25, IstioOperator ×1, Kustomization ×1}): most frequent kind first, then by name.
 */
final class SkippedKinds {
  /** Room for the line after "nodeipam: warning: ", in 100 columns. */
  static final int WIDTH = 81;

  private SkippedKinds() {}

  static Optional<String> summary(Map<String, Integer> countByKind) {
    int total = countByKind.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return Optional.empty();
    }
    String head = "skipped " + total + (total == 1 ? " object" : " objects")
        + " nodeipam does not read: ";
    List<Map.Entry<String, Integer>> sorted = countByKind.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .toList();
    StringBuilder kinds = new StringBuilder();
    for (int i = 0; i < sorted.size(); i++) {
      String next = (i == 0 ? "" : ", ") + sorted.get(i).getKey() + " ×" + sorted.get(i).getValue();
      int rest = sorted.size() - i;
      String more = ", " + rest + " more " + (rest == 1 ? "kind" : "kinds");
      boolean last = i == sorted.size() - 1;
      if (head.length() + kinds.length() + next.length() + (last ? 0 : more.length()) > WIDTH) {
        kinds.append(i == 0 ? more.substring(2) : more);
        break;
      }
      kinds.append(next);
    }
    return Optional.of(head + kinds);
  }
}
