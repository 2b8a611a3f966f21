package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.List;

/**
 * One trapped flow, found once for every source pod that shares the identity (and, where it
 * matters, the node): it becomes one finding per source pod. A cluster can hold millions of
 * them, so a trap only refers to values it shares with others (the dialled address, the group's
 * pods, the sender's policies, the backend identities) and builds its explanation on demand.
 *
 * @param dialled the address and port dialled, and the translation the verdict was judged under
 * @param direction EGRESS when the sender's CIDR/world allow no longer matches, INGRESS when the
 *     backend admits only CIDR/world sources
 * @param active true when Cilium denies the flow under the given settings now; false when it is
 *     allowed now and translation would deny it
 * @param sources the source pods sharing the answer
 * @param policies the rules that allowed the flow as written (egress) or that admit only
 *     CIDR/world sources (ingress)
 * @param destinations the destinations (one per backend identity) whose side denies
 * @param onceTranslated for an active trap whose address is not translated now, the destinations
 *     that would deny once it is (the companion must cover both, or fixing one uncovers the other)
 * @param denyRule whether a deny rule matched: no additive companion can fix that
 * @param entries the allow entries behind {@code policies}, for the explanation
 */
public record Trap(
    Dialled dialled,
    Direction direction,
    boolean active,
    List<Pod> sources,
    List<PolicyRef> policies,
    List<Destination> destinations,
    List<Destination> onceTranslated,
    boolean denyRule,
    List<PolicyEngine.AllowEntry> entries) {

  /** Builds the words of a trap's explanation when a report shows it. */
  interface Explainer {
    String explain(Trap trap);

    /** The id of the source group (identity) a source pod is judged in. */
    int groupOf(Pod source);

    /** Every pod of a source group. */
    List<Pod> podsOf(int group);

    /** Whether the pod runs on the node that owns the address (judged apart there). */
    boolean onOwner(ServiceAddress address, Pod pod);

    /** How many of some pods of one source group run on the node that owns the address. */
    default int onOwner(ServiceAddress address, List<Pod> pods) {
      int n = 0;
      for (Pod p : pods) {
        n += onOwner(address, p) ? 1 : 0;
      }
      return n;
    }

    /**
     * A value equal for the pods of one identity and no others: a source group (class) may hold
     * several identities no rule tells apart, reported by name apart.
     */
    default Object identityKey(Pod source) {
      return groupOf(source);
    }
  }

  public Trap {
    // A class's pods but a few are a view of the class's list (PodsExcept), not copied.
    sources = PodsExcept.of(sources) != null ? sources : List.copyOf(sources);
    policies = List.copyOf(policies);
    destinations = List.copyOf(destinations);
    onceTranslated = List.copyOf(onceTranslated);
    entries = List.copyOf(entries);
  }

  public ServiceAddress address() {
    return dialled.address();
  }

  public Service.ServicePort servicePort() {
    return dialled.servicePort();
  }

  public Protocol protocol() {
    return dialled.protocol();
  }

  /** The ports policy sees at the destinations, in order, without repeats. */
  public List<Integer> targetPorts() {
    return destinations.stream().map(Destination::port).distinct().sorted().toList();
  }

  /** The explanation, without the source's name (built each time: callers keep it). */
  public String detail() {
    return dialled.explainer().explain(this);
  }

  public Severity severity() {
    return active ? Severity.ERROR : Severity.WARNING;
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .dialled(dialled)
        .direction(direction)
        .active(active)
        .sources(sources)
        .policies(policies)
        .destinations(destinations)
        .onceTranslated(onceTranslated)
        .denyRule(denyRule)
        .entries(entries);
  }

  /** Builds a {@link Trap} component by component. */
  public static final class Builder {
    private Dialled dialled;
    private Direction direction;
    private boolean active;
    private List<Pod> sources = List.of();
    private List<PolicyRef> policies = List.of();
    private List<Destination> destinations = List.of();
    private List<Destination> onceTranslated = List.of();
    private boolean denyRule;
    private List<PolicyEngine.AllowEntry> entries = List.of();

    private Builder() {}

    public Builder dialled(Dialled dialled) {
      this.dialled = dialled;
      return this;
    }

    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    public Builder active(boolean active) {
      this.active = active;
      return this;
    }

    public Builder sources(List<Pod> sources) {
      this.sources = sources;
      return this;
    }

    public Builder policies(List<PolicyRef> policies) {
      this.policies = policies;
      return this;
    }

    public Builder destinations(List<Destination> destinations) {
      this.destinations = destinations;
      return this;
    }

    public Builder onceTranslated(List<Destination> onceTranslated) {
      this.onceTranslated = onceTranslated;
      return this;
    }

    public Builder denyRule(boolean denyRule) {
      this.denyRule = denyRule;
      return this;
    }

    public Builder entries(List<PolicyEngine.AllowEntry> entries) {
      this.entries = entries;
      return this;
    }

    public Trap build() {
      return new Trap(
          dialled,
          direction,
          active,
          sources,
          policies,
          destinations,
          onceTranslated,
          denyRule,
          entries);
    }
  }
}
