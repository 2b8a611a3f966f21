package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Names the sources of a trap as a person knows them: the workload whose pods they are (a
 * Deployment, not its ReplicaSet), else the pod when there is one, else the identity (namespace
 * and labels, without the labels that change with every rollout).
 */
public final class SourceNames {
  /** Kinds in the order a person names them: the one that owns the others first. */
  private static final List<String> KIND_ORDER = List.of("Deployment", "StatefulSet",
      "DaemonSet", "CronJob", "Job", "ReplicationController", "ReplicaSet");

  /**
   * A trap's source as reported.
   *
   * @param kind the workload's kind, {@code Pod}, or {@code identity}
   * @param name {@code namespace/name}, or {@code namespace/k=v,...} for an identity
   */
  public record Source(String kind, String name) {}

  /**
   * One source of a trap whose pods span several (a class of identities no rule tells apart,
   * judged as one): the source and how many of the trap's pods are its.
   */
  public record Named(Source source, int count) {}

  /** The sources of a list of pods, and which of them each pod is (null: all the first). */
  private record Split(List<Named> members, Map<Pod, Integer> memberOf) {
    int of(Pod p) {
      return memberOf == null ? 0 : memberOf.get(p);
    }
  }

  private final Map<String, List<Workload>> byNamespace = new HashMap<>();
  // Traps of one class share its pod lists: split each list once.
  private final Map<List<Pod>, Split> splits = new IdentityHashMap<>();
  private final Map<List<Object>, Source> known = new HashMap<>();

  SourceNames(List<Workload> workloads) {
    for (Workload w : workloads) {
      byNamespace.computeIfAbsent(w.namespace(), k -> new ArrayList<>()).add(w);
    }
  }

  static SourceNames none() {
    return new SourceNames(List.of());
  }

  /**
   * The sources of some pods, in the order their first pod comes: each identity named as {@link
   * #of} names it (with its pods in the list counted), and identities of one name merged. A
   * class's pods but a few ({@link PodsExcept}) keep the names the class's list gives them.
   *
   * @param identityOf the identity (any value equal for the pods of one and only one) of a pod
   */
  List<Named> members(List<Pod> pods, Function<Pod, Object> identityOf) {
    PodsExcept except = PodsExcept.of(pods);
    if (except == null) {
      return split(pods, identityOf).members();
    }
    Split base = split(except.base(), identityOf);
    int[] less = new int[base.members().size()];
    for (Pod p : except.out()) {
      less[base.of(p)]++;
    }
    List<Named> out = new ArrayList<>(base.members().size());
    for (int i = 0; i < less.length; i++) {
      Named m = base.members().get(i);
      if (m.count() > less[i]) {
        out.add(less[i] == 0 ? m : new Named(m.source(), m.count() - less[i]));
      }
    }
    return out;
  }

  /** The pods of each source of {@link #members}, in the same order. */
  Map<Source, List<Pod>> podsBySource(List<Pod> pods, Function<Pod, Object> identityOf) {
    PodsExcept except = PodsExcept.of(pods);
    Split split = split(except == null ? pods : except.base(), identityOf);
    Map<Source, List<Pod>> out = new LinkedHashMap<>();
    for (Pod p : pods) {
      out.computeIfAbsent(split.members().get(split.of(p)).source(), k -> new ArrayList<>())
          .add(p);
    }
    return out;
  }

  private synchronized Split split(List<Pod> pods, Function<Pod, Object> identityOf) {
    Split known = splits.get(pods);
    if (known != null) {
      return known;
    }
    Map<Object, List<Pod>> byIdentity = new LinkedHashMap<>();
    for (Pod p : pods) {
      byIdentity.computeIfAbsent(identityOf.apply(p), k -> new ArrayList<>()).add(p);
    }
    Split out;
    if (byIdentity.size() == 1) {
      out = new Split(List.of(new Named(of(pods.get(0), pods.size()), pods.size())), null);
    } else {
      Map<Source, Integer> index = new LinkedHashMap<>();
      List<Integer> counts = new ArrayList<>();
      Map<Pod, Integer> memberOf = new IdentityHashMap<>();
      for (List<Pod> ps : byIdentity.values()) {
        int i = index.computeIfAbsent(of(ps.get(0), ps.size()), k -> {
          counts.add(0);
          return counts.size() - 1;
        });
        counts.set(i, counts.get(i) + ps.size());
        ps.forEach(p -> memberOf.put(p, i));
      }
      List<Named> members = new ArrayList<>(index.size());
      index.forEach((source, i) -> members.add(new Named(source, counts.get(i))));
      out = new Split(List.copyOf(members), memberOf);
    }
    splits.put(pods, out);
    return out;
  }

  /** The source of pods sharing {@code first}'s identity; {@code count} of them in all. */
  synchronized Source of(Pod first, int count) {
    if (first.isTemplate()) {
      String w = first.workload();
      int slash = w.indexOf('/');
      return new Source(w.substring(0, slash), first.namespace() + "/" + w.substring(slash + 1));
    }
    Source workload = known.computeIfAbsent(List.of(first.namespace(), first.labels()),
        k -> workloadOf(first));
    if (workload != null) {
      return workload;
    }
    if (count == 1) {
      return new Source("Pod", first.key());
    }
    Map<String, String> labels = new TreeMap<>(first.labels());
    labels.keySet().removeAll(Companions.VOLATILE_LABELS);
    List<String> parts = new ArrayList<>();
    labels.forEach((k, v) -> parts.add(k + "=" + v));
    return new Source("identity", first.namespace() + "/" + String.join(",", parts));
  }

  private Source workloadOf(Pod pod) {
    Workload best = null;
    for (Workload w : byNamespace.getOrDefault(pod.namespace(), List.of())) {
      if (w.selector() == null || !w.selector().matches(pod.labels())) {
        continue;
      }
      if (best == null || rank(w) < rank(best)
          || rank(w) == rank(best) && w.name().compareTo(best.name()) < 0) {
        best = w;
      }
    }
    return best == null ? null : new Source(best.kind(), best.key());
  }

  private static int rank(Workload w) {
    int i = KIND_ORDER.indexOf(w.kind());
    return i < 0 ? KIND_ORDER.size() : i;
  }
}
