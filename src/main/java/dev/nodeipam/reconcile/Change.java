package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.Exclusion;
import java.util.List;

/**
 * A change of a Service's published addresses.
 *
 * @param before the addresses the Service showed
 * @param after the addresses published; null when E11 clears the list
 * @param excluded the nodes the Service would otherwise have used, with the reason
 */
public record Change(
    String namespace,
    String name,
    List<String> before,
    List<String> after,
    List<Exclusion> excluded) {
  public Change {
    before = List.copyOf(before);
    after = after == null ? null : List.copyOf(after);
    excluded = List.copyOf(excluded);
  }
}
