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
    List<Note> notes,
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
      List<Note> notes) {
    this(endpoint, identity, port, protocol, outcome, dropReason, egress, ingress, notes, null);
  }

  /** The identity the sender's egress was judged on: the address's when delivered, else this. */
  public Identity egressPeer() {
    return delivery != null ? delivery.addressIdentity() : identity;
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .endpoint(endpoint)
        .identity(identity)
        .port(port)
        .protocol(protocol)
        .outcome(outcome)
        .dropReason(dropReason)
        .egress(egress)
        .ingress(ingress)
        .notes(notes)
        .delivery(delivery);
  }

  /** Builds a {@link DestinationVerdict} component by component. */
  public static final class Builder {
    private String endpoint;
    private Identity identity;
    private int port;
    private Protocol protocol;
    private Outcome outcome;
    private Integer dropReason;
    private SideVerdict egress;
    private SideVerdict ingress;
    private List<Note> notes = List.of();
    private Delivery delivery;

    private Builder() {}

    public Builder endpoint(String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    public Builder identity(Identity identity) {
      this.identity = identity;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder protocol(Protocol protocol) {
      this.protocol = protocol;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder dropReason(Integer dropReason) {
      this.dropReason = dropReason;
      return this;
    }

    public Builder egress(SideVerdict egress) {
      this.egress = egress;
      return this;
    }

    public Builder ingress(SideVerdict ingress) {
      this.ingress = ingress;
      return this;
    }

    public Builder notes(List<Note> notes) {
      this.notes = notes;
      return this;
    }

    public Builder delivery(Delivery delivery) {
      this.delivery = delivery;
      return this;
    }

    public DestinationVerdict build() {
      return new DestinationVerdict(
          endpoint,
          identity,
          port,
          protocol,
          outcome,
          dropReason,
          egress,
          ingress,
          notes,
          delivery);
    }
  }
}
