package dev.nodeipam.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.migrate.CommandText;
import dev.nodeipam.migrate.MigrationPlan;
import dev.nodeipam.migrate.NodeLabels;
import dev.nodeipam.migrate.PlannedService;
import dev.nodeipam.migrate.ServiceChanges;
import dev.nodeipam.migrate.ServiceMigration;
import dev.nodeipam.migrate.Step;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code nodeipam migrate} as a report: the JSON/YAML contract, a text summary, a README. */
public final class MigrateRenderer {
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private MigrateRenderer() {}

  /** YAML and one-line JSON for the commands of the steps. */
  public static final CommandText COMMAND_TEXT =
      new CommandText() {
        @Override
        public String yamlDocuments(List<?> objects) {
          return Json.yamlDocuments(objects);
        }

        @Override
        public String compactJson(Object value) {
          try {
            return COMPACT.writeValueAsString(value);
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
          }
        }
      };

  /** The contracted document; fields beyond the contract come after the contracted ones. */
  public static Map<String, Object> document(MigrationPlan plan) {
    return document(plan, List.of(), null);
  }

  /** The hits as findings for JSON: type, severity, service, address, node, message. */
  static List<Object> errors(List<NodeAddressVips.Hit> hits) {
    List<Object> out = new ArrayList<>();
    for (var h : hits) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", "NODE_IP_AS_LB_VIP");
      m.put("severity", h.severity());
      m.put("service", h.service());
      m.put("address", h.address());
      m.put("node", h.node());
      m.put("addresses", h.addresses());
      m.put("nodes", h.nodes());
      m.put("message", h.message());
      out.add(m);
    }
    return out;
  }

  /**
   * The document with the node-address findings, placed before the steps: a NODE_IP_AS_LB_VIP
   * error means the steps would cut nodes off under this Cilium release.
   */
  public static Map<String, Object> document(
      MigrationPlan plan, List<NodeAddressVips.Hit> hits,
      DatapathSettings settings) {
    List<Object> services = new ArrayList<>();
    for (ServiceMigration m : plan.services()) {
      services.add(service(m));
    }
    List<Object> nodeLabels = new ArrayList<>();
    for (NodeLabels n : plan.nodeLabels()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", n.node());
      m.put("labels", new TreeMap<>(n.labels()));
      nodeLabels.add(m);
    }
    List<Object> steps = new ArrayList<>();
    for (Step s : plan.steps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", s.kind().text());
      m.put("description", s.description());
      m.put("command", s.command());
      steps.add(m);
    }
    Map<String, Object> audit = new LinkedHashMap<>();
    audit.put("ran", plan.audit().ran());
    audit.put("note", plan.audit().note());
    audit.put("findings", plan.audit().findings());
    audit.put("remainingWithCompanions", plan.audit().remaining());
    audit.put("caveats", plan.audit().caveats());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("services", services);
    doc.put("nodeLabels", nodeLabels);
    doc.put("companionPolicies", plan.audit().companionPolicies());
    doc.put("nodeAddressFindings", errors(hits));
    doc.put("steps", steps);
    doc.put("policyAudit", audit);
    doc.put("warnings", MigrateWarningText.sentences(plan.warnings()));
    if (settings != null) {
      doc.put("ciliumVersion", AuditReport.versionMap(settings));
    }
    return doc;
  }

  private static Map<String, Object> service(ServiceMigration m) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("namespace", m.before().namespace());
    s.put("name", m.before().name());
    s.put("externalIPs", m.before().externalIps());
    s.put("migratable", m.migratable());
    s.put("published", m.published());
    s.put("added", m.added());
    s.put("lost", m.lost());
    s.put("warnings", MigrateWarningText.sentences(m.warnings()));
    s.put("manifests", m.manifests());
    s.put("exact", m.exact());
    List<Object> parts = new ArrayList<>();
    for (PlannedService p : m.after()) {
      Map<String, Object> part = new LinkedHashMap<>();
      part.put("name", p.service().name());
      part.put("role", p.role());
      part.put("type", p.service().type().wireName());
      part.put("ipFamilies", IpFamily.wireNames(p.service().ipFamilies()));
      part.put("nodeSelector", p.label() == null ? null : p.label().selector());
      part.put("labelExists", p.label() == null ? null : p.label().existing());
      part.put("nodes", p.nodes());
      part.put("published", p.published());
      parts.add(part);
    }
    s.put("services", parts);
    return s;
  }

  /** A summary for people, with every step and its command. */
  public static String text(MigrationPlan plan) {
    return text(plan, List.of(), null);
  }

  /** The text, with the node-address findings just before the steps. */
  public static String text(
      MigrationPlan plan, List<NodeAddressVips.Hit> hits,
      DatapathSettings settings) {
    StringBuilder out = new StringBuilder();
    if (plan.isEmpty()) {
      return "Nothing to migrate: no Service uses spec.externalIPs.\n";
    }
    long migratable = plan.services().stream().filter(ServiceMigration::migratable).count();
    long exact = plan.services().stream().filter(ServiceMigration::exact).count();
    out.append(Plural.of(plan.services().size(), "Service")).append(' ')
        .append(Plural.word(plan.services().size(), "uses"))
        .append(" spec.externalIPs: ")
        .append(migratable)
        .append(" can move to Node IPAM, ")
        .append(exact)
        .append(" with exactly the same addresses.\n\n");
    for (ServiceMigration m : plan.services()) {
      serviceText(out, m);
    }
    for (String w : MigrateWarningText.sentences(plan.warnings())) {
      out.append(TextWrap.hanging("warning: ", w)).append("\n");
    }
    out.append("Node labels to add:");
    if (plan.nodeLabels().isEmpty()) {
      out.append(" none\n");
    } else {
      out.append("\n");
      for (NodeLabels n : plan.nodeLabels()) {
        out.append("  ").append(n.node()).append("  ");
        List<String> kv = new ArrayList<>();
        new TreeMap<>(n.labels()).forEach((k, v) -> kv.add(k + "=" + v));
        out.append(String.join(" ", kv)).append("\n");
      }
    }
    out.append("Policy audit: ");
    if (plan.audit().ran()) {
      int traps = plan.audit().findings().size();
      int companions = plan.audit().companionPolicies().size();
      out.append(Plural.of(traps, "trapped flow"))
          .append(" in the after-state, ")
          .append(Plural.of(companions, "companion policy")).append(", ")
          .append(
              plan.audit().remaining().isEmpty()
                  ? "clean with the companions"
                  : Plural.of(plan.audit().remaining().size(), "finding") + " "
                      + Plural.word(plan.audit().remaining().size(), "remains")
                      + " with the companions")
          .append("\n");
      for (String caveat : plan.audit().caveats()) {
        out.append(TextWrap.hanging("  caveat  ", caveat)).append("\n");
      }
    } else {
      out.append("NOT RUN: ").append(plan.audit().note()).append("\n");
    }
    if (settings != null) {
      var v = settings.versionSetting();
      out.append("\n").append(TextWrap.hanging("", "Cilium " + v.value() + " (" + v.from() + ")"))
          .append("\n");
    }
    if (!hits.isEmpty()) {
      out.append("\n");
      for (var h : hits) {
        out.append(TextWrap.hanging(h.severity() + ": ", h.message())).append("\n");
      }
    }
    if (plan.steps().isEmpty()) {
      out.append("\nNo steps: nothing can be migrated.\n");
      return out.toString();
    }
    out.append("\nSteps:\n");
    int i = 1;
    for (Step s : plan.steps()) {
      String label = String.format(Locale.ROOT, "%2d. [%s] ", i++, s.kind().text());
      out.append(TextWrap.hanging(label, s.description())).append("\n");
      for (String line : s.command().split("\n", -1)) {
        out.append("      ").append(line).append("\n");
      }
    }
    return out.toString();
  }

  private static void serviceText(StringBuilder out, ServiceMigration m) {
    out.append(m.before().key());
    if (!m.migratable()) {
      out.append("  NOT MIGRATABLE\n");
      out.append("  externalIPs  ")
          .append(String.join(", ", m.before().externalIps()))
          .append("\n");
    } else {
      PlannedService first = m.after().get(0);
      if (first.role().equals(PlannedService.IN_PLACE)) {
        out.append("  in place → LoadBalancer ")
            .append(first.service().loadBalancerClass())
            .append(", ")
            .append(String.join("+", IpFamily.wireNames(first.service().ipFamilies())))
            .append(", externalTrafficPolicy ")
            .append(first.service().externalTrafficPolicy())
            .append("\n");
      } else {
        out.append("  split → ")
            .append(m.after().size() - 1)
            .append(m.after().size() == 2 ? " new LoadBalancer" : " new LoadBalancers")
            .append("; ")
            .append(m.before().name())
            .append(" stays ")
            .append(first.service().type())
            .append(" without externalIPs\n");
      }
      out.append("  externalIPs  ")
          .append(String.join(", ", m.before().externalIps()))
          .append("\n");
      for (PlannedService p : m.after()) {
        if (!p.publishes()) {
          continue;
        }
        out.append("  ")
            .append(String.format(Locale.ROOT, "%-12s", p.service().name()))
            .append(" ")
            .append(String.join("+", IpFamily.wireNames(p.service().ipFamilies())))
            .append(", nodes ")
            .append(p.nodes().isEmpty() ? "(none)" : String.join(", ", p.nodes()))
            .append(" by ")
            .append(p.label().selector())
            .append(p.label().existing() ? " (existing label)" : " (new label)")
            .append(" → ")
            .append(p.published().isEmpty() ? "[]" : String.join(", ", p.published()))
            .append("\n");
      }
      out.append("  published    ")
          .append(m.published().isEmpty() ? "[]" : String.join(", ", m.published()))
          .append("  (Node IPAM core on the after-state)\n");
      out.append("  result       ")
          .append(
              m.exact()
                  ? "addresses preserved exactly"
                  : "added " + m.added() + ", lost " + m.lost())
          .append(m.steppable() ? "" : "  (no steps)")
          .append("\n");
      for (int i = 0; i < m.after().size() && i < m.manifests().size(); i++) {
        List<String> changes = ServiceChanges.of(m.before(), m.manifests().get(i));
        out.append(
                TextWrap.hanging(
                    "  changes      ",
                    m.after().get(i).service().name()
                        + ": "
                        + (changes.isEmpty() ? "nothing" : String.join(", ", changes))))
            .append("\n");
      }
    }
    for (String w : MigrateWarningText.sentences(m.warnings())) {
      out.append(TextWrap.hanging("  warning      ", w)).append("\n");
    }
    out.append("\n");
  }

  /** The README of an {@code --out} directory: the summary, and the files in the order to run. */
  public static String readme(MigrationPlan plan, List<String> files) {
    StringBuilder out = new StringBuilder("# Migration off spec.externalIPs\n\n");
    out.append(
        "Written by `nodeipam migrate`. Run the step files in order (`sh FILE`), checking each;"
            + " the `rollback` files undo the migration, newest first.\n\n");
    if (plan.isEmpty()) {
      out.append("Nothing to migrate: no Service uses `spec.externalIPs`.\n");
      return out.toString();
    }
    out.append(
        "| Service | migratable | published | added | lost |\n| --- | --- | --- | --- | --- |\n");
    for (ServiceMigration m : plan.services()) {
      out.append("| `")
          .append(m.before().key())
          .append("` | ")
          .append(m.migratable() ? (m.steppable() ? "yes" : "yes, **no steps**") : "**no**")
          .append(" | ")
          .append(String.join(", ", m.published()))
          .append(" | ")
          .append(String.join(", ", m.added()))
          .append(" | ")
          .append(String.join(", ", m.lost()))
          .append(" |\n");
    }
    out.append("\n");
    for (ServiceMigration m : plan.services()) {
      if (m.warnings().isEmpty()) {
        continue;
      }
      out.append("## `").append(m.before().key()).append("`\n\n");
      MigrateWarningText.sentences(m.warnings())
          .forEach(w -> out.append("- ").append(w).append("\n"));
      out.append("\n");
    }
    out.append("## Policy audit\n\n");
    out.append(
            plan.audit().ran()
                ? Plural.of(plan.audit().companionPolicies().size(), "companion policy") + "; "
                    + (plan.audit().remaining().isEmpty()
                        ? "the after-state audit is clean with them."
                        : Plural.of(plan.audit().remaining().size(), "finding") + " "
                            + Plural.word(plan.audit().remaining().size(), "remains")
                            + " with them.")
                : "**Not run**: " + plan.audit().note())
        .append("\n\n## Steps\n\n");
    for (int i = 0; i < plan.steps().size(); i++) {
      Step s = plan.steps().get(i);
      out.append(i + 1)
          .append(". `")
          .append(files.get(i))
          .append("` (")
          .append(s.kind().text())
          .append("): ")
          .append(s.description())
          .append("\n");
    }
    out.append("\n`plan.json` holds the whole plan (`nodeipam migrate -o json`).\n");
    return out.toString();
  }

  /** A step as a shell script. */
  public static String script(Step step) {
    return "#!/bin/sh\n# "
        + step.kind().text()
        + ": "
        + step.description().replace("\n", "\n# ")
        + "\nset -eu\n"
        + step.command()
        + "\n";
  }
}
