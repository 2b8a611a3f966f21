package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Rule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rules that select an identity. Namespaced rules are indexed by namespace, so a pod is only
 * ever compared with its own namespace's rules and the clusterwide ones; the answer is cached per
 * identity (label set), as Cilium's selector cache does, so pods sharing an identity cost one
 * lookup.
 */
final class PolicyIndex {
  private static final Comparator<Rule> ORDER =
      Comparator.comparing((Rule r) -> r.policy().kind())
          .thenComparing(r -> r.policy().namespace() == null ? "" : r.policy().namespace())
          .thenComparing(r -> r.policy().name())
          .thenComparing(Rule::origin);

  private final List<Rule> all;
  private final Map<String, List<Rule>> byNamespace = new HashMap<>();
  private final List<Rule> clusterwide = new ArrayList<>();
  private final Map<Map<String, String>, List<Rule>> cache = new ConcurrentHashMap<>();

  PolicyIndex(List<Rule> rules) {
    List<Rule> sorted = new ArrayList<>(rules);
    sorted.sort(ORDER);
    this.all = List.copyOf(sorted);
    for (Rule r : sorted) {
      if (!r.appliesToPods()) {
        continue;
      }
      if (r.isClusterwide()) {
        clusterwide.add(r);
      } else {
        byNamespace.computeIfAbsent(r.subjectNamespace(), k -> new ArrayList<>()).add(r);
      }
    }
  }

  List<Rule> all() {
    return all;
  }

  /** Every rule whose subject selects the identity; none for reserved identities. */
  List<Rule> selecting(Identity identity) {
    if (!identity.isPod()) {
      return List.of();
    }
    return cache.computeIfAbsent(identity.labels(), labels -> compute(identity, labels));
  }

  private List<Rule> compute(Identity identity, Map<String, String> labels) {
    List<Rule> out = new ArrayList<>();
    for (Rule r : byNamespace.getOrDefault(identity.pod().namespace(), List.of())) {
      if (r.subject().matches(labels)) {
        out.add(r);
      }
    }
    for (Rule r : clusterwide) {
      if (r.subject().matches(labels)) {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }
}
