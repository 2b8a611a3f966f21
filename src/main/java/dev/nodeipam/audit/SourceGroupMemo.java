package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Pod;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The source groups of {@link SourceGroup#identities} and {@link SourceGroup#classes}, kept with
 * a snapshot's {@link ClusterSnapshot#derived derived} values (its nodes, pods and
 * EndpointSlices): the two states of one Service's change, or of one policy's, hold the very same
 * pods, and grouping 16,000 pods by identity cost each judged change more than its search.
 *
 * <p>Each memo is keyed by everything else its computation reads: a pod's identity reads its
 * namespace's labels and the settings (the nodes and pods are the derived values' own key); a
 * class reads the rules (one parsed list per set of policies, compared by reference), the
 * settings judged and the scoped pods. A few of each are kept, the last asked.
 */
final class SourceGroupMemo {
  private static final int KEPT = 8;

  /** What a pod's identity reads besides the pod and its node. */
  private record IdentitiesKey(List<Namespace> namespaces, DatapathSettings settings) {}

  /** What merging identities into classes reads besides the identities' pods and nodes. */
  private record ClassesKey(List<SourceGroup> identities, List<Rule> rules,
      List<DatapathSettings> settings, Set<String> scopedPods) {
    // The identities and the rules are memos themselves: the same lists, not equal ones.
    @Override
    public boolean equals(Object o) {
      return o instanceof ClassesKey k && k.identities == identities && k.rules == rules
          && k.settings.equals(settings) && k.scopedPods.equals(scopedPods);
    }

    @Override
    public int hashCode() {
      return (System.identityHashCode(identities) * 31 + System.identityHashCode(rules)) * 31
          + settings.hashCode() * 31 + scopedPods.hashCode();
    }
  }

  /** An index of groups this memo returned: the very list, and which index. */
  private record IndexKey(List<SourceGroup> groups, String which) {
    @Override
    public boolean equals(Object o) {
      return o instanceof IndexKey k && k.groups == groups && k.which.equals(which);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(groups) * 31 + which.hashCode();
    }
  }

  private final Map<IdentitiesKey, List<SourceGroup>> identities = lastAsked();
  private final Map<ClassesKey, List<SourceGroup>> classes = lastAsked();
  private final Map<IndexKey, Map<Pod, ?>> indexes = lastAsked();

  private SourceGroupMemo(ClusterSnapshot unused) {}

  private static SourceGroupMemo of(PolicyEngine engine) {
    return engine.snapshot().derived(SourceGroupMemo.class, SourceGroupMemo::new);
  }

  /** {@code compute}'s identity groups of the engine's pods under the settings, kept. */
  static List<SourceGroup> identities(PolicyEngine engine, DatapathSettings now,
      Supplier<List<SourceGroup>> compute) {
    SourceGroupMemo memo = of(engine);
    IdentitiesKey key = new IdentitiesKey(engine.snapshot().namespaces(), now);
    synchronized (memo) {
      return memo.identities.computeIfAbsent(key, k -> List.copyOf(compute.get()));
    }
  }

  /** {@code compute}'s classes of the identity groups under the engine's rules, kept. */
  static List<SourceGroup> classes(PolicyEngine engine, List<SourceGroup> identities,
      List<DatapathSettings> settings, Set<String> scopedPods,
      Supplier<List<SourceGroup>> compute) {
    SourceGroupMemo memo = of(engine);
    ClassesKey key = new ClassesKey(identities, engine.rules(), List.copyOf(settings),
        Set.copyOf(scopedPods));
    synchronized (memo) {
      return memo.classes.computeIfAbsent(key, k -> compute.get());
    }
  }

  /** Each pod of the groups (a list this memo returned) to its group, kept with them. */
  static Map<Pod, SourceGroup> groupOfPod(PolicyEngine engine, List<SourceGroup> groups) {
    return index(engine, groups, "group", (g, i) -> g);
  }

  /** Each pod of the groups (a list this memo returned) to its place in its group's list. */
  static Map<Pod, Integer> positions(PolicyEngine engine, List<SourceGroup> groups) {
    return index(engine, groups, "position", (g, i) -> i);
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<Pod, V> index(PolicyEngine engine, List<SourceGroup> groups,
      String which, BiFunction<SourceGroup, Integer, V> value) {
    SourceGroupMemo memo = of(engine);
    synchronized (memo) {
      return (Map<Pod, V>) memo.indexes.computeIfAbsent(new IndexKey(groups, which), k -> {
        // Pods are values: hashing one would read all its fields; a pod is in one group.
        Map<Pod, V> out = new IdentityHashMap<>();
        for (SourceGroup g : groups) {
          for (int i = 0; i < g.pods().size(); i++) {
            out.put(g.pods().get(i), value.apply(g, i));
          }
        }
        return Collections.unmodifiableMap(out);
      });
    }
  }

  private static <K, V> Map<K, V> lastAsked() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > KEPT;
      }
    };
  }
}
