package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

  private final Map<String, List<Workload>> byNamespace = new HashMap<>();
  private final Map<List<Object>, Source> known = new HashMap<>();

  SourceNames(List<Workload> workloads) {
    for (Workload w : workloads) {
      byNamespace.computeIfAbsent(w.namespace(), k -> new ArrayList<>()).add(w);
    }
  }

  static SourceNames none() {
    return new SourceNames(List.of());
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
