package dev.nodeipam.snapshot;

import dev.nodeipam.labels.LabelSelector;
import java.util.List;
import java.util.Map;

/** A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob and its pod template. */
public record Workload(
    String kind,
    String namespace,
    String name,
    LabelSelector selector,
    Map<String, String> templateLabels,
    String serviceAccount,
    boolean hostNetwork,
    List<Pod.ContainerPort> ports,
    String source) {

  public Workload {
    templateLabels = Map.copyOf(templateLabels);
    ports = List.copyOf(ports);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .kind(kind)
        .namespace(namespace)
        .name(name)
        .selector(selector)
        .templateLabels(templateLabels)
        .serviceAccount(serviceAccount)
        .hostNetwork(hostNetwork)
        .ports(ports)
        .source(source);
  }

  /** Builds a {@link Workload} component by component. */
  public static final class Builder {
    private String kind;
    private String namespace;
    private String name;
    private LabelSelector selector;
    private Map<String, String> templateLabels = Map.of();
    private String serviceAccount;
    private boolean hostNetwork;
    private List<Pod.ContainerPort> ports = List.of();
    private String source;

    private Builder() {}

    public Builder kind(String kind) {
      this.kind = kind;
      return this;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder selector(LabelSelector selector) {
      this.selector = selector;
      return this;
    }

    public Builder templateLabels(Map<String, String> templateLabels) {
      this.templateLabels = templateLabels;
      return this;
    }

    public Builder serviceAccount(String serviceAccount) {
      this.serviceAccount = serviceAccount;
      return this;
    }

    public Builder hostNetwork(boolean hostNetwork) {
      this.hostNetwork = hostNetwork;
      return this;
    }

    public Builder ports(List<Pod.ContainerPort> ports) {
      this.ports = ports;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Workload build() {
      return new Workload(
          kind,
          namespace,
          name,
          selector,
          templateLabels,
          serviceAccount,
          hostNetwork,
          ports,
          source);
    }
  }
}
