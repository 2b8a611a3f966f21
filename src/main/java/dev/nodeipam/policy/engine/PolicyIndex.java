package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyParser;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.PolicyValidation;
import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  private final List<RawObject> policies;
  // Per release: the policies the agent rejects, by label (section 9 of the policy model).
  private final Map<CiliumVersion, Map<String, Rejection>> rejected = new ConcurrentHashMap<>();

  PolicyIndex(List<RawObject> policies, DnsAnswers dns, EngineCache cache) {
    this.dns = dns;
    this.cache = cache;
    this.policies = List.copyOf(policies);
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

  /** The policies the agent of the release rejects, by {@link PolicyRef#label}, in input order. */
  Map<String, Rejection> rejected(CiliumVersion version) {
    return rejected.computeIfAbsent(version, v -> {
      Map<String, Rejection> out = new LinkedHashMap<>();
      for (RawObject o : policies) {
        PolicyValidation.of(o, v).ifPresent(r -> out.put(r.policy().label(), r));
      }
      return Collections.unmodifiableMap(out);
    });
  }

  /** The rules the agent of the release installs: those of the policies it does not reject. */
  List<Rule> accepted(List<Rule> rules, CiliumVersion version) {
    Map<String, Rejection> no = rejected(version);
    if (no.isEmpty()) {
      return rules;
    }
    return rules.stream().filter(r -> !no.containsKey(r.policy().label())).toList();
  }

  /** The rules of the rejected policies among these, with why the agent rejects each. */
  List<Rejection> rejections(List<Rule> rules, CiliumVersion version) {
    Map<String, Rejection> no = rejected(version);
    List<Rejection> out = new ArrayList<>();
    for (Rule r : rules) {
      Rejection why = no.get(r.policy().label());
      if (why != null && !out.contains(why)) {
        out.add(why);
      }
    }
    return out;
  }

  /** {@link #selecting(Identity)} less the rules of policies the release's agent rejects. */
  List<Rule> selecting(Identity identity, CiliumVersion version) {
    return accepted(selecting(identity), version);
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
