package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.Exclusion;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceCondition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code nodeipam plan} as a report: the JSON/YAML contract, and a table for people. */
public final class PlanRenderer {
  private static final int NODES_SHOWN = 8;
  /** More Services than this with one reason not to handle them collapse into one line. */
  private static final int ROWS_PER_REASON = 3;
  private static final int NAMES_SHOWN = 3;

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
    m.put("fromAnnotation", d.fromAnnotation());
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
    return document(entries, settings, hits, List.of());
  }

  /** The document with the ADDRESS_CONFLICT findings after the node-address ones. */
  public static Map<String, Object> document(List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits, List<Finding> conflicts) {
    Map<String, Object> doc = document(entries);
    doc.put("ciliumVersion", AuditReport.versionMap(settings));
    List<Object> findings = MigrateRenderer.errors(hits);
    conflicts.forEach(f -> findings.add(f.toMap()));
    doc.put("findings", findings);
    return doc;
  }

  /** The text with the version assumed and the node-address findings at the end. */
  public static String text(List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits) {
    return text(entries, settings, hits, List.of(), true);
  }

  /**
   * The text with the version assumed, the node-address findings and the address conflicts at
   * the end; {@code showAll} lists every Service not handled instead of a line per reason.
   */
  public static String text(List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits, List<Finding> conflicts, boolean showAll) {
    StringWriter text = new StringWriter();
    write(new PrintWriter(text), entries, settings, hits, conflicts, showAll);
    return text.toString();
  }

  /**
   * {@link #text(List, DatapathSettings, List, List, boolean)} written as it is made: the plan
   * of a cluster with thousands of nodes per Service is hundreds of megabytes of text.
   */
  public static void write(PrintWriter out, List<ClusterPlan.Entry> entries,
      DatapathSettings settings,
      List<NodeAddressVips.Hit> hits, List<Finding> conflicts, boolean showAll) {
    write(out, entries, showAll);
    for (var h : hits) {
      out.append(TextWrap.hanging(h.severity() + ": ", h.message())).append("\n");
    }
    for (Finding c : conflicts) {
      out.append(TextWrap.hanging(c.severity().wire() + ": ",
          c.type().name() + ": " + c.message())).append("\n");
    }
    var v = settings.versionSetting();
    out.append(TextWrap.hanging("", "Cilium " + v.value() + " (" + v.from() + ").")).append("\n");
    out.flush();
  }

  /** One block per handled Service, one line per other Service. */
  public static String text(List<ClusterPlan.Entry> entries) {
    return text(entries, true);
  }

  /**
   * One block per handled Service; the others one line each ({@code showAll}), else one line per
   * reason shared by more than {@link #ROWS_PER_REASON} of them, with a count and the first names.
   */
  public static String text(List<ClusterPlan.Entry> entries, boolean showAll) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    write(out, entries, showAll);
    out.flush();
    return text.toString();
  }

  private static void write(PrintWriter out, List<ClusterPlan.Entry> entries, boolean showAll) {
    int handled = 0;
    Map<String, List<String>> others = new LinkedHashMap<>();
    for (ClusterPlan.Entry e : entries) {
      IngressDecision d = e.decision();
      Service s = e.service();
      if (!d.handled()) {
        others.computeIfAbsent(d.notHandledReason(), r -> new ArrayList<>()).add(s.key());
        continue;
      }
      handled++;
      handledText(out, s, d);
    }
    if (!others.isEmpty()) {
      out.append("Not handled (status never touched):\n");
      notHandledText(out, others, showAll);
      out.append("\n");
    }
    out.append(Plural.of(entries.size(), "Service"))
        .append(", ")
        .append(String.valueOf(handled))
        .append(" handled by Node IPAM.\n");
  }

  private static void handledText(PrintWriter out, Service s, IngressDecision d) {
    out.append(TextWrap.hanging("", s.key()
        + "  ("
        + (s.loadBalancerClass() == null ? "no class" : s.loadBalancerClass())
        + ", externalTrafficPolicy "
        + s.externalTrafficPolicy()
        + ", "
        + String.join("+", IpFamily.wireNames(s.ipFamilies()))
        + ")")).append("\n");
    ServiceCondition c = ConditionText.condition(PublishStatus.of(s, d));
    out.append(
            TextWrap.hanging("  condition  ", c.status() + " " + c.reason() + ": " + c.message()))
        .append("\n");
    if (d.isError()) {
      out.append(TextWrap.hanging("  error      ", d.error())).append("\n");
      out.append(TextWrap.hanging("             ",
          "status left as it is: " + bracketed(s.ingressAddresses()))).append("\n\n");
      return;
    }
    out.append(TextWrap.hanging("  ingress    ",
        (d.ingress().isEmpty() ? "[] (pending)" : String.join(", ", d.ingress()))
            + (d.ipMode() != null ? "  ipMode " + d.ipMode() : ""))).append("\n");
    List<String> now = s.ingressAddresses();
    out.append(TextWrap.hanging("  status     ", now.equals(d.ingress()) ? "up to date"
        : "now " + bracketed(now) + ", would be rewritten")).append("\n");
    out.append(TextWrap.hanging("  nodes      ", abbreviated(d.nodes())
        + (d.unselectedNodes() > 0
            ? "  (" + d.unselectedNodes() + " not matched by the selector)" : "")))
        .append("\n");
    if (!d.excluded().isEmpty()) {
      List<String> left = d.excluded().stream()
          .map(x -> x.node() + " (" + x.reason().text() + ")").toList();
      out.append(TextWrap.hanging("  left out   ", abbreviated(left))).append("\n");
    }
    for (String w : d.warnings()) {
      out.append(TextWrap.hanging("  warning    ", w)).append("\n");
    }
    if (!d.fromAnnotation().isEmpty()) {
      String note = AnnotatedAddressText.dependsOn(d.fromAnnotation());
      out.append(TextWrap.hanging("  note       ", note)).append("\n");
    }
    out.append("\n");
  }

  private static void notHandledText(PrintWriter out, Map<String, List<String>> others,
      boolean showAll) {
    List<String> rows = new ArrayList<>();
    for (var reason : others.entrySet()) {
      List<String> keys = reason.getValue();
      if (showAll || keys.size() <= ROWS_PER_REASON) {
        keys.forEach(k -> rows.add(k + "\u0000" + reason.getKey()));
        continue;
      }
      rows.add("\u0001" + reason.getKey() + "\u0000" + keys.size());
    }
    // Services in namespace/name order as before; the collapsed reasons after them.
    rows.sort(null);
    for (String row : rows) {
      String[] parts = row.split("\u0000", 2);
      if (!parts[0].startsWith("\u0001")) {
        out.append(TextWrap.hanging(String.format("  %-40s ", parts[0]), parts[1])).append("\n");
        continue;
      }
      String reason = parts[0].substring(1);
      List<String> keys = others.get(reason);
      out.append(TextWrap.hanging("  " + Plural.of(keys.size(), "Service") + ": ", reason + ": "
          + String.join(", ", keys.subList(0, NAMES_SHOWN)) + " … and "
          + (keys.size() - NAMES_SHOWN) + " more (--show-all lists them)")).append("\n");
    }
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
