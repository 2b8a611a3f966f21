package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.Requirement;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a ClusterNetworkPolicy the way {@code ParseClusterNetworkPolicy} ({@code
 * pkg/k8s/cluster_network_policy.go}, Cilium 1.20) translates it: tier Baseline or else Admin;
 * actions Deny, Pass, else Accept; a missing or empty {@code from}/{@code to} matches every peer; a
 * peer with none of the known fields matches nothing under Accept and everything under Deny or
 * Pass, as a Deny ("fail closed"); subject and peers select by namespace labels ({@code
 * io.cilium.k8s.namespace.labels.*}) and pod labels; {@code networks} are CIDR selectors.
 */
final class ClusterNetworkPolicyReader {
  private final PolicyRef policy;
  private final Raw raw;
  private final SelectorReader selectors;
  private final CidrReader cidrs;
  private String refused;

  ClusterNetworkPolicyReader(PolicyRef policy) {
    this.policy = policy;
    this.raw = new Raw(policy);
    this.selectors = new SelectorReader(raw);
    this.cidrs = new CidrReader(raw);
  }

  ClusterNetworkPolicy read(Map<String, Object> body) {
    Map<String, Object> spec = raw.map(body.get("spec"), "spec");
    String tierText = raw.string(spec.get("tier"), "spec.tier");
    TierRule.Tier tier = switch (tierText == null ? "" : tierText) {
      case "Admin" -> TierRule.Tier.ADMIN;
      case "Baseline" -> TierRule.Tier.BASELINE;
      default -> throw raw.bad("spec.tier", "\"" + tierText + "\" is not Admin or Baseline");
    };
    int priority = priority(spec.get("priority"));
    Requirement exists =
        new Requirement(SelectorReader.NAMESPACE_KEY, Requirement.Operator.EXISTS, Set.of());
    Map<String, Object> subjectTree = raw.map(spec.get("subject"), "spec.subject");
    List<Requirement> subject = new ArrayList<>();
    if (subjectTree.get("namespaces") != null) {
      subject.addAll(namespaces(subjectTree.get("namespaces"), "spec.subject.namespaces"));
    } else if (subjectTree.get("pods") != null) {
      subject.addAll(pods(subjectTree.get("pods"), "spec.subject.pods"));
    } else {
      throw raw.bad("spec.subject", "a subject needs namespaces or pods");
    }
    subject.add(exists);
    List<TierRule> rules = new ArrayList<>();
    for (Direction d : List.of(Direction.INGRESS, Direction.EGRESS)) {
      String field = d == Direction.INGRESS ? "ingress" : "egress";
      List<Object> list = raw.list(spec.get(field), "spec." + field);
      for (int i = 0; i < list.size(); i++) {
        String at = "spec." + field + "[" + i + "]";
        Map<String, Object> rule = raw.map(list.get(i), at);
        rules.addAll(rule(rule, at, i, d, tier, priority, selectors.selector(subject)));
      }
    }
    return new ClusterNetworkPolicy(policy, rules, refused);
  }

  private int priority(Object value) {
    if (value == null) {
      throw raw.bad("spec.priority", "a ClusterNetworkPolicy needs a priority (0 to 1000)");
    }
    try {
      int p = Integer.parseInt(String.valueOf(value));
      if (p < 0 || p > 1000) {
        throw raw.bad("spec.priority", p + " is not between 0 and 1000");
      }
      return p;
    } catch (NumberFormatException e) {
      throw raw.bad("spec.priority", "\"" + value + "\" is not a whole number");
    }
  }

