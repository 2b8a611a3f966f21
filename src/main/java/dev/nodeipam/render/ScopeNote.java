package dev.nodeipam.render;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The sentence for a {@code -n} that selects no Service: a report never shows nothing silently,
 * it says which namespaces of the input do have Services.
 */
public final class ScopeNote {
  /** How many namespaces of the input the sentence names. */
  private static final int NAMED = 10;

  private ScopeNote() {}

  /**
   * "no Services in namespace X (the input has: a, b, c)", or empty when no namespace was asked
   * for or one of them has a Service.
   */
  public static Optional<String> of(Set<String> scope, Collection<String> serviceNamespaces) {
    if (scope.isEmpty() || serviceNamespaces.stream().anyMatch(scope::contains)) {
      return Optional.empty();
    }
    List<String> asked = List.copyOf(new TreeSet<>(scope));
    List<String> has = List.copyOf(new TreeSet<>(serviceNamespaces));
    String where = Plural.word(asked.size(), "namespace") + " " + String.join(", ", asked);
    if (has.isEmpty()) {
      return Optional.of("no Services in " + where + " (the input has no Service at all)");
    }
    String named = String.join(", ", has.subList(0, Math.min(NAMED, has.size())))
        + (has.size() > NAMED ? " and " + (has.size() - NAMED) + " more" : "");
    return Optional.of("no Services in " + where + " (the input has: " + named + ")");
  }
}
