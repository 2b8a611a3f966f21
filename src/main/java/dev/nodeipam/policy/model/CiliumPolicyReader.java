package dev.nodeipam.policy.model;

import dev.nodeipam.labels.Requirement;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy: each of {@code spec} and {@code specs[]}
 * is a rule. Endpoint selectors without a namespace key are pinned to the policy's namespace in a
 * CNP and mean "any namespace" in a CCNP. Constructs the engine does not evaluate are kept as "not
 * modelled" notes on the entry or rule.
 */
final class CiliumPolicyReader {
  private static final Set<String> RULE_FIELDS =
      Set.of(
          "endpointSelector",
          "nodeSelector",
          "ingress",
          "ingressDeny",
          "egress",
          "egressDeny",
          "labels",
          "description",
          "enableDefaultDeny",
          "log");

  private final PolicyRef policy;
  private final Raw raw;
  private final SelectorReader selectors;
  private final PortReader ports;
  private final CidrReader cidrs;
  private final String namespace;
  private final DnsAnswers dns;

  CiliumPolicyReader(PolicyRef policy, DnsAnswers dns) {
    this.dns = dns;
    this.policy = policy;
    this.raw = new Raw(policy);
    this.selectors = new SelectorReader(raw);
    this.ports = new PortReader(raw);
    this.cidrs = new CidrReader(raw);
    this.namespace = policy.kind().equals(PolicyRef.CCNP) ? null : policy.namespace();
  }

  List<Rule> read(Map<String, Object> body) {
    List<Rule> out = new ArrayList<>();
    if (body.get("spec") != null) {
      out.add(rule(raw.map(body.get("spec"), "spec"), "spec"));
    }
    List<Object> specs = raw.list(body.get("specs"), "specs");
    for (int i = 0; i < specs.size(); i++) {
      out.add(rule(raw.map(specs.get(i), "specs[" + i + "]"), "specs[" + i + "]"));
    }
    if (out.isEmpty()) {
      throw raw.bad("spec", "the policy has neither spec nor specs");
    }
    return out;
  }

  private Rule rule(Map<String, Object> spec, String path) {
    List<String> notes = new ArrayList<>();
    for (String field : spec.keySet()) {
      if (!RULE_FIELDS.contains(field)) {
        notes.add(path + "." + field + ": not modelled (unknown field)");
      }
    }
    boolean appliesToPods = true;
    List<Requirement> subject = List.of();
    if (spec.get("nodeSelector") != null) {
      appliesToPods = false;
      notes.add(path + ".nodeSelector: host policy, not modelled (it selects nodes, not pods)");
      selectors.requirements(spec.get("nodeSelector"), path + ".nodeSelector", "");
    } else if (spec.get("endpointSelector") == null) {
      throw raw.bad(path, "a rule needs endpointSelector or nodeSelector");
    } else {
      subject =
          selectors.requirements(spec.get("endpointSelector"), path + ".endpointSelector", "");
      if (SelectorReader.mentionsReserved(subject)) {
        appliesToPods = false;
        notes.add(
            path + ".endpointSelector selects a reserved identity: host policy, not modelled");
      }
      subject = SelectorReader.pinned(subject, namespace);
    }
    Map<Direction, List<RuleEntry>> allow = new EnumMap<>(Direction.class);
    Map<Direction, List<RuleEntry>> deny = new EnumMap<>(Direction.class);
    allow.put(
        Direction.INGRESS,
        entries(spec.get("ingress"), path + ".ingress", Direction.INGRESS, false));
    allow.put(
        Direction.EGRESS, entries(spec.get("egress"), path + ".egress", Direction.EGRESS, false));
    deny.put(
        Direction.INGRESS,
        entries(spec.get("ingressDeny"), path + ".ingressDeny", Direction.INGRESS, true));
    deny.put(
        Direction.EGRESS,
        entries(spec.get("egressDeny"), path + ".egressDeny", Direction.EGRESS, true));
    Map<String, Object> enable =
        raw.map(spec.get("enableDefaultDeny"), path + ".enableDefaultDeny");
    Set<Direction> defaultDeny = EnumSet.noneOf(Direction.class);
    Set<Direction> optOut = EnumSet.noneOf(Direction.class);
    for (Direction d : Direction.values()) {
      Boolean enabled = raw.bool(enable.get(d.lower()), path + ".enableDefaultDeny." + d.lower());
      boolean hasEntries = !allow.get(d).isEmpty() || !deny.get(d).isEmpty();
      if (hasEntries && (enabled == null || enabled)) {
        defaultDeny.add(d);
      } else if (hasEntries) {
        optOut.add(d);
      }
    }
    return new Rule(
        policy,
        path,
        namespace,
        selectors.selector(subject),
        appliesToPods,
        allow,
        deny,
        defaultDeny,
        optOut,
        notes);
  }

