package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.engine.SourceClasses;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * @param byNode its pods by node
 * @param byNamespace its pods by namespace (a class of identities may span namespaces)
 */
record SourceGroup(int id, Identity identity, List<Pod> pods, Map<String, List<Pod>> byNode,
    Map<String, List<Pod>> byNamespace) {

  SourceGroup(int id, Identity identity, List<Pod> pods, Map<String, List<Pod>> byNode) {
    this(id, identity, pods, byNode, byNamespace(pods));
  }

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

  /** The group's pods by namespace (a class of identities may span namespaces). */
  private static Map<String, List<Pod>> byNamespace(List<Pod> pods) {
    Map<String, List<Pod>> out = new LinkedHashMap<>();
    for (Pod p : pods) {
      out.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /**
   * Identities judged as one (a class no rule tells apart, {@code SourceClasses}): the first
   * one's identity, and every pod of them, identity by identity.
   */
  static SourceGroup merged(int id, List<SourceGroup> identities) {
    if (identities.size() == 1) {
      SourceGroup g = identities.get(0);
      return new SourceGroup(id, g.identity(), g.pods(), g.byNode());
    }
    List<Pod> pods = new ArrayList<>();
    Map<String, List<Pod>> byNode = new LinkedHashMap<>();
    for (SourceGroup g : identities) {
      pods.addAll(g.pods());
      g.byNode().forEach((node, on) ->
          byNode.computeIfAbsent(node, k -> new ArrayList<>()).addAll(on));
    }
    Map<String, List<Pod>> frozen = new LinkedHashMap<>();
    byNode.forEach((node, on) -> frozen.put(node, List.copyOf(on)));
    return new SourceGroup(id, identities.get(0).identity(), List.copyOf(pods), frozen);
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

  /**
   * The pods' identity groups under the settings, by their first pod's key: the order traps come
   * out in, with no sorting of millions of traps afterwards. Kept with the snapshot's pods
   * ({@link SourceGroupMemo}).
   */
  static List<SourceGroup> identities(PolicyEngine engine, DatapathSettings now) {
    return SourceGroupMemo.identities(engine, now, () -> {
      List<SourceGroup> all = new ArrayList<>(
          of(engine.snapshot().pods(), p -> engine.identityOf(p, now)));
      all.sort(Comparator.comparing(g -> g.representative().key()));
      return all;
    });
  }

  /** Whether the pod runs on a node of the cluster (a template pod or a stray one does not). */
  static boolean onKnownNode(Pod p, ClusterSnapshot snapshot) {
    return p.nodeName() != null && snapshot.node(p.nodeName()).isPresent();
  }

  /**
   * The source identities merged into classes ({@link SourceClasses}), in the order of their
   * first identity; identities holding some of the scoped pods are never merged with others.
   * Kept with the snapshot's pods ({@link SourceGroupMemo}).
   */
  static List<SourceGroup> classes(PolicyEngine engine, List<SourceGroup> identities,
      List<DatapathSettings> settings, Set<String> scopedPods) {
    return SourceGroupMemo.classes(engine, identities, settings, scopedPods,
        () -> classesOf(engine, identities, settings, scopedPods));
  }

  private static List<SourceGroup> classesOf(PolicyEngine engine, List<SourceGroup> identities,
      List<DatapathSettings> settings, Set<String> scopedPods) {
    List<Identity> ids = new ArrayList<>(identities.size());
    List<Object> apart = new ArrayList<>(identities.size());
    for (SourceGroup g : identities) {
      Pod rep = g.representative();
      ids.add(rep.isItsNode() ? null : g.identity());
      boolean scoped = !scopedPods.isEmpty()
          && g.pods().stream().anyMatch(p -> scopedPods.contains(p.key()));
      apart.add(List.of(scoped, onKnownNode(rep, engine.snapshot())));
    }
    int[] classOf = SourceClasses.of(engine, ids, apart, settings);
    List<List<SourceGroup>> members = new ArrayList<>();
    for (int i = 0; i < classOf.length; i++) {
      if (classOf[i] == members.size()) {
        members.add(new ArrayList<>());
      }
      members.get(classOf[i]).add(identities.get(i));
    }
    List<SourceGroup> out = new ArrayList<>(members.size());
    for (List<SourceGroup> m : members) {
      out.add(merged(out.size(), m));
    }
    return List.copyOf(out);
  }
}
