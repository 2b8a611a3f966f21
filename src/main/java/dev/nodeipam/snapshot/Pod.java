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
}
