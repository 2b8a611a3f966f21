package dev.nodeipam.policy.model;

import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the Cilium agent of a release accepts a CiliumNetworkPolicy or
 * CiliumClusterwideNetworkPolicy (section 9 of the policy model). {@code CiliumNetworkPolicy.Parse}
 * validates {@code spec}, then each of {@code specs}; the first rule in error rejects the whole
 * object and no rule of it is installed. The checks are those of {@code
 * pkg/policy/api/rule_validation.go} that need no agent flag beyond the defaults ({@code
 * enable-l7-proxy} and {@code enable-icmp-rules} on). What the API server's schema already refuses
 * (a protocol, an entity or a CIDR it does not know, a selector operator) stays bad input of the
 * policy reader. Pure: the same object and release give the same answer.
 */
public final class PolicyValidation {
  private static final int MAX_PORTS = 40;
  private static final int MAX_ICMP_FIELDS = 40;
  // The L3 peer kinds of one entry, in the order the agent's error names them here (Cilium
  // iterates a Go map, so its order varies from run to run).
  private static final List<String> INGRESS_PEERS =
      List.of("Endpoints", "CIDR", "CIDRSet", "Entities", "Nodes", "Groups");
  private static final List<String> EGRESS_PEERS =
      List.of("CIDR", "CIDRSet", "Endpoints", "Entities", "Services", "FQDNs", "Groups", "Nodes");

  private final PolicyRef policy;
  private final CiliumVersion version;

  private PolicyValidation(PolicyRef policy, CiliumVersion version) {
    this.policy = policy;
    this.version = version;
  }

