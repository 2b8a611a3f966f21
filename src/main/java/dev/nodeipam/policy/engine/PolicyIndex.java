package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyParser;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that select an identity. Namespaced rules are kept per namespace and parsed the first
 * time a pod of that namespace is asked about, so a pod is only ever compared with its own
 * namespace's rules and the clusterwide ones (parsed up front); the answer is cached per identity
 * (label set), as Cilium's selector cache does, so pods sharing an identity cost one lookup.
 */
final class PolicyIndex {
  private static final Comparator<Rule> ORDER =
      Comparator.comparing((Rule r) -> r.policy().kind())
          .thenComparing(r -> r.policy().namespace() == null ? "" : r.policy().namespace())
          .thenComparing(r -> r.policy().name())
          .thenComparing(Rule::origin);

  private final Map<String, List<RawObject>> rawByNamespace = new HashMap<>();
  private final List<Rule> clusterwide;
  private final EngineCache cache;
  private volatile List<Rule> all;

  private final DnsAnswers dns;

  PolicyIndex(List<RawObject> policies, DnsAnswers dns, EngineCache cache) {
    this.dns = dns;
    this.cache = cache;
    List<RawObject> wide = new ArrayList<>();
    for (RawObject o : policies) {
      if (o.kind().equals(PolicyRef.CCNP)) {
        wide.add(o);
      } else {
        String ns = PolicyParser.refOf(o).namespace();
        rawByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(o);
      }
    }
    this.clusterwide = sorted(PolicyParser.parseAll(wide, dns));
  }

  /** Every rule, parsed (and so validated), in a stable order. */
  List<Rule> all() {
    List<Rule> out = all;
    if (out == null) {
      List<Rule> rules = new ArrayList<>(clusterwide);
      rawByNamespace.keySet().forEach(ns -> rules.addAll(namespaced(ns)));
      out = sorted(rules);
      all = out;
    }
    return out;
  }

  private List<Rule> namespaced(String namespace) {
    return cache.namespaceRules(new EngineCache.NamespaceRules(namespace), key -> sorted(
        PolicyParser.parseAll(rawByNamespace.getOrDefault(key.namespace(), List.of()), dns)));
  }

  private static List<Rule> sorted(List<Rule> rules) {
    List<Rule> out = new ArrayList<>(rules);
    out.sort(ORDER);
    return List.copyOf(out);
  }

  /** Every rule whose subject selects the identity; none for reserved identities. */
  List<Rule> selecting(Identity identity) {
    if (!identity.isPod()) {
      return List.of();
    }
    return cache.selecting(EngineCache.Selecting.of(identity), PolicyIndex.this::compute);
  }

  private List<Rule> compute(EngineCache.Selecting key) {
    Map<String, String> labels = key.labels();
    List<Rule> out = new ArrayList<>();
    for (Rule r : namespaced(key.namespace())) {
      if (r.appliesToPods() && r.subject().matches(labels)) {
        out.add(r);
      }
    }
    for (Rule r : clusterwide) {
      if (r.appliesToPods() && r.subject().matches(labels)) {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }
}
