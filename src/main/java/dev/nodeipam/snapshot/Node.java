package dev.nodeipam.snapshot;

import java.util.List;
import java.util.Map;

/**
 * A cluster node as the decisions need it.
 *
 * @param ready the status of the {@code Ready} condition: {@code "True"}, {@code "False"}, {@code
 *     "Unknown"}, or null when the node reports none
 * @param annotatedAddresses the node's {@code nodeipam.dev/external-ips} annotation, parsed (E13)
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
    String source,
    AnnotatedAddresses annotatedAddresses) {

  public Node {
    annotatedAddresses = annotatedAddresses == null ? AnnotatedAddresses.NONE : annotatedAddresses;
    labels = Map.copyOf(labels);
    addresses = List.copyOf(addresses);
    taints = List.copyOf(taints);
    podCidrs = List.copyOf(podCidrs);
  }

  /** One entry of {@code status.addresses}; the text is kept exactly as the node reports it. */
  public record NodeAddress(String type, String address) {}

  /** One entry of {@code spec.taints}. */
  public record Taint(String key, String value, String effect) {}

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .name(name)
        .labels(labels)
        .addresses(addresses)
        .taints(taints)
        .deleting(deleting)
        .ready(ready)
        .unschedulable(unschedulable)
        .podCidrs(podCidrs)
        .source(source)
        .annotatedAddresses(annotatedAddresses);
  }

  /** Builds a {@link Node} component by component. */
  public static final class Builder {
    private String name;
    private Map<String, String> labels = Map.of();
    private List<NodeAddress> addresses = List.of();
    private List<Taint> taints = List.of();
    private boolean deleting;
    private String ready;
    private boolean unschedulable;
    private List<String> podCidrs = List.of();
    private String source;
    private AnnotatedAddresses annotatedAddresses = AnnotatedAddresses.NONE;

    private Builder() {}

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public Builder addresses(List<NodeAddress> addresses) {
      this.addresses = addresses;
      return this;
    }

    public Builder taints(List<Taint> taints) {
      this.taints = taints;
      return this;
    }

    public Builder deleting(boolean deleting) {
      this.deleting = deleting;
      return this;
    }

    public Builder ready(String ready) {
      this.ready = ready;
      return this;
    }

    public Builder unschedulable(boolean unschedulable) {
      this.unschedulable = unschedulable;
      return this;
    }

    public Builder podCidrs(List<String> podCidrs) {
      this.podCidrs = podCidrs;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder annotatedAddresses(AnnotatedAddresses annotatedAddresses) {
      this.annotatedAddresses = annotatedAddresses;
      return this;
    }

    public Node build() {
      return new Node(
          name,
          labels,
          addresses,
          taints,
          deleting,
          ready,
          unschedulable,
          podCidrs,
          source,
          annotatedAddresses);
    }
  }
}