  private List<RuleEntry> entries(Object value, String path, Direction d, boolean isDeny) {
    List<RuleEntry> out = new ArrayList<>();
    List<Object> items = raw.list(value, path);
    for (int i = 0; i < items.size(); i++) {
      out.add(entry(raw.map(items.get(i), path + "[" + i + "]"), path + "[" + i + "]", d, isDeny));
    }
    return out;
  }

  private RuleEntry entry(Map<String, Object> e, String at, Direction d, boolean isDeny) {
    String p = d == Direction.EGRESS ? "to" : "from";
    List<String> notes = new ArrayList<>();
    List<Peer> peers = new ArrayList<>();
    List<FqdnSelector> unresolved = new ArrayList<>();
    boolean hasL3 = false;
    for (String field : e.keySet()) {
      Object v = e.get(field);
      if (v == null || field.equals("toPorts")) {
        continue;
      }
      String fat = at + "." + field;
      if (field.equals(p + "Endpoints")) {
        hasL3 = true;
        endpointPeers(v, fat, p, peers);
      } else if (field.equals(p + "CIDR")) {
        hasL3 = true;
        cidrPeers(v, fat, p, peers);
      } else if (field.equals(p + "CIDRSet")) {
        hasL3 = true;
        cidrSetPeers(v, fat, p, peers, notes);
      } else if (field.equals(p + "Entities")) {
        hasL3 = true;
        entityPeers(v, fat, p, peers);
      } else if (field.equals("toFQDNs")) {
        hasL3 = true;
        fqdns(v, fat, peers, unresolved, notes);
      } else if (notModelled(field, fat, notes)) {
        hasL3 = true;
      }
    }
    boolean hasPorts = e.get("toPorts") != null;
    boolean allPorts = !hasPorts && e.get("icmps") == null;
    List<PortMatch> portMatches = portMatches(e, at, isDeny, notes);
    String empty = emptyPeerList(e, p);
    if (empty != null) {
      // An empty list present selects no identity at all, whatever the entry's other peers
      // (mergeEndpointSelectors, pkg/policy/utils): the entry lets nothing through.
      peers.clear();
      hasL3 = true;
    }
    if (!hasL3 && (hasPorts || e.get("icmps") != null)) {
      // An L4-only entry applies to every peer.
      peers.add(new Peer.Anyone("any peer (the entry has no L3 selector)"));
    }
    return new RuleEntry(peers, portMatches, allPorts, notes, at, unresolved);
  }

  /** toEndpoints / fromEndpoints: one peer a selector, scoped to the policy's namespace. */
  private void endpointPeers(Object v, String fat, String p, List<Peer> peers) {
    List<Object> sels = raw.list(v, fat);
    for (int i = 0; i < sels.size(); i++) {
      List<Requirement> req = selectors.requirements(sels.get(i), fat + "[" + i + "]", "");
      boolean reserved = SelectorReader.mentionsReserved(req);
      SelectorReader.Scoped scoped = SelectorReader.ciliumPeer(req, namespace);
      boolean namespaced = !reserved
          && !SelectorReader.mentions(req, SelectorReader.NAMESPACE_KEY);
      String text =
          p
              + "Endpoints "
              + SelectorReader.text(req)
              + (!namespaced
                  ? ""
                  : namespace == null
                      ? " (any namespace)"
                      : scoped.terms().namespaceBefore118() != null
                          ? " (namespace " + namespace + " before Cilium 1.18)"
                          : " (namespace " + namespace + ")");
      peers.add(new Peer.Endpoints(selectors.selector(scoped.requirements()), reserved, text,
          scoped.terms()));
    }
  }

  /** toCIDR / fromCIDR: one peer a CIDR (a bare address is its host prefix). */
  private void cidrPeers(Object v, String fat, String p, List<Peer> peers) {
    List<Object> list = raw.list(v, fat);
    for (int i = 0; i < list.size(); i++) {
      IPAddress c = cidrs.cidr(list.get(i), fat + "[" + i + "]", true);
      peers.add(new Peer.Cidr(c, List.of(), p + "CIDR " + c));
    }
  }

  /** toCIDRSet / fromCIDRSet: a CIDR and its exceptions; a group or selector matches nothing. */
  private void cidrSetPeers(Object v, String fat, String p, List<Peer> peers, List<String> notes) {
    List<Object> list = raw.list(v, fat);
    for (int i = 0; i < list.size(); i++) {
      String iat = fat + "[" + i + "]";
      Map<String, Object> set = raw.map(list.get(i), iat);
      if (set.get("cidr") == null) {
        notes.add(
            iat
                + ": "
                + (set.containsKey("cidrGroupRef") ? "cidrGroupRef" : "selector")
                + " not modelled (matches nothing here)");
        continue;
      }
      IPAddress c = cidrs.cidr(set.get("cidr"), iat + ".cidr", false);
      List<IPAddress> except = cidrs.except(set.get("except"), c, iat + ".except");
      peers.add(
          new Peer.Cidr(
              c,
              except,
              p
                  + "CIDRSet "
                  + c
                  + (except.isEmpty()
                      ? ""
                      : " except " + except.stream().map(Object::toString).toList())));
    }
  }

