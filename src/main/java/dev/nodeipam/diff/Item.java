package dev.nodeipam.diff;

import java.util.List;

/**
 * One thing the change does. Fields that do not apply to a type are null (or empty lists).
 *
 * @param service {@code namespace/name}
 * @param direction {@code egress} or {@code ingress}: which side of a trapped flow drops
 * @param active for traps: denied under the settings now (true) or once translated (false)
 * @param sourceKind {@code Pod}, a workload kind, or {@code identity}
 * @param source the source workload, pod or identity, as audit names it
 * @param sourceCount how many source pods
 * @param sources up to 20 source pods
 * @param rules the policy rules behind the item, with their place in the YAML
 * @param reasons what changed, in words: {@code translation appeared: ...}
 * @param location the object the item is about (the Service, the policy), in the state it is in
 * @param cause the line that causes it (the externalIPs entry, the changed rule), when known
 * @param companion the name of the companion policy that clears a new trap
 * @param state {@code after} or {@code before}: which state {@code location} points into
 */
public record Item(
    ItemType type,
    Level level,
    String service,
    String address,
    Integer port,
    Integer targetPort,
    String protocol,
    String direction,
    Boolean active,
    String sourceKind,
    String source,
    int sourceCount,
    List<String> sources,
    List<RuleAt> rules,
    List<String> reasons,
    Location location,
    Location cause,
    String message,
    String companion,
    String state) {

  public Item {
    sources = List.copyOf(sources);
    rules = List.copyOf(rules);
    reasons = List.copyOf(reasons);
  }

  /** {@code address:port/protocol}, IPv6 in brackets; null without an address. */
  public String flowTarget() {
    if (address == null) {
      return null;
    }
    String host = address.contains(":") ? "[" + address + "]" : address;
    return port == null ? host : host + ":" + port + "/" + protocol;
  }
}
