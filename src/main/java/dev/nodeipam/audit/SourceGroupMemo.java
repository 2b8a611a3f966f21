package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Namespace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  private final Map<IdentitiesKey, List<SourceGroup>> identities = lastAsked();
  private final Map<ClassesKey, List<SourceGroup>> classes = lastAsked();

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

  private static <K, V> Map<K, V> lastAsked() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > KEPT;
      }
    };
  }
}