  private List<TierRule> rule(Map<String, Object> rule, String at, int index, Direction d,
      TierRule.Tier tier, int priority, LabelSelector subject) {
    String actionText = raw.string(rule.get("action"), at + ".action");
    TierRule.Action action =
        switch (actionText == null ? "" : actionText) {
          case "Accept" -> TierRule.Action.ACCEPT;
          case "Deny" -> TierRule.Action.DENY;
          case "Pass" -> TierRule.Action.PASS;
          default ->
              throw raw.bad(at + ".action", "\"" + actionText + "\" is not Accept, Deny or Pass");
        };
    String name = raw.string(rule.get("name"), at + ".name");
    String peerField = d == Direction.INGRESS ? "from" : "to";
    List<Object> peersRaw = raw.list(rule.get(peerField), at + "." + peerField);
    List<PortMatch> ports = protocols(raw.list(rule.get("protocols"), at + ".protocols"), at);
    boolean allPorts = ports.isEmpty();
    List<Peer> peers = new ArrayList<>();
    List<String> notModelled = new ArrayList<>();
    boolean failClosed = false;
    if (peersRaw.isEmpty()) {
      peers.add(new Peer.Anyone("no " + peerField + ": (every peer)"));
    }
    for (int j = 0; j < peersRaw.size(); j++) {
      String pat = at + "." + peerField + "[" + j + "]";
      Map<String, Object> p = raw.map(peersRaw.get(j), pat);
      if (p.get("pods") != null) {
        List<Requirement> r = new ArrayList<>(pods(p.get("pods"), pat + ".pods"));
        r.add(new Requirement(SelectorReader.NAMESPACE_KEY, Requirement.Operator.EXISTS,
            Set.of()));
        peers.add(new Peer.Endpoints(selectors.selector(r), false, "pods " + text(r)));
      } else if (p.get("namespaces") != null) {
        List<Requirement> r = new ArrayList<>(namespaces(p.get("namespaces"), pat + ".namespaces"));
        r.add(new Requirement(SelectorReader.NAMESPACE_KEY, Requirement.Operator.EXISTS,
            Set.of()));
        peers.add(new Peer.Endpoints(selectors.selector(r), false, "namespaces " + text(r)));
      } else if (d == Direction.EGRESS && p.get("networks") != null) {
        List<Object> nets = raw.list(p.get("networks"), pat + ".networks");
        for (int k = 0; k < nets.size(); k++) {
          IPAddress cidr = cidrs.cidr(nets.get(k), pat + ".networks[" + k + "]", false);
          peers.add(new Peer.Cidr(cidr, List.of(), "networks " + cidr));
        }
      } else if (d == Direction.EGRESS && p.get("nodes") != null) {
        // enable-node-selector-labels is off by default: the agent refuses the object.
        refused = pat + ".nodes: egress.to.nodes is not supported since node selector labels are"
            + " disabled";
      } else if (d == Direction.EGRESS && p.get("domainNames") != null) {
        if (action != TierRule.Action.ACCEPT) {
          refused = pat + ".domainNames: egress.to.domainNames is only supported for"
              + " egress.action=Accept";
        }
        notModelled.add(pat + ".domainNames is not modelled: it matches nothing here");
      } else {
        failClosed = true;
      }
    }
    RuleEntry entry = new RuleEntry(peers, ports, allPorts, notModelled, at);
    List<TierRule> out = new ArrayList<>();
    if (!peers.isEmpty() || !notModelled.isEmpty()) {
      out.add(new TierRule(policy, tier, priority, index, d, action, name == null ? "" : name,
          subject, entry));
    }
    if (failClosed && action != TierRule.Action.ACCEPT) {
      RuleEntry all = new RuleEntry(List.of(new Peer.Anyone("a peer with no known field (fail"
          + " closed: Deny every peer)")), ports, allPorts, List.of(), at);
      out.add(new TierRule(policy, tier, priority, index, d, TierRule.Action.DENY,
          name == null ? "" : name, subject, all));
    }
    return out;
  }

  private List<Requirement> namespaces(Object selector, String at) {
    return selectors.requirements(selector, at, SelectorReader.NAMESPACE_LABEL_PREFIX);
  }

  private List<Requirement> pods(Object value, String at) {
    Map<String, Object> pods = raw.map(value, at);
    List<Requirement> out = new ArrayList<>(
        selectors.requirements(pods.get("namespaceSelector"), at + ".namespaceSelector",
            SelectorReader.NAMESPACE_LABEL_PREFIX));
    out.addAll(selectors.requirements(pods.get("podSelector"), at + ".podSelector", ""));
    return out;
  }

  private static String text(List<Requirement> r) {
    return SelectorReader.text(r.stream()
        .filter(q -> !q.key().equals(SelectorReader.NAMESPACE_KEY)).toList())
        .replace(SelectorReader.NAMESPACE_LABEL_PREFIX, "namespace:");
  }

  /**
   * {@code protocols[]}: each one of {@code tcp}, {@code udp}, {@code sctp} with a {@code
   * destinationPort} number or range, or {@code destinationNamedPort} (protocol ANY).
   */
  private List<PortMatch> protocols(List<Object> list, String at) {
    List<PortMatch> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String pat = at + ".protocols[" + i + "]";
      Map<String, Object> p = raw.map(list.get(i), pat);
      String named = raw.string(p.get("destinationNamedPort"), pat + ".destinationNamedPort");
      if (named != null) {
        out.add(new PortMatch(null, named, null, EnumSet.allOf(Protocol.class)));
        continue;
      }
      for (Protocol proto : Protocol.values()) {
        Object v = p.get(proto.name().toLowerCase(Locale.ROOT));
        if (v == null) {
          continue;
        }
        String ppat = pat + "." + proto.name().toLowerCase(Locale.ROOT);
        Map<String, Object> dp = raw.map(raw.map(v, ppat).get("destinationPort"),
            ppat + ".destinationPort");
        Map<String, Object> range = raw.map(dp.get("range"), ppat + ".destinationPort.range");
        if (!range.isEmpty()) {
          out.add(new PortMatch(number(range.get("start"), ppat), null,
              number(range.get("end"), ppat), Set.of(proto)));
        } else {
          Object n = dp.get("number");
          out.add(new PortMatch(n == null ? 0 : number(n, ppat), null, null, Set.of(proto)));
        }
      }
    }
    return out;
  }

  private int number(Object v, String at) {
    try {
      int n = Integer.parseInt(String.valueOf(v));
      if (n < 1 || n > 65535) {
        throw raw.bad(at, n + " is not a port (1 to 65535)");
      }
      return n;
    } catch (NumberFormatException e) {
      throw raw.bad(at, "\"" + v + "\" is not a port number");
    }
  }
}
