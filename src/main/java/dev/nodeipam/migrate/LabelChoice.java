package dev.nodeipam.migrate;

import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.SelectorSyntaxException;
import dev.nodeipam.snapshot.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Chooses the node label a Service selects its nodes by: an existing label that already picks
 * exactly those nodes (as {@code ingress-ready=true} does in the seed cluster), else a new one.
 */
final class LabelChoice {
  private final List<Node> nodes;

  /** {@code key=value} → the nodes carrying it, for the labels that may be reused; built once. */
  private final Map<String, Set<String>> holders = new TreeMap<>();

  /** Every label key on any node → the nodes carrying it, whatever the value. */
  private final Map<String, Set<String>> keyHolders = new HashMap<>();

  LabelChoice(List<Node> nodes) {
    this.nodes = nodes;
    for (Node n : nodes) {
      for (Map.Entry<String, String> label : n.labels().entrySet()) {
        keyHolders.computeIfAbsent(label.getKey(), k -> new TreeSet<>()).add(n.name());
        if (!machineDescribing(label.getKey())) {
          holders
              .computeIfAbsent(label.getKey() + "=" + label.getValue(), k -> new TreeSet<>())
              .add(n.name());
        }
      }
    }
  }

  /**
   * The label for exactly {@code wanted}: an existing one when some {@code key=value} is on exactly
   * those nodes, else {@code nodeipam.dev/<namespace>.<service>=true} (a free key).
   */
  NodeLabel choose(Set<String> wanted, String namespace, String service, Set<String> plannedKeys) {
    NodeLabel existing = existing(wanted);
    if (existing != null) {
      return existing;
    }
    for (int attempt = 1; ; attempt++) {
      String key = Names.labelKey(namespace, service, attempt);
      if (plannedKeys.contains(key)) {
        continue;
      }
      boolean onOthers = !wanted.containsAll(keyHolders.getOrDefault(key, Set.of()));
      if (!onOthers) {
        return new NodeLabel(key, "true", false);
      }
    }
  }

  private Map<Set<String>, List<String>> bySet;

  /** The reusable labels grouped by the exact node set they pick, in label order. */
  private Map<Set<String>, List<String>> bySet() {
    if (bySet == null) {
      bySet = new HashMap<>();
      holders.forEach(
          (label, names) ->
              bySet.computeIfAbsent(names, k -> new ArrayList<>()).add(label));
    }
    return bySet;
  }

  private NodeLabel existing(Set<String> wanted) {
    if (wanted.isEmpty()) {
      return null;
    }
    for (String text : bySet().getOrDefault(wanted, List.of())) {
      int eq = text.indexOf('=');
      NodeLabel label = new NodeLabel(text.substring(0, eq), text.substring(eq + 1), true);
      if (selectsExactly(label.selector(), wanted)) {
        return label;
      }
    }
    return null;
  }

  /** Checks the selector text with the same parser Node IPAM uses. */
  private boolean selectsExactly(String text, Set<String> wanted) {
    LabelSelector selector;
    try {
      selector = LabelSelector.parse(text);
    } catch (SelectorSyntaxException e) {
      return false;
    }
    Set<String> picked = new TreeSet<>();
    nodes.stream().filter(n -> selector.matches(n.labels())).forEach(n -> picked.add(n.name()));
    return picked.equals(wanted);
  }

  /**
   * Labels the kubelet and cloud providers set to describe the machine (hostname, zone, instance
   * type, OS): that one of them picks the right nodes today is chance, not intent. Role labels and
   * everything else the operators set may be reused.
   */
  static boolean machineDescribing(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return false;
    }
    String prefix = key.substring(0, slash);
    if (prefix.equals("node-role.kubernetes.io")) {
      return false;
    }
    return prefix.equals("kubernetes.io")
        || prefix.endsWith(".kubernetes.io")
        || prefix.equals("k8s.io")
        || prefix.endsWith(".k8s.io");
  }
}
