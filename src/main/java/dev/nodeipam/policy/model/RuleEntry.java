package dev.nodeipam.policy.model;

import java.util.List;

/**
 * One entry of {@code ingress}, {@code egress}, {@code ingressDeny} or {@code egressDeny}: the flow
 * matches when its peer matches one of {@code peers} and its port one of {@code ports}.
 *
 * @param ports the port clauses; empty with {@code allPorts} false means no TCP/UDP/SCTP port at
 *     all (an ICMP-only entry)
 * @param notModelled constructs of the entry the engine does not evaluate, said plainly
 * @param origin where the entry sits in its policy, e.g. {@code spec.egress[0]}
 * @param unresolvedFqdns toFQDNs selectors no DNS answer given matched: they allow nothing here
 */
public record RuleEntry(
    List<Peer> peers,
    List<PortMatch> ports,
    boolean allPorts,
    List<String> notModelled,
    String origin,
    List<FqdnSelector> unresolvedFqdns) {

  public RuleEntry {
    peers = List.copyOf(peers);
    ports = List.copyOf(ports);
    notModelled = List.copyOf(notModelled);
    unresolvedFqdns = List.copyOf(unresolvedFqdns);
  }

  /** An entry without toFQDNs selectors. */
  public RuleEntry(List<Peer> peers, List<PortMatch> ports, boolean allPorts,
      List<String> notModelled, String origin) {
    this(peers, ports, allPorts, notModelled, origin, List.of());
  }
}
