package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Source pods that share an identity: Cilium's policy cannot tell them apart, so every flow of
 * theirs gets the same verdict, except where the source's node matters (an address of a node:
 * translated for clients on that node, {@code host} rather than {@code remote-node}); for those
 * addresses the group is split by node.
 *
 * @param id a small number naming the group in caches
 * @param identity the identity of the first pod
 * @param pods every pod of the group, in snapshot order
 */
record SourceGroup(int id, Identity identity, List<Pod> pods, Map<String, List<Pod>> byNode) {

  // Groups are map keys in the search: equal by id, not by comparing every pod.
  @Override
  public boolean equals(Object o) {
    return o instanceof SourceGroup g && g.id == id;
  }

  @Override
  public int hashCode() {
    return id;
  }

  Pod representative() {
    return pods.get(0);
  }

  /** Groups the pods by identity labels (and node, for hostNetwork pods: they are their node). */
  static List<SourceGroup> of(List<Pod> pods, Function<Pod, Identity> identity) {
    Map<Object, List<Pod>> groups = new LinkedHashMap<>();
    Map<Object, Identity> identities = new LinkedHashMap<>();
    for (Pod p : pods) {
      if (p.deleting()) {
        continue;
      }
      Identity id = identity.apply(p);
      Object key = p.isItsNode() ? List.of("host", String.valueOf(p.nodeName())) : id.labels();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      identities.putIfAbsent(key, id);
    }
    List<SourceGroup> out = new ArrayList<>(groups.size());
    for (Map.Entry<Object, List<Pod>> e : groups.entrySet()) {
      Map<String, List<Pod>> byNode = new LinkedHashMap<>();
      for (Pod p : e.getValue()) {
        byNode.computeIfAbsent(String.valueOf(p.nodeName()), k -> new ArrayList<>()).add(p);
      }
      out.add(new SourceGroup(out.size(), identities.get(e.getKey()), List.copyOf(e.getValue()),
          byNode));
    }
    return out;
  }
}
