package dev.nodeipam.snapshot;

import java.util.List;
import java.util.Map;

/**
 * A pod, or the pod template of a workload standing for its pods when the input has none.
 *
 * @param workload {@code Kind/name} of the workload whose template this is, or null for a real pod
 */
public record Pod(
    String namespace,
    String name,
    Map<String, String> labels,
    String serviceAccount,
    String nodeName,
    boolean hostNetwork,
    List<String> ips,
    List<ContainerPort> ports,
    boolean ready,
    boolean deleting,
    String workload,
    String source) {

  public Pod {
    labels = Map.copyOf(labels);
    ips = List.copyOf(ips);
    ports = List.copyOf(ports);
  }

  public String key() {
    return namespace + "/" + name;
  }

  public boolean isTemplate() {
    return workload != null;
  }

  /**
   * Whether the pod is, to Cilium, its node: a hostNetwork pod has no endpoint or identity of its
   * own, so a client on the host network is seen as its node (host or remote-node).
   */
  public boolean isItsNode() {
    return hostNetwork;
  }

  /**
   * Whether the pod is a Cilium endpoint with addresses of its own: a real pod (not a workload's
   * template) that is not its node.
   */
  public boolean isEndpoint() {
    return !isItsNode() && !isTemplate();
  }

  /**
   * A declared container port; protocol defaults to TCP.
   *
   * @param hostPort the node port it is exposed on ({@code hostPort}), or null
   * @param hostIp the node address the hostPort is bound to ({@code hostIP}), or null for all
   */
  public record ContainerPort(
      String name, int port, String protocol, Integer hostPort, String hostIp) {
    public ContainerPort(String name, int port, String protocol) {
      this(name, port, protocol, null, null);
    }
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .namespace(namespace)
        .name(name)
        .labels(labels)
        .serviceAccount(serviceAccount)
        .nodeName(nodeName)
        .hostNetwork(hostNetwork)
        .ips(ips)
        .ports(ports)
        .ready(ready)
        .deleting(deleting)
        .workload(workload)
        .source(source);
  }

  /** Builds a {@link Pod} component by component. */
  public static final class Builder {
    private String namespace;
    private String name;
    private Map<String, String> labels = Map.of();
    private String serviceAccount;
    private String nodeName;
    private boolean hostNetwork;
    private List<String> ips = List.of();
    private List<ContainerPort> ports = List.of();
    private boolean ready;
    private boolean deleting;
    private String workload;
    private String source;

    private Builder() {}

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public Builder serviceAccount(String serviceAccount) {
      this.serviceAccount = serviceAccount;
      return this;
    }

    public Builder nodeName(String nodeName) {
      this.nodeName = nodeName;
      return this;
    }

    public Builder hostNetwork(boolean hostNetwork) {
      this.hostNetwork = hostNetwork;
      return this;
    }

    public Builder ips(List<String> ips) {
      this.ips = ips;
      return this;
    }

    public Builder ports(List<ContainerPort> ports) {
      this.ports = ports;
      return this;
    }

    public Builder ready(boolean ready) {
      this.ready = ready;
      return this;
    }

    public Builder deleting(boolean deleting) {
      this.deleting = deleting;
      return this;
    }

    public Builder workload(String workload) {
      this.workload = workload;
      return this;
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Pod build() {
      return new Pod(
          namespace,
          name,
          labels,
          serviceAccount,
          nodeName,
          hostNetwork,
          ips,
          ports,
          ready,
          deleting,
          workload,
          source);
    }
  }
}
