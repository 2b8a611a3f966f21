package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapCache.OffOwnerKey;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the pods of a source group get different verdicts at one address, and the group split
 * there: by the client's node where the translation reads it, and each pod that may be the
 * address's own backend apart (hairpin). What is left of a large class is a view of its list
 * ({@link PodsExcept}), not a copy.
 */
final class SourceSplit {
  private final TrapCache cache;
  /** Each pod's place in its group's list. */
  private final Map<Pod, Integer> position;

  /** @param position each pod's place in its group's list, by reference */
  SourceSplit(Map<Pod, Integer> position, TrapCache cache) {
    this.cache = cache;
    this.position = position;
  }

  /**
   * The group's pods split where the verdict can differ between them: where the address's
   * translation can, and each pod that may be a backend of the address on its own (hairpin).
   */
  List<List<Pod>> byTranslation(TrapTarget t, SourceGroup g, boolean byOwner) {
    List<List<Pod>> lists = t.backendsByClientNode() ? List.copyOf(g.byNode().values())
        : g.representative().isItsNode() || byOwner ? byNodeOfAddress(t, g)
        : List.of(g.pods());
    // Only pods of the Service's namespace can be its backends: look at those alone.
    List<Pod> backends = g.byNamespace().getOrDefault(t.sa.service().namespace(), List.of())
        .stream().filter(t::mayBeBackend).toList();
    if (backends.isEmpty()) {
      return lists;
    }
    Set<Pod> apart = Collections.newSetFromMap(new IdentityHashMap<>());
    apart.addAll(backends);
    List<List<Pod>> out = new ArrayList<>();
    for (List<Pod> pods : lists) {
      List<Pod> rest = PodsExcept.of(pods, g.pods(), apart, position::get);
      if (!rest.isEmpty()) {
        out.add(rest);
      }
      if (rest.size() < pods.size()) {
        pods.stream().filter(apart::contains).forEach(p -> out.add(List.of(p)));
      }
    }
    return out;
  }

  /** The group's pods split where the address's translation can differ between them. */
  private List<List<Pod>> byNodeOfAddress(TrapTarget t, SourceGroup g) {
    if (g.representative().isItsNode()) {
      return List.copyOf(g.byNode().values());
    }
    List<Pod> on = t.owner == null ? null : g.byNode().get(t.owner);
    if (on == null || on.size() == g.pods().size()) {
      return List.of(on == null ? g.pods() : on);
    }
    // An address of a node: translated (socket LB) and host for clients on that node only.
    List<Pod> off = cache.offOwner(new OffOwnerKey(g.id(), t.owner),
        () -> PodsExcept.of(g.pods(), g.pods(), on, position::get));
    return List.of(on, off);
  }

}
