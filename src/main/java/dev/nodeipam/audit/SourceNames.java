package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Workload;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * The sources of a list of pods: each identity's pods and name, and the names merged.
   *
   * @param identities each identity's pods, in the order its first pod comes
   * @param names each identity's name
   * @param memberOf each identity's place in {@code members}
   * @param identityOf each pod's identity, by place; null when there is only one
   */
  private record Split(List<Named> members, List<List<Pod>> identities, List<Source> names,
      int[] memberOf, Map<Pod, Integer> identityOf) {
    int identity(Pod p) {
      return identityOf == null ? 0 : identityOf.get(p);
    }
  }

  /** Sources in the order a report lists them: by name, whatever order their pods come in. */
  static final Comparator<Source> BY_NAME =
      Comparator.comparing(Source::name).thenComparing(Source::kind);

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
   * The sources of some pods, by name: each identity named as {@link #of} names it (with its pods
   * in the list counted), and identities of one name merged. A
   * class's pods but a few ({@link PodsExcept}) keep the names the class's list gives them.
   *
   * @param identityOf the identity (any value equal for the pods of one and only one) of a pod
   */
  List<Named> members(List<Pod> pods, Function<Pod, Object> identityOf) {
    PodsExcept except = PodsExcept.of(pods);
    if (except == null) {
      return split(pods, identityOf, true).members();
    }
    Split base = split(except.base(), identityOf, true);
    List<Named> fast = lessOf(base, except.out());
    return fast != null ? fast : split(List.copyOf(pods), identityOf, false).members();
  }

  /**
   * The class's sources less some of its pods, when that changes no source's name (it seldom
   * does: a source keeps its name unless it has no workload and one pod remains); null when it
   * does.
   */
  private List<Named> lessOf(Split base, List<Pod> out) {
    Map<Integer, Integer> less = new LinkedHashMap<>();
    Set<Pod> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(out);
    out.forEach(p -> less.merge(base.identity(p), 1, Integer::sum));
    int[] fewer = new int[base.members().size()];
    for (Map.Entry<Integer, Integer> e : less.entrySet()) {
      int id = e.getKey();
      List<Pod> ps = base.identities().get(id);
      int left = ps.size() - e.getValue();
      int member = base.memberOf()[id];
      if (left > 0) {
        Pod first = ps.stream().filter(p -> !gone.contains(p)).findFirst().orElseThrow();
        if (!of(first, left).equals(base.names().get(id))) {
          return null;
        }
      }
      fewer[member] += e.getValue();
    }
    List<Named> result = new ArrayList<>(base.members().size());
    for (int i = 0; i < fewer.length; i++) {
      Named m = base.members().get(i);
      if (m.count() > fewer[i]) {
        result.add(fewer[i] == 0 ? m : new Named(m.source(), m.count() - fewer[i]));
      }
    }
    return result;
  }

  /** The pods of each source of {@link #members}, in the same order. */
  Map<Source, List<Pod>> podsBySource(List<Pod> pods, Function<Pod, Object> identityOf) {
    boolean view = PodsExcept.of(pods) != null;
    Split split = split(view ? List.copyOf(pods) : pods, identityOf, !view);
    Map<Source, List<Pod>> out = new TreeMap<>(BY_NAME);
    for (Pod p : pods) {
      out.computeIfAbsent(split.names().get(split.identity(p)), k -> new ArrayList<>()).add(p);
    }
    return new LinkedHashMap<>(out);
  }

  private synchronized Split split(List<Pod> pods, Function<Pod, Object> identityOf,
      boolean keep) {
    Split known = splits.get(pods);
    if (known != null) {
      return known;
    }
    Map<Object, List<Pod>> byIdentity = new LinkedHashMap<>();
    for (Pod p : pods) {
      byIdentity.computeIfAbsent(identityOf.apply(p), k -> new ArrayList<>()).add(p);
    }
    List<List<Pod>> identities = new ArrayList<>(byIdentity.values());
    List<Source> names = new ArrayList<>(identities.size());
    Map<Source, Integer> counts = new TreeMap<>(BY_NAME);
    Map<Pod, Integer> identityOf2 = identities.size() == 1 ? null : new IdentityHashMap<>();
    for (int id = 0; id < identities.size(); id++) {
      List<Pod> ps = identities.get(id);
      Source name = of(ps.get(0), ps.size());
      names.add(name);
      counts.merge(name, ps.size(), Integer::sum);
      if (identityOf2 != null) {
        int identity = id;
        ps.forEach(p -> identityOf2.put(p, identity));
      }
    }
    List<Named> members = new ArrayList<>(counts.size());
    Map<Source, Integer> place = new HashMap<>();
    counts.forEach((source, n) -> {
      place.put(source, members.size());
      members.add(new Named(source, n));
    });
    int[] memberOf = names.stream().mapToInt(place::get).toArray();
    Split out = new Split(List.copyOf(members), identities, names, memberOf, identityOf2);
    if (keep) {
      splits.put(pods, out);
    }
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
