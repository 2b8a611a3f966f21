package dev.nodeipam.audit;

import dev.nodeipam.policy.model.PolicyRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding as the JSON contract has it. Fields that do not apply to a type are null.
 *
 * @param direction {@code egress} or {@code ingress} for identity traps, else null
 * @param service {@code namespace/name}, or null for findings about policies alone
 * @param source {@code namespace/pod} for identity traps, else null
 * @param policies the policies the finding is about
 * @param extra fields beyond the contract (e.g. the frontend kind, the source's identity)
 */
public record Finding(
    FindingType type,
    Severity severity,
    boolean active,
    String direction,
    String service,
    String address,
    Integer port,
    Integer targetPort,
    String protocol,
    String source,
    List<PolicyRef> policies,
    String message,
    Map<String, Object> extra) {

  public Finding {
    policies = List.copyOf(policies);
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** The finding as plain maps, contract fields first, in the contract's order. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type.name());
    m.put("severity", severity.wire());
    m.put("active", active);
    m.put("direction", direction);
    m.put("service", service);
    m.put("address", address);
    m.put("port", port);
    m.put("targetPort", targetPort);
    m.put("protocol", protocol);
    m.put("source", source);
    m.put("policies", policies.stream().map(Finding::policy).toList());
    m.put("message", message);
    m.putAll(extra);
    return m;
  }

  static Map<String, Object> policy(PolicyRef p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", p.kind());
    m.put("namespace", p.namespace());
    m.put("name", p.name());
    return m;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every component settable by name; lists and maps default to empty, the rest to null. */
  public static final class Builder {
    private FindingType type;
    private Severity severity;
    private boolean active;
    private String direction;
    private String service;
    private String address;
    private Integer port;
    private Integer targetPort;
    private String protocol;
    private String source;
    private List<PolicyRef> policies = List.of();
    private String message;
    private Map<String, Object> extra = Map.of();

    private Builder() {}

    public Builder type(FindingType value) {
      type = value;
      return this;
    }

    public Builder severity(Severity value) {
      severity = value;
      return this;
    }

    public Builder active(boolean value) {
      active = value;
      return this;
    }

    public Builder direction(String value) {
      direction = value;
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

    public Builder source(String value) {
      source = value;
      return this;
    }

    public Builder policies(List<PolicyRef> value) {
      policies = value;
      return this;
    }

    public Builder message(String value) {
      message = value;
      return this;
    }

    public Builder extra(Map<String, Object> value) {
      extra = value;
      return this;
    }

    public Finding build() {
      return new Finding(
          type, severity, active, direction, service, address, port, targetPort, protocol, source,
          policies, message, extra);
    }
  }
}
