package dev.nodeipam.render.text;

import dev.nodeipam.policy.explanation.Note;
import java.util.List;

/**
 * The sentences for {@link Note}: the facts a trace says beside its verdict. Every command that
 * prints a note (trace text and JSON) writes it through here.
 */
public final class NoteText {
  private NoteText() {}

  /** Each note as one sentence. */
  public static List<String> sentences(List<Note> notes) {
    return notes.stream().map(NoteText::sentence).toList();
  }

  /** The note as one sentence, starting in lower case (a second note follows after "; "). */
  public static String sentence(Note n) {
    String s = own(n);
    return n.also() == null ? s : s + "; " + sentence(n.also());
  }

  private static String own(Note n) {
    return switch (n.kind()) {
      case TEMPLATE_SOURCE -> "the source is the pod template of " + n.value(0) + " in "
          + n.value(1) + " (the input has no pods of it)";
      case SOURCE_NODE_UNKNOWN ->
          "the source's node is unknown: node addresses are read as another node's";
      case NOT_DIALLED -> "no address was dialled: " + n.value(0)
          + (n.set(1) ? " (the pod template of " + n.value(1) + ")" : "")
          + " has none in the input, so it is judged by its identity (labels, namespace) and port";
      case PODCIDR_WITHOUT_POD -> n.value(0) + " lies in the podCIDR of node " + n.value(1)
          + " but no pod of the input has it: read as world";
      case INTERNAL_LOCAL_NO_BACKEND -> n.value(0) + " has internalTrafficPolicy: Local and no"
          + " ready backend on the client's node " + n.value(1) + ": the connection fails for"
          + " lack of a backend, not by policy";
      case NO_READY_BACKEND -> n.value(0) + " has no ready backend for port " + n.value(1)
          + ": Cilium drops the flow for lack of a backend, whatever the policy";
      case PORT_FROM_SLICE -> "port taken from EndpointSlice " + n.value(0)
          + (n.set(1) ? " (the Service has no selector)" : "");
      case ENDPOINT_WITHOUT_PORT -> "endpoint " + n.value(0) + " of " + n.value(1)
          + " has no port " + n.value(2) + ": left out";
      case NO_SELECTOR_NO_SLICES ->
          n.value(0) + " has no selector and the input has no EndpointSlices for it";
      case NO_NAMED_PORT -> n.value(0) + " declares no container port named \"" + n.value(1)
          + "\": not a backend of port " + n.value(2);
      case NAMED_PORT_RESOLVED -> "targetPort \"" + n.value(0) + "\" resolved to " + n.value(1)
          + " on " + (n.set(3) ? "the pod template of " + n.value(3) : n.value(2));
      case TERMINATING_FALLBACK -> terminating(n);
      case HOST_PORT_EXPOSED -> "exposes containerPort " + n.value(0) + " as hostPort "
          + n.value(1) + " on node " + n.value(2);
      case HOST_PORT_DELIVERY -> hostPortBy(n.value(0)) + " translates " + n.value(1) + ":"
          + n.value(2) + " to pod " + n.value(3) + " on containerPort " + n.value(4)
          + "; its ingress judges the flow from the client, not SNATed (the pod is on that node)";
      case KUBE_PROXY_NODE_UNKNOWN -> "kube-proxy delivers " + n.value(0) + " to a backend of "
          + n.value(1) + ", but the delivering node is unknown: the backend's ingress is not"
          + " judged";
      case UNOWNED_ADDRESS -> n.value(0) + " is left untranslated and no node owns it: it leaves"
          + " the cluster, and where the network routes it is not modelled";
      case NEXT_HOP_NO_BACKEND -> noBackend(n);
      case NEXT_HOP_DELIVERS -> delivers(n);
      case SOURCE_RANGES_ON_EXTERNAL_IP -> sourceRanges(n);
    };
  }

  /** Who delivers another node's hostPort: the name {@code trace} gives the next hop. */
  public static String hostPortBy(String node) {
    return "Cilium's NodePort load balancer on node " + node + " (hostPort)";
  }

  /** Who delivers an untranslated Service address: the name {@code trace} gives the next hop. */
  public static String nextHopBy(String node, boolean kubeProxy) {
    return (kubeProxy ? "kube-proxy" : "Cilium's NodePort load balancer") + " on node " + node;
  }

  private static String terminating(Note n) {
    boolean from119 = Integer.parseInt(n.value(1)) > 1
        || (Integer.parseInt(n.value(1)) == 1 && Integer.parseInt(n.value(2)) >= 19);
    return "terminating" + (n.set(0) ? ", not serving," : "")
        + " endpoint used because no endpoint is ready (Cilium " + n.value(1) + "." + n.value(2)
        + (from119 ? ": serving ones only, cilium/cilium#40969)" : ": cilium/cilium#39743)");
  }

  private static String noBackend(Note n) {
    boolean kubeProxy = n.set(3);
    boolean local = n.set(4);
    return n.value(0) + " has no ready backend "
        + (!kubeProxy && local ? "on node " + n.value(2) + " (externalTrafficPolicy: Local) " : "")
        + "for port " + n.value(1) + ": " + nextHopBy(n.value(2), kubeProxy)
        + " cannot deliver it, whatever the policy";
  }

  private static String sourceRanges(Note n) {
    return n.value(0) + " has loadBalancerSourceRanges " + n.value(2) + ": " + (n.set(4)
        ? "Cilium " + n.value(3) + " enforces them on its externalIP " + n.value(1)
            + " too (from 1.20, cilium/cilium#44747)"
        : "Cilium " + n.value(3) + " does not enforce them on its externalIP " + n.value(1)
            + ", only on the LoadBalancer address (cilium/cilium#44718, fixed in 1.20)")
        + " for clients outside the cluster; an in-cluster client is not checked, so this"
        + " verdict does not depend on them";
  }

  private static String delivers(Note n) {
    boolean kubeProxy = n.set(4);
    boolean local = n.set(5);
    return nextHopBy(n.value(3), kubeProxy)
        + (kubeProxy ? " DNATs " : " (the address's owner) translates ")
        + n.value(0) + ":" + n.value(1) + " to the backends of " + n.value(2)
        + " after Cilium judged the sender's egress on the address; each backend's ingress"
        + " judges the flow as it arrives" + (local
            ? " from the client (externalTrafficPolicy: Local, no SNAT)"
            : kubeProxy
                ? " from the delivering node (externalTrafficPolicy: Cluster: kube-proxy"
                    + " masquerades traffic to external destinations)"
                : " (externalTrafficPolicy: Cluster: from the client on the owning node, from"
                    + " the owning node elsewhere, by SNAT)");
  }
}
