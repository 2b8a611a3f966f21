package dev.nodeipam.audit;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.FqdnSelector;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ExternalIps;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The findings besides identity traps: Services on the deprecated {@code spec.externalIPs}, and
 * CIDR rules whose ranges hold pod or node addresses (which CIDR rules never match; nodes only with
 * {@code policy-cidr-match-mode=nodes}).
 */
final class OtherFindings {
  private OtherFindings() {}

  static List<Finding> externalIps(ClusterSnapshot snapshot) {
    List<Service> services = new ArrayList<>(snapshot.services());
    services.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    List<Finding> out = new ArrayList<>();
    for (Service s : services) {
      if (s.externalIps().isEmpty() || s.deleting()) {
        continue;
      }
      String command = "nodeipam migrate --service " + s.key();
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("addresses", s.externalIps());
      extra.put("command", command);
      out.add(Finding.builder()
          .type(FindingType.EXTERNAL_IPS)
          .severity(Severity.WARNING)
          .active(true)
          .service(s.key())
          .address(String.join(",", s.externalIps()))
          .message(
              s.key() + " lists " + String.join(", ", s.externalIps()) + " in spec.externalIPs, "
                  + ExternalIps.DEPRECATED + ". Move it to a Node IPAM"
                  + " LoadBalancer that publishes the same addresses: " + command
                  + " (with the same -f or cluster).")
          .extra(extra)
          .build());
    }
    return out;
  }

