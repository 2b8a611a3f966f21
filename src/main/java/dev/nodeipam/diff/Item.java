package dev.nodeipam.diff;

import dev.nodeipam.policy.model.PolicyRef;
import java.util.List;
import java.util.Locale;

/**
 * One thing the change does. Fields that do not apply to a type are null (or empty lists).
 *
 * @param service {@code namespace/name}
 * @param direction {@code egress} or {@code ingress}: which side of a trapped flow drops
 * @param active for traps: denied under the settings now (true) or once translated (false)
 * @param address the flow's address; of a group of addresses, the first
 * @param addresses the group of addresses a flow item holds, as CIDR prefixes (empty for the
 *     items of {@code --per-address}, each of one address)
 * @param addressCount how many addresses the item holds (null for items without an address)
 * @param sourceKind {@code Pod}, a workload kind, or {@code identity}
 * @param source the source workload, pod or identity, as audit names it; of several, the first
 * @param sourceCount how many sources (workloads or identities); with {@code --per-address}, how
 *     many source pods
 * @param sources up to 20 source names; with {@code --per-address}, up to 20 source pods
 * @param pods how many source pods, at one address of the group
 * @param policies the policies whose rules the flows stop matching (or that admit only CIDR)
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
    List<String> addresses,
    Integer addressCount,
    Integer port,
    Integer targetPort,
    String protocol,
    String direction,
    Boolean active,
    String sourceKind,
    String source,
    int sourceCount,
    List<String> sources,
    long pods,
    List<PolicyRef> policies,
    List<RuleAt> rules,
    List<String> reasons,
    Location location,
    Location cause,
    String message,
    String companion,
    String state) {

  public Item {
    sources = List.copyOf(sources);
    addresses = List.copyOf(addresses);
    policies = List.copyOf(policies);
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

  /** Whether a flow item holds a group of addresses and sources (not {@code --per-address}). */
  public boolean grouped() {
    return !addresses.isEmpty();
  }

  /** The source, and how many more a grouped item has: "coffee/brewer and 2 more". */
  public String sourceText() {
    return grouped() && sourceCount > 1 ? source + " and " + (sourceCount - 1) + " more" : source;
  }

  /**
   * What a flow item is dialled at: {@link #flowTarget()} for one address, else the ranges (the
   * first three) and how many addresses: "198.18.0.0/22, 198.18.4.0/24 (1,280 addresses) port
   * 443/TCP".
   */
  public String targetText() {
    if (addressCount == null || addressCount <= 1) {
      return flowTarget();
    }
    String ranges = String.join(", ", addresses.subList(0, Math.min(3, addresses.size())))
        + (addresses.size() > 3 ? ", …" : "");
    return ranges + " (" + String.format(Locale.ROOT, "%,d", addressCount) + " addresses) port "
        + port + "/" + protocol;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every component settable by name; lists and maps default to empty, the rest to null. */
  public static final class Builder {
    private ItemType type;
    private Level level;
    private String service;
    private String address;
    private List<String> addresses = List.of();
    private Integer addressCount;
    private Integer port;
    private Integer targetPort;
    private String protocol;
    private String direction;
    private Boolean active;
    private String sourceKind;
    private String source;
    private int sourceCount;
    private List<String> sources = List.of();
    private long pods;
    private List<PolicyRef> policies = List.of();
    private List<RuleAt> rules = List.of();
    private List<String> reasons = List.of();
    private Location location;
    private Location cause;
    private String message;
    private String companion;
    private String state;

    private Builder() {}

    public Builder type(ItemType value) {
      type = value;
      return this;
    }

    public Builder level(Level value) {
      level = value;
      return this;
    }

    public Builder service(String value) {
      service = value;
      return this;
    }

    public Builder address(String value) {
      address = value;
      return this;
    }

    public Builder addresses(List<String> value) {
      addresses = value;
      return this;
    }

    public Builder addressCount(Integer value) {
      addressCount = value;
      return this;
    }

    public Builder port(Integer value) {
      port = value;
      return this;
    }

    public Builder targetPort(Integer value) {
      targetPort = value;
      return this;
    }

    public Builder protocol(String value) {
      protocol = value;
      return this;
    }

    public Builder direction(String value) {
      direction = value;
      return this;
    }

    public Builder active(Boolean value) {
      active = value;
      return this;
    }

    public Builder sourceKind(String value) {
      sourceKind = value;
      return this;
    }

    public Builder source(String value) {
      source = value;
      return this;
    }

    public Builder sourceCount(int value) {
      sourceCount = value;
      return this;
    }

    public Builder sources(List<String> value) {
      sources = value;
      return this;
    }

    public Builder pods(long value) {
      pods = value;
      return this;
    }

    public Builder policies(List<PolicyRef> value) {
      policies = value;
      return this;
    }

    public Builder rules(List<RuleAt> value) {
      rules = value;
      return this;
    }

    public Builder reasons(List<String> value) {
      reasons = value;
      return this;
    }

    public Builder location(Location value) {
      location = value;
      return this;
    }

    public Builder cause(Location value) {
      cause = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder companion(String value) {
      companion = value;
      return this;
    }

    public Builder state(String value) {
      state = value;
      return this;
    }

    public Item build() {
      return new Item(
          type, level, service, address, addresses, addressCount, port, targetPort, protocol,
          direction, active, sourceKind, source, sourceCount, sources, pods, policies, rules,
          reasons, location, cause, message, companion, state);
    }
  }
}
