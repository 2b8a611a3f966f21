package dev.nodeipam.audit;

import dev.nodeipam.policy.model.PolicyRef;
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
    extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
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
}
