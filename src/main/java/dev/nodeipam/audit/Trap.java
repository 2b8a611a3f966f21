package dev.nodeipam.audit;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.List;

/**
 * One trapped flow, found once for every source pod that shares the identity (and, where it
 * matters, the node): it becomes one finding per source pod.
 *
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
 * @param explanation the explanation, without the source's name, built when first asked for
 */
public record Trap(
    Direction direction,
    boolean active,
    ServiceAddress address,
    Service.ServicePort servicePort,
    Protocol protocol,
    List<Pod> sources,
    List<PolicyRef> policies,
    List<DestinationVerdict> destinations,
    List<DestinationVerdict> onceTranslated,
    boolean denyRule,
    java.util.function.Supplier<String> explanation) {

  public Trap {
    sources = List.copyOf(sources);
    policies = List.copyOf(policies);
    destinations = List.copyOf(destinations);
    onceTranslated = List.copyOf(onceTranslated);
  }

  /** The ports policy sees at the destinations, in order, without repeats. */
  public List<Integer> targetPorts() {
    return destinations.stream().map(DestinationVerdict::port).distinct().sorted().toList();
  }

  /** The explanation, without the source's name. */
  public String detail() {
    return explanation.get();
  }

  public Severity severity() {
    return active ? Severity.ERROR : Severity.WARNING;
  }
}
