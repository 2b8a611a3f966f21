package dev.nodeipam.render.text;

import dev.nodeipam.policy.explanation.TranslationReason;
import dev.nodeipam.policy.explanation.TranslationReason.Balancer;
import dev.nodeipam.policy.explanation.TranslationReason.HostPort;
import dev.nodeipam.policy.explanation.TranslationReason.Where;

/**
 * The sentences for {@link TranslationReason}: why Cilium does or does not translate a flow's
 * address, with the sources each row rests on. Every command that prints the reason (trace text
 * and JSON, audit findings, diff, the HTML report) writes it through here.
 */
public final class TranslationText {
  private static final String WITHOUT_KPR = "Cilium 1.19+ installs it as a service frontend even"
      + " with kube-proxy-replacement=false (pkg/loadbalancer/reflectors/conversions.go,"
      + " kubermatic/kubermatic#15939), and the pod's per-packet load balancer translates it"
      + " (Cilium ";

  private TranslationText() {}

  /** The reason as one sentence, starting in lower case. */
  public static String sentence(TranslationReason r) {
    String lb = "LoadBalancer address of " + r.service();
    String ext = "externalIP of " + r.service();
    return switch (r.kind()) {
      case NOT_DIALLED -> "no address was dialled: the destination is named by its identity";
      case AS_ADDRESS -> "read as the address itself: no translation";
      case NO_FRONTEND -> r.address() + " is no Service frontend";
      case OTHER_PORT -> r.address() + " is a frontend of " + r.service() + " but not for port "
          + r.port() + "/" + r.detail() + ": nothing translates it";
      case HOST_PORT_NO_KPR -> hostPort(r) + ": without kube-proxy replacement Cilium installs no"
          + " HostPort frontend (the CNI portmap plugin's DNAT is not modelled), so policy sees"
          + " the node itself";
      case HOST_PORT_CLIENT_NODE -> hostPort(r) + ": " + (r.balancer() == Balancer.SOCKET_LB
          ? "socket LB translates it (wildcard lookup for the host's addresses,"
              + " sock4_wildcard_lookup_full in bpf/bpf_sock.c)"
          : "the pod's per-packet load balancer translates it (its node's HostPort frontends)")
          + " to the pod's containerPort";
      case HOST_PORT_OTHER_NODE -> hostPort(r) + ": socket LB skips a HostPort frontend that is"
          + " not the client's host (sock4_skip_xlate, bpf/bpf_sock.c), so policy sees that node;"
          + " its NodePort load balancer then delivers it to the pod";
      case CLUSTER_IP -> "ClusterIP of " + r.service() + ": " + balancer(r.balancer());
      case CLUSTER_IP_NO_KPR -> "ClusterIP of " + r.service()
          + ": Cilium translates ClusterIPs even with kube-proxy-replacement=false";
      case NODE_PORT_NO_KPR -> "nodePort " + r.port() + " of " + r.service() + " on a node"
          + " address: Cilium installs NodePort frontends only with kube-proxy-replacement"
          + " (convertService, pkg/loadbalancer/reflectors/conversions.go), so policy sees the"
          + " node itself (kube-proxy forwards it later)";
      case NODE_PORT -> "nodePort " + r.port() + " of " + r.service() + " on "
          + (r.where() == Where.CLIENT_NODE ? "the client's own" : "a") + " node address: "
          + (r.balancer() == Balancer.SOCKET_LB
              ? "socket LB translates it (wildcard lookup for host and remote-node addresses,"
                  + " sock4_wildcard_lookup in bpf/bpf_sock.c)"
              : r.where() == Where.CLIENT_NODE
                  ? balancer(r.balancer()) + " by the NodePort frontend Cilium installs for each"
                      + " of its node's addresses (pkg/loadbalancer/tests/testdata/nodeport.txtar)"
                  : balancer(r.balancer()) + " by a wildcard NodePort lookup (Cilium 1.20+,"
                      + " cilium/cilium#44507)");
      case NODE_PORT_AT_NODE -> "nodePort " + r.port() + " of " + r.service() + " on another"
          + " node's address: " + perPacket(r.balancer()) + " has no wildcard NodePort lookup"
          + " for a non-DSR service before Cilium 1.20 (cilium/cilium#44507; Cilium "
          + r.detail() + "), so policy sees that node, whose NodePort load balancer delivers it";
      case LOAD_BALANCER_PROXY -> lb + " with ipMode: Proxy: Cilium does not short-circuit it;"
          + " the traffic goes to the load balancer as a world address";
      case LOAD_BALANCER_NO_KPR -> lb + ": kube-proxy-replacement=false, so Cilium's policy sees"
          + " the address itself (kube-proxy rewrites it later)";
      case LOAD_BALANCER_WITHOUT_KPR -> lb + ": " + WITHOUT_KPR + r.detail() + ")";
      case LOAD_BALANCER -> lb + ": " + balancer(r.balancer());
      case EXTERNAL_IP_WITHOUT_KPR -> ext + ": " + WITHOUT_KPR + r.detail() + ")";
      case EXTERNAL_IP_NO_KPR -> ext + ": kube-proxy-replacement=false, so Cilium's policy sees"
          + " the address itself";
      case EXTERNAL_IP_CLIENT_NODE -> ext + " is an address of the client's own node: "
          + balancer(r.balancer());
      case EXTERNAL_IP_MITIGATED -> ext + " " + notClientNode(r.where()) + ": socket LB leaves it"
          + " untranslated (CVE-2020-8554 mitigation; disable-external-ip-mitigation=false), so"
          + " policy sees the address itself";
      case EXTERNAL_IP -> ext + " " + notClientNode(r.where()) + ": " + balancer(r.balancer());
    };
  }

  /** Which load balancer translates the address, in words. */
  private static String balancer(Balancer b) {
    return switch (b) {
      case SOCKET_LB -> "socket LB translates it for pods";
      case SOCKET_LB_MITIGATION_DISABLED ->
          "socket LB translates it (disable-external-ip-mitigation=true)";
      case POD_HOSTNS_ONLY ->
          "the per-packet load balancer at the pod translates it (bpf-lb-sock-hostns-only=true)";
      case POD_NO_SOCKET_LB ->
          "the per-packet load balancer at the pod translates it (bpf-lb-sock=false)";
      case POD_ENVOY -> "socket LB skips it, but the pod's per-packet load balancer"
          + " (enable-envoy-config=true) translates it";
      case POD_SCTP -> "socket LB skips it, but the pod's per-packet load balancer"
          + " (enable-sctp=true) translates it";
    };
  }

  /** The pod's per-packet load balancer, and why it runs. */
  private static String perPacket(Balancer b) {
    return "the per-packet load balancer at the pod ("
        + (b == Balancer.POD_HOSTNS_ONLY ? "bpf-lb-sock-hostns-only=true" : "bpf-lb-sock=false")
        + ")";
  }

  private static String notClientNode(Where where) {
    return where == Where.UNKNOWN_NODE
        ? "is not known to be an address of the client's node"
        : "is not an address of the client's node";
  }

  private static String hostPort(TranslationReason r) {
    HostPort h = r.hostPort();
    return "hostPort " + h.hostPort() + " of pod " + h.pod() + " (containerPort "
        + h.containerPort() + ") on "
        + (r.where() == Where.CLIENT_NODE ? "the client's own node " : "node ") + h.node();
  }
}
