package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.Requirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code metav1.LabelSelector} trees ({@code matchLabels} and {@code matchExpressions}) as
 * selectors over identity labels, the way Cilium compares them: a {@code k8s:} or {@code any:}
 * source prefix is dropped (pod labels carry the k8s source), {@code reserved:} keys are kept.
 */
final class SelectorReader {
  static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";
  static final String NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";

  private final Raw raw;

  SelectorReader(Raw raw) {
    this.raw = raw;
  }

  /** A selector's requirements with keys normalised; {@code keyPrefix} is put before each key. */
  List<Requirement> requirements(Object value, String path, String keyPrefix) {
    Map<String, Object> tree = raw.map(value, path);
    for (String field : tree.keySet()) {
      if (!field.equals("matchLabels") && !field.equals("matchExpressions")) {
        throw raw.bad(path, "unknown selector field \"" + field + "\"");
      }
    }
    List<Requirement> out = new ArrayList<>();
    raw.stringMap(tree.get("matchLabels"), path + ".matchLabels")
        .forEach(
            (k, v) ->
                out.add(
                    new Requirement(
                        keyPrefix + key(k, path), Requirement.Operator.EQUALS, Set.of(v))));
    List<Object> expressions = raw.list(tree.get("matchExpressions"), path + ".matchExpressions");
    for (int i = 0; i < expressions.size(); i++) {
      String at = path + ".matchExpressions[" + i + "]";
      Map<String, Object> e = raw.map(expressions.get(i), at);
      String key = raw.string(e.get("key"), at + ".key");
      if (key == null || key.isEmpty()) {
        throw raw.bad(at, "matchExpressions entry has no key");
      }
      String operator = raw.string(e.get("operator"), at + ".operator");
      List<String> values = new ArrayList<>();
      for (Object v : raw.list(e.get("values"), at + ".values")) {
        values.add(raw.string(v, at + ".values"));
      }
      Requirement.Operator op = Requirement.Operator.ofExpression(operator);
      if (op == null) {
        throw raw.bad(
            at + ".operator", "\"" + operator + "\" is not In, NotIn, Exists or DoesNotExist");
      }
      boolean needsValues = op == Requirement.Operator.IN || op == Requirement.Operator.NOT_IN;
      if (needsValues && values.isEmpty()) {
        throw raw.bad(at + ".values", operator + " needs at least one value");
      }
      if (!needsValues && !values.isEmpty()) {
        throw raw.bad(at + ".values", operator + " takes no values");
      }
      out.add(new Requirement(keyPrefix + key(key, at), op, Set.copyOf(values)));
    }
    return out;
  }

  LabelSelector selector(List<Requirement> requirements) {
    return LabelSelector.of(Map.of(), requirements);
  }

  private String key(String key, String path) {
    if (key.isEmpty()) {
      throw raw.bad(path, "empty label key");
    }
    if (key.startsWith("k8s:")) {
      return key.substring(4);
    }
    if (key.startsWith("any:")) {
      return key.substring(4);
    }
    return key;
  }

  static boolean mentions(List<Requirement> requirements, String key) {
    return requirements.stream().anyMatch(r -> r.key().equals(key));
  }

  static boolean mentionsReserved(List<Requirement> requirements) {
    return requirements.stream().anyMatch(r -> r.key().startsWith("reserved:"));
  }

  static final String CLUSTER_KEY = "io.cilium.k8s.policy.cluster";

  /** A peer selector with the terms the agent adds, and those left to the release and settings. */
  record Scoped(List<Requirement> requirements, Peer.AddedTerms terms) {}

  /**
   * A CNP or CCNP {@code fromEndpoints}/{@code toEndpoints} selector as {@code getEndpointSelector}
   * in {@code pkg/k8s/apis/cilium.io/utils/utils.go} translates it: a {@code reserved:} key leaves
   * it as written; else, without a namespace key, a CNP pins it to its namespace (from 1.18 not
   * when it selects by namespace labels) and a CCNP adds {@code io.kubernetes.pod.namespace
   * Exists}; then the cluster term of {@code policy-default-local-cluster}, unless it names a
   * cluster.
   *
   * @param namespace the CNP's namespace; null for a CCNP
   */
  static Scoped ciliumPeer(List<Requirement> requirements, String namespace) {
    if (mentionsReserved(requirements)) {
      return new Scoped(requirements, Peer.AddedTerms.NONE);
    }
    List<Requirement> out = new ArrayList<>(requirements);
    String before118 = null;
    if (!mentions(requirements, NAMESPACE_KEY)) {
      if (namespace == null) {
        out.add(new Requirement(NAMESPACE_KEY, Requirement.Operator.EXISTS, Set.of()));
      } else if (requirements.stream().anyMatch(r -> r.key().startsWith(NAMESPACE_LABEL_PREFIX))) {
        before118 = namespace;
      } else {
        out.add(new Requirement(NAMESPACE_KEY, Requirement.Operator.EQUALS, Set.of(namespace)));
      }
    }
    return new Scoped(out, new Peer.AddedTerms(before118, !mentions(requirements, CLUSTER_KEY)));
  }

  /** Pins a selector to a namespace unless it already names one (or a reserved identity). */
  static List<Requirement> pinned(List<Requirement> requirements, String namespace) {
    if (namespace == null
        || mentions(requirements, NAMESPACE_KEY)
        || mentionsReserved(requirements)) {
      return requirements;
    }
    List<Requirement> out = new ArrayList<>(requirements);
    out.add(new Requirement(NAMESPACE_KEY, Requirement.Operator.EQUALS, Set.of(namespace)));
    return out;
  }

  /** Readable form of a selector for explanations: {@code {}} for the empty one. */
  static String text(List<Requirement> requirements) {
    if (requirements.isEmpty()) {
      return "{}";
    }
    StringBuilder b = new StringBuilder();
    for (Requirement r : requirements) {
      b.append(b.length() == 0 ? "" : ",").append(r);
    }
    return b.toString();
  }
}
