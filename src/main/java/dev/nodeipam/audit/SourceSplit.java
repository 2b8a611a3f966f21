package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapCache.CandidatesKey;
import dev.nodeipam.audit.TrapCache.OffOwnerKey;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
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
  /** From how many pods of a group in a namespace its possible backends are remembered. */
  private static final int REMEMBERED = 64;

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
    // Only pods of the Service's namespace can be its backends: look at those alone, and for a
    // large class once per Service selector (every address of a Node IPAM Service asks the
    // same); a small group's few pods are cheaper to look at than to remember.
    Service s = t.sa.service();
    List<Pod> inNamespace = g.byNamespace().getOrDefault(s.namespace(), List.of());
    List<Pod> backends = inNamespace.size() < REMEMBERED
        ? inNamespace.stream().filter(t::mayBeBackend).toList()
        : cache.candidates(new CandidatesKey(g.id(), s.namespace(), s.selector()),
            () -> inNamespace.stream().filter(t::mayBeBackend).toList());
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
        // The backends come from the group's pods by namespace, in the group's order.
        backends.stream().filter(p -> holds(pods, p)).forEach(p -> out.add(List.of(p)));
      }
    }
    return out;
  }

  /**
   * Whether a list of a group's pods holds {@code pod}. Every list a split makes keeps the
   * group's order (a node's pods, the group less some), so the pod is found by its place in the
   * group: a class of tens of thousands of pods is not walked for each of its few backends.
   */
  boolean holds(List<Pod> pods, Pod pod) {
    int wanted = position.get(pod);
    int lo = 0;
    int hi = pods.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int at = position.get(pods.get(mid));
      if (at == wanted) {
        return true;
      } else if (at < wanted) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
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
