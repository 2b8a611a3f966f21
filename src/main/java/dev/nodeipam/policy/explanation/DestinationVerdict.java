package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import java.util.List;

/**
 * The verdict for one destination of a flow: the address itself, or one backend of a translated
 * Service, or one backend the next hop delivered an untranslated address to.
 *
 * @param endpoint {@code ns/pod} for a pod, the node name for a node, else the address
 * @param port the port policy sees (the backend's targetPort after translation)
 * @param notes facts about this destination worth saying (e.g. how a named port was resolved)
 * @param delivery how the next hop delivered an address Cilium left untranslated, else null
 */
public record DestinationVerdict(
    String endpoint,
    Identity identity,
    int port,
    Protocol protocol,
    Outcome outcome,
    Integer dropReason,
    SideVerdict egress,
    SideVerdict ingress,
    List<String> notes,
    Delivery delivery) {

  /**
   * An address Cilium did not translate, delivered to this backend by the next hop: the sender's
   * egress was judged on the address ({@code addressIdentity}, the dialled port), the backend's
   * ingress on the flow as it arrives ({@code arrivingSource}, the targetPort).
   *
   * @param by who translates it, e.g. {@code kube-proxy on node n1}
   */
  public record Delivery(String by, Identity addressIdentity, int dialledPort,
      Identity arrivingSource) {}

  public DestinationVerdict {
    notes = List.copyOf(notes);
  }

  public DestinationVerdict(String endpoint, Identity identity, int port, Protocol protocol,
      Outcome outcome, Integer dropReason, SideVerdict egress, SideVerdict ingress,
      List<String> notes) {
    this(endpoint, identity, port, protocol, outcome, dropReason, egress, ingress, notes, null);
  }

  /** The identity the sender's egress was judged on: the address's when delivered, else this. */
  public Identity egressPeer() {
    return delivery != null ? delivery.addressIdentity() : identity;
  }
}