  /** toEntities / fromEntities: one peer an entity; a name Cilium does not know is bad input. */
  private void entityPeers(Object v, String fat, String p, List<Peer> peers) {
    List<Object> list = raw.list(v, fat);
    for (int i = 0; i < list.size(); i++) {
      String name = raw.string(list.get(i), fat + "[" + i + "]");
      Entity entity = Entity.parse(name);
      if (entity == null) {
        throw raw.bad(fat + "[" + i + "]", "\"" + name + "\" is not a Cilium entity");
      }
      peers.add(new Peer.Entities(entity, p + "Entities " + entity.wire()));
    }
  }

  /**
   * An entry field the engine does not evaluate, kept as a note.
   *
   * @return whether the field names L3 peers (which then match nothing here)
   */
  private static boolean notModelled(String field, String fat, List<String> notes) {
    switch (field) {
      case "icmps" ->
          notes.add(fat + ": ICMP not modelled (only TCP, UDP and SCTP flows are traced)");
      case "authentication" ->
          notes.add(fat + ": mutual authentication not modelled (read as no requirement)");
      case "toServices", "toNodes", "fromNodes", "toGroups", "fromGroups" -> {
        notes.add(fat + ": not modelled (these peers match nothing here)");
        return true;
      }
      case "toRequires", "fromRequires" ->
          notes.add(fat + ": not modelled (its extra requirement is not applied)");
      default -> notes.add(fat + ": not modelled (unknown field)");
    }
    return false;
  }

  /**
   * toPorts: the port matches of the entry (a port list that is empty matches every port); L7
   * rules and other port fields are kept as notes.
   */
  private List<PortMatch> portMatches(
      Map<String, Object> e, String at, boolean isDeny, List<String> notes) {
    List<PortMatch> portMatches = new ArrayList<>();
    List<Object> toPorts = raw.list(e.get("toPorts"), at + ".toPorts");
    for (int i = 0; i < toPorts.size(); i++) {
      String pat = at + ".toPorts[" + i + "]";
      Map<String, Object> tp = raw.map(toPorts.get(i), pat);
      for (String field : tp.keySet()) {
        if (field.equals("ports") || tp.get(field) == null) {
          continue;
        }
        if (field.equals("rules")) {
          notes.add(
              pat
                  + ".rules: L7 rules not modelled (the L4 port is read as allowed"
                  + (isDeny ? ")" : "; the proxy may still refuse requests)"));
        } else {
          notes.add(pat + "." + field + ": not modelled");
        }
      }
      List<Object> list = raw.list(tp.get("ports"), pat + ".ports");
      if (list.isEmpty()) {
        portMatches.add(new PortMatch(0, null, null, EnumSet.allOf(Protocol.class)));
      }
      for (int j = 0; j < list.size(); j++) {
        portMatches.add(ports.ciliumPort(list.get(j), pat + ".ports[" + j + "]"));
      }
    }
    return portMatches;
  }

  /** The first peer list of the entry that is present but empty, or null. */
  private static String emptyPeerList(Map<String, Object> e, String p) {
    for (String kind : List.of("Endpoints", "Nodes", "Entities", "CIDR", "CIDRSet")) {
      if (e.get(p + kind) instanceof List<?> l && l.isEmpty()) {
        return p + kind;
      }
    }
    return null;
  }

  /**
   * toFQDNs: each selector allows the addresses its names resolved to, as CIDR identities (what
   * Cilium's DNS proxy installs); a selector no given answer matches allows nothing here and is
   * kept as unresolved, so the audit can say which {@code --dns} line would settle it.
   */
  private void fqdns(Object value, String at, List<Peer> peers, List<FqdnSelector> unresolved,
      List<String> notes) {
    List<Object> list = raw.list(value, at);
    for (int i = 0; i < list.size(); i++) {
      String path = at + "[" + i + "]";
      Map<String, Object> m = raw.map(list.get(i), path);
      for (String field : List.of("matchName", "matchPattern")) {
        if (m.get(field) == null) {
          continue;
        }
        FqdnSelector sel;
        try {
          sel = FqdnSelector.of(field, raw.string(m.get(field), path + "." + field));
        } catch (IllegalArgumentException e) {
          throw raw.bad(path + "." + field, e.getMessage());
        }
        boolean resolved = false;
        for (Map.Entry<String, List<IPAddress>> a : dns.byName().entrySet()) {
          if (sel.matches(a.getKey())) {
            for (IPAddress ip : a.getValue()) {
              resolved = true;
              peers.add(new Peer.Cidr(ip.toPrefixBlock(ip.getBitCount()), List.of(),
                  "toFQDNs " + sel.text() + " (" + a.getKey() + " = " + ip + ", --dns)"));
            }
          }
        }
        if (!resolved) {
          unresolved.add(sel);
          notes.add(path + ": toFQDNs " + sel.text() + " not evaluated: no DNS answer given for"
              + " it (--dns NAME=IP or --dns-file)");
        }
      }
    }
  }
}
