package dev.nodeipam.ipam;

import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's nodes as the Node IPAM decision reads them: addresses parsed once, and the answer
 * to "which eligible nodes does this selector pick" remembered, so that ten thousand Services
 * sharing a few selectors cost a few node scans, not ten thousand. Immutable from the outside: the
 * memo only caches what a pure function of the nodes would return.
 */
public final class NodePool {
  private final List<NodeAddresses> nodes;
  private final Map<String, NodeAddresses> byName;
  private final Map<SelectionKey, Selection> selections = new ConcurrentHashMap<>();
  private final Map<AddressKey, List<String>> addresses = new ConcurrentHashMap<>();

  private NodePool(List<NodeAddresses> nodes) {
    this.nodes = nodes;
    Map<String, NodeAddresses> map = new HashMap<>();
    nodes.forEach(n -> map.put(n.node().name(), n));
    this.byName = map;
  }

  /**
   * The pool of a snapshot's nodes, made once and shared by the snapshots that hold the very same
   * nodes ({@link ClusterSnapshot#derived}): both states of a Service's change, and their planned
   * statuses, parse a thousand nodes' addresses once.
   */
  public static NodePool of(ClusterSnapshot snapshot) {
    return snapshot.derived(NodePool.class, s -> of(s.nodes()));
  }

  /** The pool of the given nodes, ordered by name so that every listing is stable. */
  public static NodePool of(Collection<Node> nodes) {
    List<NodeAddresses> parsed = new ArrayList<>(nodes.size());
    for (Node node : nodes) {
      parsed.add(NodeAddresses.of(node));
    }
    parsed.sort(Comparator.comparing(n -> n.node().name()));
    return new NodePool(List.copyOf(parsed));
  }

  public int size() {
    return nodes.size();
  }

  public List<Node> nodes() {
    return nodes.stream().map(NodeAddresses::node).toList();
  }

  NodeAddresses byName(String name) {
    return byName.get(name);
  }

  /**
   * Eligible nodes the selector matches (and their names, one immutable list that every decision
   * sharing the selector reuses), matching nodes that are ineligible, and the rest.
   */
  record Selection(
      List<NodeAddresses> eligible,
      List<String> eligibleNames,
      List<Exclusion> excluded,
      int unselected) {}

  private record SelectionKey(String selector, boolean excludeFalseKeeps, boolean readyOnly) {}

  private record AddressKey(
      String selector,
      boolean excludeFalseKeeps,
      boolean readyOnly,
      List<IpFamily> families,
      AddressPolicy policy,
      boolean canonical) {}

  Selection select(LabelSelector selector, NodeIpamOptions options) {
    SelectionKey key =
        new SelectionKey(
            selector.text(), options.excludeLabelFalseKeepsNode(), options.readyNodesOnly());
    return selections.computeIfAbsent(key, k -> scan(selector, options));
  }

  /** The published list for a Service whose candidates are every selected eligible node. */
  List<String> clusterAddresses(
      LabelSelector selector, NodeIpamOptions options, List<IpFamily> families) {
    AddressKey key =
        new AddressKey(
            selector.text(),
            options.excludeLabelFalseKeepsNode(),
            options.readyNodesOnly(),
            families,
            options.addressPolicy(),
            options.canonicalOrder());
    return addresses.computeIfAbsent(
        key,
        k ->
            AddressSelection.select(
                select(selector, options).eligible(),
                families,
                options.addressPolicy(),
                options.canonicalOrder()));
  }

  private Selection scan(LabelSelector selector, NodeIpamOptions options) {
    List<NodeAddresses> eligible = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    int unselected = 0;
    for (NodeAddresses n : nodes) {
      if (!selector.matches(n.node().labels())) {
        unselected++;
        continue;
      }
      ExclusionReason reason = NodeEligibility.exclusion(n.node(), options);
      if (reason == null) {
        eligible.add(n);
      } else {
        excluded.add(new Exclusion(n.node().name(), reason));
      }
    }
    List<String> names = new ArrayList<>(eligible.size());
    eligible.forEach(n -> names.add(n.node().name()));
    return new Selection(
        List.copyOf(eligible), List.copyOf(names), List.copyOf(excluded), unselected);
  }
}
