package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** R20–R25 and E6/E7: from the candidate nodes to the ordered list of addresses to publish. */
final class AddressSelection {
  private AddressSelection() {}

  static List<String> select(
      List<NodeAddresses> candidates,
      List<IpFamily> ipFamilies,
      AddressPolicy policy,
      boolean canonical) {
    boolean v4 = ipFamilies.contains(IpFamily.IPV4);
    boolean v6 = ipFamilies.contains(IpFamily.IPV6);
    List<NodeAddresses.Usable> chosen = new ArrayList<>();
    List<NodeAddresses.Usable> external = new ArrayList<>();
    List<NodeAddresses.Usable> internal = new ArrayList<>();
    for (NodeAddresses node : candidates) {
      List<NodeAddresses.Usable> nodeExternal = new ArrayList<>();
      List<NodeAddresses.Usable> nodeInternal = new ArrayList<>();
      for (NodeAddresses.Usable a : node.usable()) {
        if ((a.family() == 4 && !v4) || (a.family() == 6 && !v6)) {
          continue;
        }
        (a.external() ? nodeExternal : nodeInternal).add(a);
      }
      if (policy == AddressPolicy.PER_NODE_FALLBACK) {
        chosen.addAll(nodeExternal.isEmpty() ? nodeInternal : nodeExternal);
      }
      external.addAll(nodeExternal);
      internal.addAll(nodeInternal);
    }
    switch (policy) {
      // One choice for the whole Service: any external address anywhere hides every internal one.
      case EXTERNAL_THEN_INTERNAL -> chosen = external.isEmpty() ? internal : external;
      case EXTERNAL_ONLY -> chosen = external;
      case INTERNAL_ONLY -> chosen = internal;
      case PER_NODE_FALLBACK -> {}
    }
    return canonical ? canonicalOrder(chosen, ipFamilies) : referenceOrder(chosen);
  }

  /** Deduplicated by exact text and sorted as plain strings, the text kept as the node has it. */
  private static List<String> referenceOrder(List<NodeAddresses.Usable> chosen) {
    TreeSet<String> texts = new TreeSet<>();
    chosen.forEach(a -> texts.add(a.text()));
    return List.copyOf(texts);
  }

  /** Canonical text, deduplicated by value; the Service's family order first, then numeric. */
  private static List<String> canonicalOrder(
      List<NodeAddresses.Usable> chosen, List<IpFamily> ipFamilies) {
    Map<String, NodeAddresses.Usable> unique = new LinkedHashMap<>();
    chosen.forEach(a -> unique.putIfAbsent(a.canonical(), a));
    int firstFamily = ipFamilies.isEmpty() || ipFamilies.get(0) == IpFamily.IPV4 ? 4 : 6;
    return unique.values().stream()
        .sorted(
            Comparator.comparingInt((NodeAddresses.Usable a) -> a.family() == firstFamily ? 0 : 1)
                .thenComparing(NodeAddresses.Usable::value))
        .map(NodeAddresses.Usable::canonical)
        .toList();
  }
}
