package dev.nodeipam.policy.explanation;

import java.util.Locale;

/**
 * Why Cilium does or does not translate a flow's address (section 2 of the policy model): the row
 * of the translation table that decided, and the few values its sentence names. The engine decides
 * it; {@code render.text.TranslationText} writes it as a sentence.
 *
 * @param kind the row of the translation table
 * @param address the dialled address, for the rows about an address that is no frontend
 * @param service {@code namespace/name} of the Service whose frontend the address is, or null
 * @param port the nodePort or the dialled port, where the sentence names one
 * @param hostPort the hostPort and the pod behind it, for the hostPort rows, else null
 * @param where where the address is relative to the client's node
 * @param balancer which load balancer translates it, for the rows that name one, else null
 * @param detail a value the row names: the Cilium release, or the flow's protocol
 */
public record TranslationReason(
    Kind kind,
    String address,
    String service,
    Integer port,
    HostPort hostPort,
    Where where,
    Balancer balancer,
    String detail) {

  /** The rows of the translation table. */
  public enum Kind {
    /** The destination was named by its identity: no address was dialled. */
    NOT_DIALLED,
    /** The question asked the address read as itself. */
    AS_ADDRESS,
    /** The address is no Service frontend. */
    NO_FRONTEND,
    /** The address is a frontend of a Service, but not for the flow's port and protocol. */
    OTHER_PORT,
    /** A hostPort without kube-proxy replacement: no HostPort frontend is installed. */
    HOST_PORT_NO_KPR,
    /** A hostPort on the client's own node, translated to the pod's containerPort. */
    HOST_PORT_CLIENT_NODE,
    /** A hostPort on another node: socket LB skips it, that node delivers it. */
    HOST_PORT_OTHER_NODE,
    /** A ClusterIP with kube-proxy replacement. */
    CLUSTER_IP,
    /** A ClusterIP without kube-proxy replacement: Cilium translates it all the same. */
    CLUSTER_IP_NO_KPR,
    /** A nodePort without kube-proxy replacement: no NodePort frontend. */
    NODE_PORT_NO_KPR,
    /** A nodePort on a node address, translated. */
    NODE_PORT,
    /**
     * A nodePort on another node's address that the pod's per-packet load balancer leaves to that
     * node (before Cilium 1.20, cilium/cilium#44507): policy sees the node.
     */
    NODE_PORT_AT_NODE,
    /** A LoadBalancer address with {@code ipMode: Proxy}. */
    LOAD_BALANCER_PROXY,
    /** A LoadBalancer address without kube-proxy replacement. */
    LOAD_BALANCER_NO_KPR,
    /** A LoadBalancer address without kube-proxy replacement, on a release that installs it. */
    LOAD_BALANCER_WITHOUT_KPR,
    /** A LoadBalancer address with kube-proxy replacement. */
    LOAD_BALANCER,
    /** An externalIP without kube-proxy replacement, on a release that installs it. */
    EXTERNAL_IP_WITHOUT_KPR,
    /** An externalIP without kube-proxy replacement. */
    EXTERNAL_IP_NO_KPR,
    /** An externalIP that is an address of the client's own node. */
    EXTERNAL_IP_CLIENT_NODE,
    /** An externalIP of another node, left untranslated by the CVE-2020-8554 mitigation. */
    EXTERNAL_IP_MITIGATED,
    /** An externalIP of another node, translated by a load balancer. */
    EXTERNAL_IP;

    /** The stable code {@code trace -o json} gives as {@code reasonCode}: {@code node-port}. */
    public String code() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** Where the dialled address is, relative to the client's node. */
  public enum Where {
    CLIENT_NODE,
    OTHER_NODE,
    /** The client's node is unknown, so the address is not known to be one of its addresses. */
    UNKNOWN_NODE
  }

  /** Which load balancer translates the address for the pod. */
  public enum Balancer {
    /** Socket LB, for pods. */
    SOCKET_LB,
    /** Socket LB, the flow's address being outside its external-IP mitigation. */
    SOCKET_LB_MITIGATION_DISABLED,
    /** The pod's per-packet load balancer, socket LB being host-namespace only. */
    POD_HOSTNS_ONLY,
    /** The pod's per-packet load balancer, socket LB being off. */
    POD_NO_SOCKET_LB,
    /** Socket LB skips it; the pod's per-packet load balancer runs for enable-envoy-config. */
    POD_ENVOY,
    /** Socket LB skips it; the pod's per-packet load balancer runs for enable-sctp. */
    POD_SCTP
  }

  /**
   * A pod's hostPort that was dialled.
   *
   * @param pod {@code namespace/name} of the pod
   * @param node the node the pod runs on
   */
  public record HostPort(int hostPort, String pod, int containerPort, String node) {}

  /** A row that names nothing. */
  public static TranslationReason of(Kind kind) {
    return new TranslationReason(kind, null, null, null, null, null, null, null);
  }

  /** The address is no frontend. */
  public static TranslationReason noFrontend(String address) {
    return new TranslationReason(Kind.NO_FRONTEND, address, null, null, null, null, null, null);
  }

  /** The address is a frontend of {@code service}, but not for {@code port/protocol}. */
  public static TranslationReason otherPort(
      String address, String service, int port, String protocol) {
    return new TranslationReason(
        Kind.OTHER_PORT, address, service, port, null, null, null, protocol);
  }

  /** A Service frontend's row; {@code port} is the nodePort for the NodePort rows. */
  public static TranslationReason service(
      Kind kind, String service, Integer port, Where where, Balancer balancer) {
    return new TranslationReason(kind, null, service, port, null, where, balancer, null);
  }

  /** A row that names the Cilium release. */
  public static TranslationReason release(Kind kind, String service, String version) {
    return new TranslationReason(kind, null, service, null, null, null, null, version);
  }

  /** A NodePort row that names where the address is, the balancer and the Cilium release. */
  public static TranslationReason nodePortRelease(
      Kind kind, String service, int nodePort, Where where, Balancer balancer, String version) {
    return new TranslationReason(kind, null, service, nodePort, null, where, balancer, version);
  }

  /** A hostPort row. */
  public static TranslationReason hostPort(
      Kind kind, HostPort hostPort, Where where, Balancer balancer) {
    return new TranslationReason(kind, null, null, null, hostPort, where, balancer, null);
  }
}
