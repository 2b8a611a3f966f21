package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.util.Map;
import java.util.Set;

/**
 * A security identity as Cilium's policy sees a peer: a pod's label set, or a reserved identity
 * (host, remote-node, world, ...). Policies match identities, never addresses; the address is kept
 * for CIDR rules, which match the world (and, with {@code policy-cidr-match-mode=nodes}, node)
 * identities of the addresses they cover.
 *
 * @param kind the primary identity
 * @param labels for pods, every identity label ({@code io.kubernetes.pod.namespace}, namespace
 *     labels, service account, cluster); for reserved identities {@code reserved:<name>} keys
 * @param reserved every reserved name the identity carries (e.g. remote-node and kube-apiserver)
 * @param address the address the identity was found for, or null (template pods)
 * @param pod the pod, for pod identities (and hostNetwork pods read as their node), else null
 * @param node the node, for host/remote-node identities when known, else null
 * @param dualStack whether world is split into world-ipv4/world-ipv6 (both families enabled)
 */
public record Identity(
    Kind kind,
    Map<String, String> labels,
    Set<String> reserved,
    IPAddress address,
    Pod pod,
    Node node,
    boolean dualStack) {

  /** The identities a destination or source can have. */
  public enum Kind {
    POD("pod"),
    HOST("host"),
    REMOTE_NODE("remote-node"),
    WORLD("world"),
    KUBE_APISERVER("kube-apiserver"),
    HEALTH("health"),
    INIT("init"),
    INGRESS("ingress"),
    UNMANAGED("unmanaged");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public Identity {
    labels = Map.copyOf(labels);
    reserved = Set.copyOf(reserved);
  }

  public boolean isPod() {
    return kind == Kind.POD;
  }

  public boolean isWorld() {
    return kind == Kind.WORLD || reserved.contains("world");
  }

  public boolean isNode() {
    return kind == Kind.HOST || kind == Kind.REMOTE_NODE;
  }

  /** The name Cilium shows: {@code pod}, {@code host}, {@code world-ipv4}, ... */
  public String name() {
    if (kind == Kind.WORLD && dualStack && address != null) {
      return address.isIPv4() ? "world-ipv4" : "world-ipv6";
    }
    return kind.wire();
  }

  /** The identity in a few words, e.g. {@code pod istio-system/gw-1} or {@code world 1.2.3.4}. */
  public String describe() {
    return switch (kind) {
      case POD -> "pod " + pod.key();
      case HOST, REMOTE_NODE ->
          name()
              + (node != null ? " (node " + node.name() + ")" : "")
              + (address != null ? " " + address : "")
              + (reserved.contains("kube-apiserver") && kind != Kind.KUBE_APISERVER
                  ? " +kube-apiserver"
                  : "");
      default -> name() + (address != null ? " " + address : "");
    };
  }
}
