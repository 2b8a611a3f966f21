package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.FindingType;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.diff.Location;
import dev.nodeipam.diff.Locator;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ExternalIps;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An audit as SARIF: one rule per finding type, one result per trapped flow (a group of source
 * pods sharing an identity) located at the line that lists the address, with the policy rules as
 * related locations and the companion as a fix; the other findings at their Service or policy.
 */
public final class AuditSarif {
  private AuditSarif() {}

  private static final Map<FindingType, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put(FindingType.IDENTITY_TRAP, "A flow the policy reads as allowed (a CIDR or world"
        + " peer covers the Service address) that Cilium denies: the address is translated to"
        + " the Service's backends, whose identity is a pod (or a node), which CIDR rules never"
        + " match. Add the companion CiliumClusterwideNetworkPolicy (the fix suggested) before"
        + " the Service change.");
    HELP.put(FindingType.EXTERNAL_IPS, "The Service uses spec.externalIPs, "
        + ExternalIps.DEPRECATED + ". nodeipam migrate moves it to a Node IPAM"
        + " LoadBalancer that publishes the same addresses.");
    HELP.put(FindingType.CIDR_COVERS_PODS, "A CIDR rule whose range holds pod addresses:"
        + " CIDR rules never match pods, whatever their address. Select the pods by labels.");
    HELP.put(FindingType.CIDR_COVERS_NODES, "A CIDR rule whose range holds node addresses:"
        + " CIDR rules match nodes only with policy-cidr-match-mode=nodes. Use toEntities host"
        + " or remote-node.");
    HELP.put(FindingType.ADDRESS_CONFLICT, "An address and port several Services claim:"
        + " the datapath has one frontend there and translates it to one Service's backends,"
        + " so the others never get that traffic. Give each Service its own address or port.");
    HELP.put(FindingType.POLICY_REJECTED, "A Cilium policy the agent rejects as a whole:"
        + " none of its rules is installed, so what its author believes it allows or denies is"
        + " not enforced. Fix the rule the agent names (each kind of peer in an entry of its"
        + " own, ports and L7 rules as the agent accepts them).");
    HELP.put(FindingType.NODE_ADDRESS_COLLISION, "A node's own address reused as a"
        + " load-balancer address (LB IPAM pool, Gateway address, LoadBalancer status) or an"
        + " egress gateway IP that is also a LoadBalancer address: Cilium serves the Service on"
        + " it, and Cilium 1.19 releases can cut the node off (cilium/cilium#44901, #45408)."
        + " Keep node addresses out of pools and Gateways.");
  }

  public static String ruleId(FindingType type) {
    return "nodeipam/audit/" + type.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void rule(Sarif sarif, FindingType type, String level) {
    String help = HELP.getOrDefault(type, type.name());
    sarif.rule(ruleId(type), type.name(), help.substring(0, help.indexOf(':') > 0
        ? help.indexOf(':') : help.length()), help, level);
  }

  public static Sarif of(AuditReport report, ClusterSnapshot snapshot, Locator locator,
      Sarif sarif) {
    // One result per finding a person acts on: a rule, a Service's port, its address group.
    for (ServiceFindings.Group g : ServiceFindings.of(report.groups())) {
      Trap t = g.first();
      String level = t.active() ? "error" : "warning";
      rule(sarif, FindingType.IDENTITY_TRAP, "error");
      Service svc = t.address().service();
      Location at = locator.locate(svc.source(), addressPath(t.address())).orElse(null);
      List<Sarif.Related> related = new ArrayList<>();
      for (PolicyEngine.AllowEntry e : t.entries()) {
        related.add(new Sarif.Related(
            locator.locate(e.policy().source(), e.entry().origin()).orElse(null),
            e.policy().label() + " " + e.entry().origin()));
      }
      Sarif.NewFile fix = null;
      String direction = t.direction() == Direction.EGRESS ? "egress" : "ingress";
      if (!t.denyRule()) {
        for (Companion c : report.companions()) {
          if (c.service().equals(svc.key()) && c.direction().equals(direction)) {
            fix = new Sarif.NewFile(at, c.name() + ".yaml", CompanionYaml.of(c),
                "Add the companion " + c.name() + ", applied before the Service change");
          }
        }
      }
      List<TrapGroups.Group> sources = g.sources();
      Pod first = sources.get(0).first().sources().get(0);
      long pods = g.pods();
      String who = first.key() + (pods > 1 ? " and " + (pods - 1) + " more pods" : "");
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("active", t.active());
      properties.put("direction", direction);
      properties.put("sourceCount", pods);
      properties.put("addressCount", g.addresses().size());
      properties.put("addresses", g.ranges(ServiceFindings.MAX_ADDRESSES));
      String where = g.addresses().size() == 1 ? t.address().hostText()
          : svc.key() + " " + g.addressText();
      sarif.result(ruleId(FindingType.IDENTITY_TRAP), level, who + " -> "
          + where + ":" + t.servicePort().port() + "/" + t.protocol() + ": "
          + t.detail(), at, related, fix, properties);
    }
    for (Finding f : report.others()) {
      rule(sarif, f.type(), f.type() == FindingType.POLICY_REJECTED ? "error" : "warning");
      Location at = null;
      if (f.service() != null) {
        int slash = f.service().indexOf('/');
        at = snapshot.service(f.service().substring(0, slash), f.service().substring(slash + 1))
            .flatMap(s -> locator.locate(s.source(),
                f.type() == FindingType.EXTERNAL_IPS ? "spec.externalIPs" : null))
            .orElse(null);
      } else if (!f.policies().isEmpty()) {
        PolicyRef p = f.policies().get(0);
        at = locator.locate(p.source(), (String) f.extra().get("path")).orElse(null);
      }
      sarif.result(ruleId(f.type()), f.severity().wire(), f.message(), at, List.of(), null,
          Map.of());
    }
    return sarif;
  }

  private static String addressPath(ServiceAddress a) {
    if (!ServiceAddress.EXTERNAL_IP.equals(a.frontend())) {
      return ServiceAddress.LOAD_BALANCER.equals(a.frontend())
          ? "status.loadBalancer.ingress" : "spec.type";
    }
    List<String> ips = a.service().externalIps();
    for (int i = 0; i < ips.size(); i++) {
      if (a.address().toCanonicalString().equals(IpText.canonical(ips.get(i)))) {
        return "spec.externalIPs[" + i + "]";
      }
    }
    return "spec.externalIPs";
  }
}
