package dev.nodeipam.snapshot;

import java.util.List;
import java.util.Map;

/**
 * A cluster node as the decisions need it.
 *
 * @param ready the status of the {@code Ready} condition: {@code "True"}, {@code "False"}, {@code
 *     "Unknown"}, or null when the node reports none
 */
public record Node(
    String name,
    Map<String, String> labels,
    List<NodeAddress> addresses,
    List<Taint> taints,
    boolean deleting,
    String ready,
    boolean unschedulable,
    List<String> podCidrs,
    String source) {

  public Node {
    labels = Map.copyOf(labels);
    addresses = List.copyOf(addresses);
    taints = List.copyOf(taints);
    podCidrs = List.copyOf(podCidrs);
  }

  /** One entry of {@code status.addresses}; the text is kept exactly as the node reports it. */
  public record NodeAddress(String type, String address) {}

  /** One entry of {@code spec.taints}. */
  public record Taint(String key, String value, String effect) {}
}
