package dev.nodeipam.render.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.TranslationReason;
import dev.nodeipam.policy.explanation.TranslationReason.Balancer;
import dev.nodeipam.policy.explanation.TranslationReason.HostPort;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.TranslationReason.Where;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sentence of every row of the translation table (section 2 of the policy model), as trace,
 * audit and diff print it. The sources each sentence cites are those the engine's rows rest on
 * (TranslationTableTest, HostPortTest).
 */
class TranslationTextTest {
  private static final String SVC = "istio-system/gw";
  private static final HostPort NGINX = new HostPort(443, "ingress/nginx-1", 8443, "n1");

  record Case(String name, TranslationReason reason, String sentence) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("not dialled", TranslationReason.of(Kind.NOT_DIALLED),
            "no address was dialled: the destination is named by its identity"),
        new Case("read as the address", TranslationReason.of(Kind.AS_ADDRESS),
            "read as the address itself: no translation"),
        new Case("no frontend", TranslationReason.noFrontend("9.9.9.9"),
            "9.9.9.9 is no Service frontend"),
        new Case("another port", TranslationReason.otherPort("10.96.0.10", SVC, 8443, "TCP"),
            "10.96.0.10 is a frontend of istio-system/gw but not for port 8443/TCP: nothing"
                + " translates it"),
        new Case("hostPort, no kube-proxy replacement",
            TranslationReason.hostPort(Kind.HOST_PORT_NO_KPR, NGINX, Where.OTHER_NODE, null),
            "hostPort 443 of pod ingress/nginx-1 (containerPort 8443) on node n1: without"
                + " kube-proxy replacement Cilium installs no HostPort frontend (the CNI portmap"
                + " plugin's DNAT is not modelled), so policy sees the node itself"),
        new Case("hostPort, client's node, socket LB",
            TranslationReason.hostPort(
                Kind.HOST_PORT_CLIENT_NODE, NGINX, Where.CLIENT_NODE, Balancer.SOCKET_LB),
            "hostPort 443 of pod ingress/nginx-1 (containerPort 8443) on the client's own node"
                + " n1: socket LB translates it (wildcard lookup for the host's addresses,"
                + " sock4_wildcard_lookup_full in bpf/bpf_sock.c) to the pod's containerPort"),
        new Case("hostPort, client's node, per-packet",
            TranslationReason.hostPort(
                Kind.HOST_PORT_CLIENT_NODE, NGINX, Where.CLIENT_NODE, Balancer.POD_HOSTNS_ONLY),
            "hostPort 443 of pod ingress/nginx-1 (containerPort 8443) on the client's own node"
                + " n1: the pod's per-packet load balancer translates it (its node's HostPort"
                + " frontends) to the pod's containerPort"),
        new Case("hostPort, another node",
            TranslationReason.hostPort(Kind.HOST_PORT_OTHER_NODE, NGINX, Where.OTHER_NODE, null),
            "hostPort 443 of pod ingress/nginx-1 (containerPort 8443) on node n1: socket LB"
                + " skips a HostPort frontend that is not the client's host (sock4_skip_xlate,"
                + " bpf/bpf_sock.c), so policy sees that node; its NodePort load balancer then"
                + " delivers it to the pod"),
        new Case("clusterIP, socket LB",
            TranslationReason.service(Kind.CLUSTER_IP, SVC, null, null, Balancer.SOCKET_LB),
            "ClusterIP of istio-system/gw: socket LB translates it for pods"),
        new Case("clusterIP, no kube-proxy replacement",
            TranslationReason.service(Kind.CLUSTER_IP_NO_KPR, SVC, null, null, null),
            "ClusterIP of istio-system/gw: Cilium translates ClusterIPs even with"
                + " kube-proxy-replacement=false"),
        new Case("nodePort, no kube-proxy replacement",
            TranslationReason.service(Kind.NODE_PORT_NO_KPR, SVC, 30443, null, null),
            "nodePort 30443 of istio-system/gw on a node address: Cilium installs NodePort"
                + " frontends only with kube-proxy-replacement (convertService,"
                + " pkg/loadbalancer/reflectors/conversions.go), so policy sees the node itself"
                + " (kube-proxy forwards it later)"),
        new Case("nodePort, socket LB",
            TranslationReason.service(
                Kind.NODE_PORT, SVC, 30443, Where.CLIENT_NODE, Balancer.SOCKET_LB),
            "nodePort 30443 of istio-system/gw on the client's own node address: socket LB"
                + " translates it (wildcard lookup for host and remote-node addresses,"
                + " sock4_wildcard_lookup in bpf/bpf_sock.c)"),
        new Case("nodePort, per-packet",
            TranslationReason.service(
                Kind.NODE_PORT, SVC, 30443, Where.OTHER_NODE, Balancer.POD_NO_SOCKET_LB),
            "nodePort 30443 of istio-system/gw on a node address: the per-packet load balancer"
                + " at the pod translates it (bpf-lb-sock=false) by a wildcard NodePort lookup"
                + " (Cilium 1.20+, cilium/cilium#44507)"),
        new Case("nodePort, per-packet, the client's own node",
            TranslationReason.service(
                Kind.NODE_PORT, SVC, 30443, Where.CLIENT_NODE, Balancer.POD_HOSTNS_ONLY),
            "nodePort 30443 of istio-system/gw on the client's own node address: the per-packet"
                + " load balancer at the pod translates it (bpf-lb-sock-hostns-only=true) by the"
                + " NodePort frontend Cilium installs for each of its node's addresses"
                + " (pkg/loadbalancer/tests/testdata/nodeport.txtar)"),
        new Case("nodePort, another node, before Cilium 1.20",
            TranslationReason.nodePortRelease(Kind.NODE_PORT_AT_NODE, SVC, 30443,
                Where.OTHER_NODE, Balancer.POD_HOSTNS_ONLY, "1.19"),
            "nodePort 30443 of istio-system/gw on another node's address: the per-packet load"
                + " balancer at the pod (bpf-lb-sock-hostns-only=true) has no wildcard NodePort"
                + " lookup for a non-DSR service before Cilium 1.20 (cilium/cilium#44507; Cilium"
                + " 1.19), so policy sees that node, whose NodePort load balancer delivers it"),
        new Case("LoadBalancer, ipMode Proxy",
            TranslationReason.service(Kind.LOAD_BALANCER_PROXY, SVC, null, null, null),
            "LoadBalancer address of istio-system/gw with ipMode: Proxy: Cilium does not"
                + " short-circuit it; the traffic goes to the load balancer as a world address"),
        new Case("LoadBalancer, no kube-proxy replacement",
            TranslationReason.service(Kind.LOAD_BALANCER_NO_KPR, SVC, null, null, null),
            "LoadBalancer address of istio-system/gw: kube-proxy-replacement=false, so Cilium's"
                + " policy sees the address itself (kube-proxy rewrites it later)"),
        new Case("LoadBalancer, Cilium 1.19 without kube-proxy replacement",
            TranslationReason.release(Kind.LOAD_BALANCER_WITHOUT_KPR, SVC, "1.19"),
            "LoadBalancer address of istio-system/gw: Cilium 1.19+ installs it as a service"
                + " frontend even with kube-proxy-replacement=false"
                + " (pkg/loadbalancer/reflectors/conversions.go, kubermatic/kubermatic#15939),"
                + " and the pod's per-packet load balancer translates it (Cilium 1.19)"),
        new Case("LoadBalancer, host-namespace-only socket LB",
            TranslationReason.service(
                Kind.LOAD_BALANCER, SVC, null, null, Balancer.POD_HOSTNS_ONLY),
            "LoadBalancer address of istio-system/gw: the per-packet load balancer at the pod"
                + " translates it (bpf-lb-sock-hostns-only=true)"),
        new Case("externalIP, Cilium 1.19 without kube-proxy replacement",
            TranslationReason.release(Kind.EXTERNAL_IP_WITHOUT_KPR, SVC, "1.19.1"),
            "externalIP of istio-system/gw: Cilium 1.19+ installs it as a service frontend even"
                + " with kube-proxy-replacement=false (pkg/loadbalancer/reflectors/conversions.go,"
                + " kubermatic/kubermatic#15939), and the pod's per-packet load balancer"
                + " translates it (Cilium 1.19.1)"),
        new Case("externalIP, no kube-proxy replacement",
            TranslationReason.service(Kind.EXTERNAL_IP_NO_KPR, SVC, null, null, null),
            "externalIP of istio-system/gw: kube-proxy-replacement=false, so Cilium's policy"
                + " sees the address itself"),
        new Case("externalIP of the client's node",
            TranslationReason.service(Kind.EXTERNAL_IP_CLIENT_NODE, SVC, null, Where.CLIENT_NODE,
                Balancer.SOCKET_LB),
            "externalIP of istio-system/gw is an address of the client's own node: socket LB"
                + " translates it for pods"),
        new Case("externalIP, mitigated",
            TranslationReason.service(
                Kind.EXTERNAL_IP_MITIGATED, SVC, null, Where.OTHER_NODE, null),
            "externalIP of istio-system/gw is not an address of the client's node: socket LB"
                + " leaves it untranslated (CVE-2020-8554 mitigation;"
                + " disable-external-ip-mitigation=false), so policy sees the address itself"),
        new Case("externalIP, mitigation disabled, client's node unknown",
            TranslationReason.service(Kind.EXTERNAL_IP, SVC, null, Where.UNKNOWN_NODE,
                Balancer.SOCKET_LB_MITIGATION_DISABLED),
            "externalIP of istio-system/gw is not known to be an address of the client's node:"
                + " socket LB translates it (disable-external-ip-mitigation=true)"),
        new Case("externalIP, enable-envoy-config",
            TranslationReason.service(
                Kind.EXTERNAL_IP, SVC, null, Where.OTHER_NODE, Balancer.POD_ENVOY),
            "externalIP of istio-system/gw is not an address of the client's node: socket LB"
                + " skips it, but the pod's per-packet load balancer (enable-envoy-config=true)"
                + " translates it"),
        new Case("externalIP, enable-sctp",
            TranslationReason.service(
                Kind.EXTERNAL_IP, SVC, null, Where.OTHER_NODE, Balancer.POD_SCTP),
            "externalIP of istio-system/gw is not an address of the client's node: socket LB"
                + " skips it, but the pod's per-packet load balancer (enable-sctp=true)"
                + " translates it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRowReadsAsItsSentence(Case c) {
    assertThat(TranslationText.sentence(c.reason())).isEqualTo(c.sentence());
  }

  @Test
  void theTableHasEveryKindAndEveryBalancer() {
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    Set<Balancer> balancers = EnumSet.noneOf(Balancer.class);
    for (Case c : cases()) {
      kinds.add(c.reason().kind());
      if (c.reason().balancer() != null) {
        balancers.add(c.reason().balancer());
      }
    }
    assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
    assertThat(balancers).containsExactlyInAnyOrder(Balancer.values());
  }

  @Test
  void theReasonCodeIsTheKindInLowerCaseWithHyphens() {
    assertThat(Kind.EXTERNAL_IP_MITIGATED.code()).isEqualTo("external-ip-mitigated");
    assertThat(Kind.NOT_DIALLED.code()).isEqualTo("not-dialled");
  }
}