  /** LoadBalancer and Node IPAM addresses that are node addresses, where Cilium breaks them. */
  static List<Finding> nodeIpVips(
      List<ServiceAddress> addresses, ClusterSnapshot snapshot, DatapathSettings s) {
    if (!NodeAddressVips.affected(s)) {
      return List.of();
    }
    Map<String, Set<String>> distinct = new LinkedHashMap<>();
    for (ServiceAddress a : addresses) {
      if (!ServiceAddress.EXTERNAL_IP.equals(a.frontend())
          && NodeAddressVips.wildcardCandidate(a.service())) {
        distinct.computeIfAbsent(a.service().key(), k -> new LinkedHashSet<>())
            .add(a.address().toCanonicalString());
      }
    }
    Map<String, List<String>> lb = new LinkedHashMap<>();
    distinct.forEach((service, texts) -> lb.put(service, List.copyOf(texts)));
    List<Finding> out = new ArrayList<>();
    for (NodeAddressVips.Hit h
        : NodeAddressVips.find(snapshot, lb, s)) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("node", h.node());
      extra.put("addresses", h.addresses());
      extra.put("nodes", h.nodes());
      extra.put("ciliumVersion", s.version().toString());
      out.add(Finding.builder()
          .type(FindingType.NODE_IP_AS_LB_VIP)
          .severity(h.certain() ? Severity.ERROR : Severity.WARNING)
          .active(true)
          .service(h.service())
          .address(h.address())
          .message(h.message())
          .extra(extra)
          .build());
    }
    return out;
  }

  /**
   * Each Service address and port a toFQDNs allow without DNS answers could cover: Cilium allows
   * what the name resolved to, and after translation the allow no longer matches, as a CIDR allow
   * does not. The message carries the {@code --dns} line that settles it.
   */
  static List<Finding> fqdnMayBeTrapped(List<Rule> rules, List<ServiceAddress> addresses) {
    List<Finding> out = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    for (Rule r : rules) {
      for (RuleEntry e : r.allows(Direction.EGRESS)) {
        if (e.unresolvedFqdns().isEmpty()) {
          continue;
        }
        for (ServiceAddress a : addresses) {
          for (Service.ServicePort p : a.service().ports()) {
            boolean covers = e.allPorts() || e.ports().stream().anyMatch(m -> !m.isNamed()
                && (m.port() == 0 || (p.port() >= m.port()
                    && p.port() <= (m.endPort() == null ? m.port() : m.endPort()))));
            String address = a.address().toCanonicalString();
            if (!covers || !seen.add(List.of(r.policy(), address, p.port()))) {
              continue;
            }
            for (FqdnSelector sel : e.unresolvedFqdns()) {
              String name = sel.field().equals("matchName") ? sel.value() : "NAME";
              Map<String, Object> extra = new LinkedHashMap<>();
              extra.put("fqdn", sel.text());
              extra.put("dns", "--dns " + name + "=" + address);
              out.add(Finding.builder()
                  .type(FindingType.FQDN_MAY_BE_TRAPPED)
                  .severity(Severity.WARNING)
                  .direction("egress")
                  .service(a.service().key())
                  .address(address)
                  .port(p.port())
                  .protocol(p.protocol())
                  .policies(List.of(r.policy()))
                  .message(r.policy().label() + " allows toFQDNs " + sel.text()
                      + " on port " + p.port() + " with no DNS answer given: if the name resolves"
                      + " to " + address + " (" + a.frontend() + " of " + a.service().key()
                      + "), Cilium translates the flow and the allow no longer matches, as a CIDR"
                      + " allow does not. Settle it with --dns " + name + "=" + address
                      + (name.equals("NAME") ? " (NAME: a name the pattern selects)" : "")
                      + " or the name's real answers")
                  .extra(extra)
                  .build());
            }
          }
        }
      }
    }
    return out;
  }

  static List<Finding> cidrCoverage(
      List<Rule> rules, ClusterSnapshot snapshot, DatapathSettings s) {
    List<AddressIndex.Owned> pods = new ArrayList<>();
    for (Pod p : snapshot.pods()) {
      if (!p.isEndpoint()) {
        continue; // a hostNetwork pod's address is its node's
      }
      for (String ip : p.ips()) {
        IPAddress a = IpText.parse(ip);
        if (a != null) {
          pods.add(new AddressIndex.Owned(a, "pod " + p.key()));
        }
      }
    }
    List<AddressIndex.Owned> nodes = new ArrayList<>();
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress na : n.addresses()) {
        IPAddress a = IpText.parse(na.address());
        if (a != null) {
          nodes.add(new AddressIndex.Owned(a, "node " + n.name()));
        }
      }
    }
    AddressIndex podIndex = new AddressIndex(pods);
    AddressIndex nodeIndex = new AddressIndex(nodes);
    List<Finding> out = new ArrayList<>();
    Set<List<Object>> seen = new HashSet<>();
    for (Rule r : rules) {
      for (Direction d : Direction.values()) {
        List<RuleEntry> entries = new ArrayList<>(r.allows(d));
        entries.addAll(r.denies(d));
        for (RuleEntry e : entries) {
          for (Peer p : e.peers()) {
            if (!(p instanceof Peer.Cidr c)
                || Integer.valueOf(0).equals(c.cidr().getPrefixLength())) {
              continue; // 0.0.0.0/0 and ::/0 are the world entity, meant as "anywhere outside"
            }
            if (!seen.add(List.of(r.policy(), c.text()))) {
              continue;
            }
            IPAddress range = c.cidr().toPrefixBlock();
            int podCount = s.cidrMatchesPods() ? 0 : podIndex.countOutside(range, c.except());
            if (podCount > 0) {
              out.add(finding(FindingType.CIDR_COVERS_PODS, r, c, podCount,
                  podIndex.sample(range, c.except(), 3), "pod",
                  "CIDR rules never match pods (pods have their own identities): to allow them,"
                      + " select them with podSelector/namespaceSelector or toEndpoints"));
            }
            int nodeCount = s.cidrMatchesNodes() ? 0 : nodeIndex.countOutside(range, c.except());
            if (nodeCount > 0) {
              out.add(finding(FindingType.CIDR_COVERS_NODES, r, c, nodeCount,
                  nodeIndex.sample(range, c.except(), 3), "node",
                  "CIDR rules match node addresses only with policy-cidr-match-mode=nodes: to allow"
                      + " them, use toEntities/fromEntities host and remote-node"));
            }
          }
        }
      }
    }
    return out;
  }

  private static Finding finding(
      FindingType type, Rule r, Peer.Cidr c, int count, List<String> sample, String what,
      String advice) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("cidr", c.text());
    extra.put("covered", count);
    extra.put("examples", sample);
    String message = r.policy().label() + ": " + c.text() + " holds " + count + " " + what
        + " address" + (count == 1 ? "" : "es") + " of the input (e.g. " + String.join(", ", sample)
        + "), which it never matches. " + advice + ".";
    return Finding.builder()
        .type(type)
        .severity(Severity.WARNING)
        .active(true)
        .policies(List.of(r.policy()))
        .message(message)
        .extra(extra)
        .build();
  }
}
