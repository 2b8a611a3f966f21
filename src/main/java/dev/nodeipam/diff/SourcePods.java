package dev.nodeipam.diff;

import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the other state judges a finding's source pods by as senders, read once per source set:
 * the pods it has, each with the finding's source it comes from (class and placement here), its
 * class of identities there ({@link EvaluatedState#senderClass}) and its node there. Findings of
 * one state with the same source set trap the same pods, so the per-pod work is done once per
 * distinct source set, not per finding. What the other state's backends read of a client
 * ({@link EvaluatedState.ClientReads}) differs Service by Service; it is not kept here but added
 * to a pod's class when the pod is asked about ({@link #classOf}).
 */
final class SourcePods {
  /** A source pod the other state has: its copy there and what it is judged by there. */
  private record Sender(Pod here, Pod there, ServiceFindings.Source source,
      List<Object> senderClass) {}

  /** In this state's pods' order: source by source, as the finding lists them. */
  private final Map<String, Sender> byKey = new LinkedHashMap<>();
  private final Map<String, List<Pod>> byNode = new HashMap<>();
  /** Lazily, without and with the node there: the pods of each class, backends aside. */
  private final Map<Boolean, Collection<List<Pod>>> classes = new HashMap<>();
  private final boolean allPresent;

  private SourcePods(ServiceFindings.Group g, EvaluatedState there) {
    boolean all = true;
    for (ServiceFindings.Source s : g.sourceSet()) {
      for (Pod pod : g.podsOf(s)) {
        Pod t = there.pod(pod.key()).orElse(null);
        if (t == null) {
          all = false;
          continue;
        }
        byKey.put(pod.key(), new Sender(pod, t, s, there.senderClass(t)));
        byNode.computeIfAbsent(t.nodeName(), k -> new ArrayList<>()).add(pod);
      }
    }
    this.allPresent = all;
  }

  /**
   * The source pods of one state's findings, one {@link SourcePods} per source set, as another
   * state judges them. A source set names source groups of the state's trap search; the findings
   * of one state come from one search ({@code Audit.traps}), so within them equal source sets
   * hold the same pods.
   */
  static final class Memo {
    private final EvaluatedState there;
    private final Map<Set<ServiceFindings.Source>, SourcePods> of = new HashMap<>();

    Memo(EvaluatedState there) {
      this.there = there;
    }

    /** The source pods of a finding of one state (always the same state). */
    SourcePods of(ServiceFindings.Group g) {
      return of.computeIfAbsent(g.sourceSet(), k -> new SourcePods(g, there));
    }
  }

  /** Whether the other state has every pod of every source of the finding. */
  boolean allPresent() {
    return allPresent;
  }

  /** Whether the other state has the pod. */
  boolean has(Pod pod) {
    return byKey.containsKey(pod.key());
  }

  /**
   * The class the other state judges the pod in, where its backends read {@code reads} of a
   * client: the finding's source, the pod's class of identities there, and what the backends
   * read of the pod ({@link EvaluatedState.ClientReads#of}). Null for a pod it does not have.
   */
  List<Object> classOf(Pod pod, EvaluatedState.ClientReads reads) {
    Sender s = byKey.get(pod.key());
    return s == null ? null : List.of(s.source(), s.senderClass(), reads.of(s.there()));
  }

  /** The finding's pods that run on a node in the other state. */
  List<Pod> onNode(String node) {
    return byNode.getOrDefault(node, List.of());
  }

  /**
   * The pods of each class, where the backends read the client's node or not, in this state's
   * order: the pods of one list are of one class once the backends among them are left out (each
   * backend is a class of its own, see {@link #backends}).
   */
  Collection<List<Pod>> classes(boolean byNodeRead) {
    return classes.computeIfAbsent(byNodeRead, k -> {
      Map<List<Object>, List<Pod>> out = new LinkedHashMap<>();
      for (Sender s : byKey.values()) {
        List<Object> c = byNodeRead
            ? List.of(s.source(), s.senderClass(), String.valueOf(s.there().nodeName()))
            : List.of(s.source(), s.senderClass());
        out.computeIfAbsent(c, x -> new ArrayList<>()).add(s.here());
      }
      return List.copyOf(out.values());
    });
  }

  /** The finding's pods the other state has that are backends there: each a class of its own. */
  List<Pod> backends(EvaluatedState.ClientReads reads) {
    List<Pod> out = new ArrayList<>();
    for (String key : reads.backends()) {
      Sender s = byKey.get(key);
      if (s != null) {
        out.add(s.here());
      }
    }
    return out;
  }
}