  /** The agent's rejection of the object under the release, or empty when it accepts it. */
  public static Optional<Rejection> of(RawObject object, CiliumVersion version) {
    if (!object.kind().equals(PolicyRef.CNP) && !object.kind().equals(PolicyRef.CCNP)) {
      return Optional.empty();
    }
    PolicyValidation v = new PolicyValidation(PolicyParser.refOf(object), version);
    Map<String, Object> body = object.body();
    if (body.get("spec") instanceof Map<?, ?> spec) {
      Optional<Rejection> r = v.rule(cast(spec), "spec");
      if (r.isPresent()) {
        return r;
      }
    }
    if (body.get("specs") instanceof List<?> specs) {
      for (int i = 0; i < specs.size(); i++) {
        if (specs.get(i) instanceof Map<?, ?> spec) {
          Optional<Rejection> r = v.rule(cast(spec), "specs[" + i + "]");
          if (r.isPresent()) {
            return r;
          }
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> rule(Map<String, Object> rule, String at) {
    boolean host = rule.get("nodeSelector") != null;
    if (version.atLeast(1, 17) && length(rule, "ingress") == 0 && length(rule, "ingressDeny") == 0
        && length(rule, "egress") == 0 && length(rule, "egressDeny") == 0) {
      return reject(at, RejectionReason.EMPTY_RULE);
    }
    if (host && rule.get("endpointSelector") != null) {
      return reject(at, RejectionReason.BOTH_SELECTORS);
    }
    // Deny sections are validated like allow sections from 1.17 (cilium/cilium#36598).
    boolean denies = version.atLeast(1, 17);
    Optional<Rejection> r = Optional.empty();
    for (String section : List.of("ingress", "ingressDeny", "egress", "egressDeny")) {
      boolean deny = section.endsWith("Deny");
      if (r.isPresent() || (deny && !denies)) {
        continue;
      }
      List<Object> entries = list(rule.get(section));
      for (int i = 0; i < entries.size() && r.isEmpty(); i++) {
        String path = at + "." + section + "[" + i + "]";
        Map<String, Object> e = map(entries.get(i));
        r = section.startsWith("ingress") ? ingress(e, path, host, deny)
            : egress(e, path, host, deny);
      }
    }
    if (r.isEmpty() && host && policy.kind().equals(PolicyRef.CNP)) {
      r = reject(at, RejectionReason.NODE_SELECTOR_IN_NAMESPACED);
    }
    return r;
  }

  private Optional<Rejection> ingress(Map<String, Object> e, String at, boolean host,
      boolean deny) {
    Optional<Rejection> r = peerKinds(e, at, "from", INGRESS_PEERS);
    if (r.isPresent() || deny) {
      return r.or(() -> icmpAndPorts(e, at, true, true));
    }
    L7 l7 = L7.of(list(e.get("toPorts")), version);
    if (host && l7.present()) {
      return reject(at, RejectionReason.HOST_L7_INGRESS);
    }
    if (l7.dns()) {
      return reject(at, RejectionReason.DNS_ON_INGRESS);
    }
    return icmpAndPorts(e, at, true, false);
  }

  private Optional<Rejection> egress(Map<String, Object> e, String at, boolean host,
      boolean deny) {
    List<String> kinds = deny ? EGRESS_PEERS.stream().filter(k -> !k.equals("FQDNs")).toList()
        : EGRESS_PEERS;
    Optional<Rejection> r = peerKinds(e, at, "to", kinds);
    if (r.isPresent() || deny) {
      return r.or(() -> icmpAndPorts(e, at, false, true));
    }
    if (host && L7.of(list(e.get("toPorts")), version).http()) {
      return reject(at, RejectionReason.HOST_HTTP_EGRESS);
    }
    return icmpAndPorts(e, at, false, false);
  }

  /** Two kinds of L3 peer, each a non-empty list, in one entry: an empty list counts as none. */
  private Optional<Rejection> peerKinds(Map<String, Object> e, String at, String prefix,
      List<String> kinds) {
    List<String> present = new ArrayList<>();
    for (String k : kinds) {
      if (length(e, prefix + k) > 0) {
        present.add(capitalised(prefix) + k);
      }
    }
    if (present.size() > 1) {
      return reject(at, RejectionReason.PEER_KINDS_COMBINED, present.get(0), present.get(1));
    }
    return Optional.empty();
  }

  private Optional<Rejection> icmpAndPorts(Map<String, Object> e, String at, boolean ingress,
      boolean deny) {
    List<Object> icmps = list(e.get("icmps"));
    List<Object> toPorts = list(e.get("toPorts"));
    if (!icmps.isEmpty() && !toPorts.isEmpty()) {
      return reject(at, RejectionReason.ICMP_WITH_PORTS);
    }
    for (int i = 0; i < toPorts.size(); i++) {
      String path = at + ".toPorts[" + i + "]";
      Map<String, Object> rule = map(toPorts.get(i));
      Optional<Rejection> r = deny ? ports(rule, path, false) : portRule(rule, path, ingress);
      if (r.isPresent()) {
        return r;
      }
    }
    for (int i = 0; i < icmps.size(); i++) {
      List<Object> fields = list(map(icmps.get(i)).get("fields"));
      String path = at + ".icmps[" + i + "]";
      if (fields.size() > MAX_ICMP_FIELDS) {
        return reject(path, RejectionReason.TOO_MANY_ICMP_FIELDS);
      }
      for (Object f : fields) {
        String family = text(map(f).get("family"));
        if (!family.isEmpty() && !family.equals("IPv4") && !family.equals("IPv6")) {
          return reject(path, RejectionReason.ICMP_FAMILY, family);
        }
      }
    }
    return Optional.empty();
  }

  /** {@code PortRule.Validate}: server names, ports, listener, then the L7 rules. */
  private Optional<Rejection> portRule(Map<String, Object> rule, String at, boolean ingress) {
    L7 l7 = L7.of(List.of(rule), version);
    List<Object> serverNames = list(rule.get("serverNames"));
    if (!serverNames.isEmpty() && l7.present() && rule.get("terminatingTLS") == null) {
      return reject(at, RejectionReason.SERVER_NAMES_WITH_L7);
    }
    if (serverNames.stream().anyMatch(n -> text(n).isEmpty())) {
      return reject(at, RejectionReason.EMPTY_SERVER_NAME);
    }
    Optional<Rejection> r = ports(rule, at, l7.dns());
    if (r.isPresent()) {
      return r;
    }
    List<Object> ports = list(rule.get("ports"));
    for (int i = 0; i < ports.size(); i++) {
      String protocol = text(map(ports.get(i)).get("protocol"));
      if (l7.present() && !l7.dns() && !protocol.equals("TCP")) {
        return reject(at + ".ports[" + i + "]", RejectionReason.L7_NOT_TCP,
            protocol.isEmpty() ? "ANY" : protocol);
      }
    }
    Map<String, Object> listener = map(rule.get("listener"));
    if (rule.get("listener") != null) {
      String name = text(listener.get("name"));
      if (ingress) {
        return reject(at, RejectionReason.LISTENER_ON_INGRESS, name);
      }
      if (l7.present()) {
        return reject(at, RejectionReason.LISTENER_WITH_L7, name);
      }
    }
    if (l7.present()) {
      boolean zero = ports.stream().anyMatch(p -> Integer.valueOf(0).equals(
          CiliumPorts.number(text(map(p).get("port")))));
      if (zero) {
        return reject(at, RejectionReason.L7_ON_PORT_ZERO);
      }
      if (l7.dns() && ports.isEmpty()) {
        return reject(at, RejectionReason.DNS_WITHOUT_PORTS);
      }
      if (l7.types() > 1) {
        return reject(at + ".rules", RejectionReason.L7_TYPES_COMBINED);
      }
    }
    return Optional.empty();
  }

  /** The ports of a rule: at most 40, each given, each a name or a number the agent parses. */
  private Optional<Rejection> ports(Map<String, Object> rule, String at, boolean dns) {
    List<Object> ports = list(rule.get("ports"));
    if (ports.size() > MAX_PORTS) {
      return reject(at + ".ports", RejectionReason.TOO_MANY_PORTS);
    }
    for (int i = 0; i < ports.size(); i++) {
      String path = at + ".ports[" + i + "]";
      Map<String, Object> p = map(ports.get(i));
      String port = text(p.get("port"));
      if (port.isEmpty()) {
        return reject(path, RejectionReason.PORT_MISSING);
      }
      if (CiliumPorts.isName(port)) {
        continue;
      }
      Integer number = CiliumPorts.number(port);
      if (number == null && CiliumPorts.digits(port)) {
        return reject(path + ".port", RejectionReason.PORT_UNPARSABLE, port);
      }
      Integer end = CiliumPorts.number(text(p.get("endPort")));
      // Port ranges exist from 1.16 (cilium/cilium#32389); DNS rules take none.
      if (dns && version.atLeast(1, 16) && number != null && end != null && end > number) {
        return reject(path, RejectionReason.DNS_PORT_RANGE);
      }
    }
    return Optional.empty();
  }

  private Optional<Rejection> reject(String at, RejectionReason reason, String... values) {
    return Optional.of(new Rejection(policy, at, reason, List.of(values)));
  }

  /**
   * The L7 rules of port rules: whether any is there ({@code L7Rules.IsEmpty} tests each kind for
   * nil, so an empty list counts), DNS or HTTP rules, and the most kinds one port rule mixes.
   * Kafka rules and the generic {@code l7proto}/{@code l7} rules are gone in 1.20 (cilium/cilium
   * #43557, #44610): the 1.20 CRD and the agent's types have no such fields, so they are dropped
   * (pruned by the API server, skipped when the agent decodes the policy) and the port rule stands
   * without them; they neither count as an L7 kind nor reject the policy.
   */
  private record L7(boolean present, boolean dns, boolean http, int types) {
    static L7 of(List<Object> portRules, CiliumVersion version) {
      boolean present = false;
      int dns = 0;
      int http = 0;
      int types = 0;
      boolean proxylib = !version.atLeast(1, 20);
      List<String> kinds = proxylib ? List.of("http", "kafka", "dns", "l7")
          : List.of("http", "dns");
      for (Object pr : portRules) {
        Map<String, Object> rules = map(map(pr).get("rules"));
        int here = proxylib && !text(rules.get("l7proto")).isEmpty() ? 1 : 0;
        present |= here > 0;
        for (String k : kinds) {
          if (rules.get(k) != null) {
            present = true;
            here += k.equals("l7") ? 0 : 1;
          }
        }
        dns += length(rules, "dns");
        http += length(rules, "http");
        types = Math.max(types, here);
      }
      return new L7(present, dns > 0, http > 0, types);
    }
  }

  private static String capitalised(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static int length(Map<String, Object> m, String key) {
    return list(m.get(key)).size();
  }

  static List<Object> list(Object o) {
    return o instanceof List<?> l ? cast(l) : List.of();
  }

  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? cast(m) : Map.of();
  }

  private static String text(Object o) {
    return o == null || o instanceof Map<?, ?> || o instanceof List<?> ? "" : String.valueOf(o);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
