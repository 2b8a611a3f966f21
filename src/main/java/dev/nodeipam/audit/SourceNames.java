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
   * judged as one): the source and its pods among the trap's.
   */
  public record Named(Source source, List<Pod> pods) {
    public Named {
      pods = List.copyOf(pods);
    }
  }

  private final Map<String, List<Workload>> byNamespace = new HashMap<>();
  // Traps of one class share its pod lists: split each list once.
  private final Map<List<Pod>, List<Named>> members = new IdentityHashMap<>();
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
   * #of} names it (with its pods in the list counted), and identities of one name merged.
   *
   * @param identityOf the identity (any value equal for the pods of one and only one) of a pod
   */
  synchronized List<Named> members(List<Pod> pods, Function<Pod, Object> identityOf) {
    List<Named> known = members.get(pods);
    if (known != null) {
      return known;
    }
    Map<Object, List<Pod>> byIdentity = new LinkedHashMap<>();
    for (Pod p : pods) {
      byIdentity.computeIfAbsent(identityOf.apply(p), k -> new ArrayList<>()).add(p);
    }
    List<Named> out;
    if (byIdentity.size() == 1) {
      out = List.of(new Named(of(pods.get(0), pods.size()), pods));
    } else {
      Map<Source, List<Pod>> byName = new LinkedHashMap<>();
      byIdentity.values().forEach(ps ->
          byName.computeIfAbsent(of(ps.get(0), ps.size()), k -> new ArrayList<>()).addAll(ps));
      out = new ArrayList<>(byName.size());
      for (Map.Entry<Source, List<Pod>> e : byName.entrySet()) {
        out.add(new Named(e.getKey(), e.getValue()));
      }
      out = List.copyOf(out);
    }
    members.put(pods, out);
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
