package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.Exclusion;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nodeipam plan} as a report: the JSON/YAML contract, and a table for people. */
public final class PlanRenderer {
  private static final int NODES_SHOWN = 8;

  private PlanRenderer() {}

  /** The contracted document: {@code {"services": [...]}}. */
  public static Map<String, Object> document(List<ClusterPlan.Entry> entries) {
    List<Object> services = new ArrayList<>();
    for (ClusterPlan.Entry e : entries) {
      services.add(service(e.service(), e.decision()));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("services", services);
    return doc;
  }

  static Map<String, Object> service(Service s, IngressDecision d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", s.namespace());
    m.put("name", s.name());
    m.put("handled", d.handled());
    m.put("ingress", d.ingress());
    m.put("error", d.error());
    m.put("nodes", d.nodes());
    List<Object> excluded = new ArrayList<>();
    for (Exclusion x : d.excluded()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", x.node());
      e.put("reason", x.reason().text());
      excluded.add(e);
    }
    m.put("excludedNodes", excluded);
    m.put("reason", d.notHandledReason());
    m.put("ipMode", d.ipMode());
    m.put("unselectedNodes", d.unselectedNodes());
    m.put("warnings", d.warnings());
    List<String> current = s.ingressAddresses();
    m.put("currentIngress", current);
    m.put("upToDate", d.ingress() == null || d.ingress().equals(current));
    PublishStatus facts = PublishStatus.of(s, d);
    if (facts != null) {
      ServiceCondition c = ConditionText.condition(facts);
      Map<String, Object> condition = new LinkedHashMap<>();
      condition.put("type", c.type());
      condition.put("status", c.status());
      condition.put("reason", c.reason());
      condition.put("message", c.message());
      m.put("condition", condition);
    }
    return m;
  }

  /**
   * The document with the Cilium version assumed and the NODE_IP_AS_LB_VIP findings (addresses that
   * are nodes' own, where the release programs wildcard service entries for them).
   */
  public static Map<String, Object> document(List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits) {
    Map<String, Object> doc = document(entries);
    doc.put("ciliumVersion", AuditReport.versionMap(settings));
    doc.put("findings", MigrateRenderer.errors(hits));
    return doc;
  }

  /** The text with the version assumed and the node-address findings at the end. */
  public static String text(List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits) {
    StringBuilder out = new StringBuilder(text(entries));
    for (var h : hits) {
      out.append(TextWrap.hanging(h.severity() + ": ", h.message())).append("\n");
    }
    var v = settings.versionSetting();
    out.append(TextWrap.hanging("", "Cilium " + v.value() + " (" + v.from() + ").")).append("\n");
    return out.toString();
  }

  /** One block per handled Service, one line per other Service. */
  public static String text(List<ClusterPlan.Entry> entries) {
    StringBuilder out = new StringBuilder();
    int handled = 0;
    List<String> others = new ArrayList<>();
    for (ClusterPlan.Entry e : entries) {
      IngressDecision d = e.decision();
      Service s = e.service();
      if (!d.handled()) {
        others.add(String.format("  %-40s %s%n", s.key(), d.notHandledReason()));
        continue;
      }
      handled++;
      out.append(s.key())
          .append("  (")
          .append(s.loadBalancerClass() == null ? "no class" : s.loadBalancerClass())
          .append(", externalTrafficPolicy ")
          .append(s.externalTrafficPolicy())
          .append(", ")
          .append(String.join("+", IpFamily.wireNames(s.ipFamilies())))
          .append(")\n");
      ServiceCondition c = ConditionText.condition(PublishStatus.of(s, d));
      out.append(
              TextWrap.hanging(
                  "  condition  ", c.status() + " " + c.reason() + ": " + c.message()))
          .append("\n");
      if (d.isError()) {
        out.append(TextWrap.hanging("  error      ", d.error())).append("\n");
        out.append("             status left as it is: ").append(bracketed(s.ingressAddresses())).append("\n\n");
        continue;
      }
      out.append("  ingress    ")
          .append(d.ingress().isEmpty() ? "[] (pending)" : String.join(", ", d.ingress()));
      if (d.ipMode() != null) {
        out.append("  ipMode ").append(d.ipMode());
      }
      out.append("\n");
      List<String> now = s.ingressAddresses();
      out.append("  status     ")
          .append(now.equals(d.ingress()) ? "up to date" : "now " + bracketed(now) + ", would be rewritten")
          .append("\n");
      out.append("  nodes      ").append(abbreviated(d.nodes()));
      if (d.unselectedNodes() > 0) {
        out.append("  (").append(d.unselectedNodes()).append(" not matched by the selector)");
      }
      out.append("\n");
      if (!d.excluded().isEmpty()) {
        List<String> left = d.excluded().stream().map(x -> x.node() + " (" + x.reason().text() + ")").toList();
        out.append("  left out   ").append(abbreviated(left)).append("\n");
      }
      for (String w : d.warnings()) {
        out.append(TextWrap.hanging("  warning    ", w)).append("\n");
      }
      out.append("\n");
    }
    if (!others.isEmpty()) {
      out.append("Not handled (status never touched):\n");
      others.forEach(out::append);
      out.append("\n");
    }
    out.append(entries.size())
        .append(" services, ")
        .append(handled)
        .append(" handled by Node IPAM.\n");
    return out.toString();
  }

  private static String bracketed(List<String> addresses) {
    return "[" + String.join(", ", addresses) + "]";
  }

  private static String abbreviated(List<String> items) {
    if (items.isEmpty()) {
      return "(none)";
    }
    if (items.size() <= NODES_SHOWN) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, NODES_SHOWN))
        + " … and " + (items.size() - NODES_SHOWN) + " more";
  }
}
