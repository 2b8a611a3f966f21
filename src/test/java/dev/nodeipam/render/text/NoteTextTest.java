package dev.nodeipam.render.text;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Note.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sentence of every kind of note a trace prints beside its verdict, as the engine's tests
 * (NextHopDeliveryTest, TerminatingBackendsTest, TranslationTableTest, HostPortTest) meet them.
 * The terminating-endpoint fallback cites cilium/cilium#39743 and #40969 as the engine does.
 */
class NoteTextTest {
  private static final String SVC = "web/site";

  record Case(String name, Note note, String sentence) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case("template source", Note.of(Kind.TEMPLATE_SOURCE, "Deployment/site", "web"),
            "the source is the pod template of Deployment/site in web (the input has no pods"
                + " of it)"),
        new Case("source node unknown", Note.of(Kind.SOURCE_NODE_UNKNOWN),
            "the source's node is unknown: node addresses are read as another node's"),
        new Case("not dialled, template", Note.of(Kind.NOT_DIALLED, SVC, "Deployment/site"),
            "no address was dialled: web/site (the pod template of Deployment/site) has none in"
                + " the input, so it is judged by its identity (labels, namespace) and port"),
        new Case("not dialled, pod", Note.of(Kind.NOT_DIALLED, "web/site-1", ""),
            "no address was dialled: web/site-1 has none in the input, so it is judged by its"
                + " identity (labels, namespace) and port"),
        new Case("podCIDR without pod", Note.of(Kind.PODCIDR_WITHOUT_POD, "10.244.1.9", "n1"),
            "10.244.1.9 lies in the podCIDR of node n1 but no pod of the input has it: read as"
                + " world"),
        new Case("internal Local, no backend",
            Note.of(Kind.INTERNAL_LOCAL_NO_BACKEND, SVC, "n1"),
            "web/site has internalTrafficPolicy: Local and no ready backend on the client's"
                + " node n1: the connection fails for lack of a backend, not by policy"),
        new Case("no ready backend", Note.of(Kind.NO_READY_BACKEND, SVC, 443),
            "web/site has no ready backend for port 443: Cilium drops the flow for lack of a"
                + " backend, whatever the policy"),
        new Case("port from slice, selectorless",
            Note.of(Kind.PORT_FROM_SLICE, "site-abc", Note.flag(true, "selectorless")),
            "port taken from EndpointSlice site-abc (the Service has no selector)"),
        new Case("endpoint without port",
            Note.of(Kind.ENDPOINT_WITHOUT_PORT, "10.244.0.5", SVC, "http"),
            "endpoint 10.244.0.5 of web/site has no port http: left out"),
        new Case("no selector, no slices", Note.of(Kind.NO_SELECTOR_NO_SLICES, SVC),
            "web/site has no selector and the input has no EndpointSlices for it"),
        new Case("no named port", Note.of(Kind.NO_NAMED_PORT, "web/web-2", "http", 80),
            "web/web-2 declares no container port named \"http\": not a backend of port 80"),
        new Case("named port on a template",
            Note.of(Kind.NAMED_PORT_RESOLVED, "http", 8080, SVC, "Deployment/site"),
            "targetPort \"http\" resolved to 8080 on the pod template of Deployment/site"),
        new Case("named port on a pod, then the slice's port",
            Note.of(Kind.NAMED_PORT_RESOLVED, "http", 8080, "web/site-1", "")
                .then(Note.of(Kind.PORT_FROM_SLICE, "site-abc", "")),
            "targetPort \"http\" resolved to 8080 on web/site-1; port taken from EndpointSlice"
                + " site-abc"),
        new Case("terminating, 1.18",
            Note.of(Kind.TERMINATING_FALLBACK, Note.flag(true, "not serving"), 1, 18),
            "terminating, not serving, endpoint used because no endpoint is ready (Cilium 1.18:"
                + " cilium/cilium#39743)"),
        new Case("terminating, 1.19", Note.of(Kind.TERMINATING_FALLBACK, "", 1, 19),
            "terminating endpoint used because no endpoint is ready (Cilium 1.19: serving ones"
                + " only, cilium/cilium#40969)"),
        new Case("hostPort exposed", Note.of(Kind.HOST_PORT_EXPOSED, 8443, 443, "n1"),
            "exposes containerPort 8443 as hostPort 443 on node n1"),
        new Case("hostPort delivery",
            Note.of(Kind.HOST_PORT_DELIVERY, "n2", "192.0.2.2", 443, "ingress/nginx-1", 8443),
            "Cilium's NodePort load balancer on node n2 (hostPort) translates 192.0.2.2:443 to"
                + " pod ingress/nginx-1 on containerPort 8443; its ingress judges the flow from"
                + " the client, not SNATed (the pod is on that node)"),
        new Case("kube-proxy, node unknown",
            Note.of(Kind.KUBE_PROXY_NODE_UNKNOWN, "24.85.233.58", SVC),
            "kube-proxy delivers 24.85.233.58 to a backend of web/site, but the delivering node"
                + " is unknown: the backend's ingress is not judged"),
        new Case("unowned address", Note.of(Kind.UNOWNED_ADDRESS, "24.85.233.58"),
            "24.85.233.58 is left untranslated and no node owns it: it leaves the cluster, and"
                + " where the network routes it is not modelled"),
        new Case("next hop, no backend, Local",
            Note.of(Kind.NEXT_HOP_NO_BACKEND, SVC, 443, "n1", "", "local"),
            "web/site has no ready backend on node n1 (externalTrafficPolicy: Local) for port"
                + " 443: Cilium's NodePort load balancer on node n1 cannot deliver it, whatever"
                + " the policy"),
        new Case("next hop, no backend, kube-proxy",
            Note.of(Kind.NEXT_HOP_NO_BACKEND, SVC, 443, "n1", "kube-proxy", "local"),
            "web/site has no ready backend for port 443: kube-proxy on node n1 cannot deliver"
                + " it, whatever the policy"),
        new Case("next hop delivers, Local",
            Note.of(Kind.NEXT_HOP_DELIVERS, "24.85.233.58", 443, SVC, "n1", "", "local"),
            "Cilium's NodePort load balancer on node n1 (the address's owner) translates"
                + " 24.85.233.58:443 to the backends of web/site after Cilium judged the sender's"
                + " egress on the address; each backend's ingress judges the flow as it arrives"
                + " from the client (externalTrafficPolicy: Local, no SNAT)"),
        new Case("next hop delivers, kube-proxy, Cluster",
            Note.of(Kind.NEXT_HOP_DELIVERS, "24.85.233.58", 443, SVC, "n1", "kube-proxy", ""),
            "kube-proxy on node n1 DNATs 24.85.233.58:443 to the backends of web/site after"
                + " Cilium judged the sender's egress on the address; each backend's ingress"
                + " judges the flow as it arrives from the delivering node (externalTrafficPolicy:"
                + " Cluster: kube-proxy masquerades traffic to external destinations)"),
        new Case("next hop delivers, Cilium, Cluster",
            Note.of(Kind.NEXT_HOP_DELIVERS, "24.85.233.58", 443, SVC, "n1", "", ""),
            "Cilium's NodePort load balancer on node n1 (the address's owner) translates"
                + " 24.85.233.58:443 to the backends of web/site after Cilium judged the sender's"
                + " egress on the address; each backend's ingress judges the flow as it arrives"
                + " (externalTrafficPolicy: Cluster: from the client on the owning node, from the"
                + " owning node elsewhere, by SNAT)"),
        // cilium/cilium#44747 (1.20) and #44718 (before).
        new Case("source ranges on an externalIP, enforced",
            Note.of(Kind.SOURCE_RANGES_ON_EXTERNAL_IP, SVC, "203.0.113.9", "10.0.0.0/8", "1.20",
                "enforced"),
            SVC + " has loadBalancerSourceRanges 10.0.0.0/8: Cilium 1.20 enforces them on its"
                + " externalIP 203.0.113.9 too (from 1.20, cilium/cilium#44747) for clients outside"
                + " the cluster; an in-cluster client is not checked, so this verdict does not"
                + " depend on them"),
        new Case("source ranges on an externalIP, bypassed",
            Note.of(Kind.SOURCE_RANGES_ON_EXTERNAL_IP, SVC, "203.0.113.9", "10.0.0.0/8", "1.19",
                ""),
            SVC + " has loadBalancerSourceRanges 10.0.0.0/8: Cilium 1.19 does not enforce them on"
                + " its externalIP 203.0.113.9, only on the LoadBalancer address"
                + " (cilium/cilium#44718, fixed in 1.20) for clients outside the cluster; an"
                + " in-cluster client is not checked, so this verdict does not depend on them"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachNoteReadsAsItsSentence(Case c) {
    assertThat(NoteText.sentence(c.note())).isEqualTo(c.sentence());
  }

  @Test
  void theTableHasEveryKind() {
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    cases().forEach(c -> kinds.add(c.note().kind()));
    assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
  }
}
