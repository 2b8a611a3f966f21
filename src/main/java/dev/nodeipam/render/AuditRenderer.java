package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.snapshot.Pod;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nodeipam audit} output: text grouped by Service, then policy, then source pods, ending
 * with the companion YAML; Markdown for pull requests; the companions alone as a multi-document
 * YAML stream for {@code kubectl apply -f -}.
 */
public final class AuditRenderer {
  private static final int MAX_SOURCES = 20;

  private AuditRenderer() {}

  public static String text(AuditReport r) {
    java.io.StringWriter out = new java.io.StringWriter();
    writeText(r, new PrintWriter(out));
    return out.toString();
  }

  /**
   * Writes the text report as it goes, one Service at a time: a report of millions of traps never
   * sits in memory as text.
   */
  public static void writeText(AuditReport r, PrintWriter out) {
    String headline = headline(r);
    int colon = headline.indexOf(": ") + 2;
    out.append(TextWrap.hanging(headline.substring(0, colon), headline.substring(colon)))
        .append('\n');
    out.append(TextWrap.hanging("Datapath: ", settings(r))).append("\n");
    forEachService(r, (service, byPolicy) -> {
      out.append('\n').append("Service ").append(service).append('\n');
      for (Map.Entry<String, List<Trap>> pol : byPolicy.entrySet()) {
        out.append("  ").append(pol.getKey()).append('\n');
        for (Trap t : pol.getValue()) {
          String label = "    " + t.severity().wire().toUpperCase() + ' '
              + (t.active() ? "active" : "latent") + ' '
              + (t.direction() == Direction.EGRESS ? "egress" : "ingress") + "  ";
          out.append(TextWrap.hanging(label, flow(t))).append('\n');
          out.append(TextWrap.hanging("      sources: ", sources(t.sources()))).append('\n');
          out.append(TextWrap.hanging("      why: ", t.detail())).append('\n');
        }
      }
    });
    if (!r.others().isEmpty()) {
      out.append("\nOther findings\n");
      for (Finding f : r.others()) {
        out.append(TextWrap.hanging(
                "  " + f.severity().wire().toUpperCase() + ' ' + f.type().name() + "  ", f.message()))
            .append('\n');
      }
    }
    if (!r.companions().isEmpty()) {
      out.append("\n").append(TextWrap.hanging("Companion scope: ",
          r.companionScope().scope().name().toLowerCase(java.util.Locale.ROOT)
              + " (" + r.companionScope().why() + ")")).append("\n");
      out.append("\nCompanion policies: apply them BEFORE the Service change, e.g.\n")
          .append("  nodeipam audit ... --companions-only --fail-on never | kubectl apply -f -\n\n");
      out.append(companionsYaml(r));
    } else if (!r.traps().isEmpty()) {
      out.append("\nNo companion policy can fix these traps: a deny rule matches them.\n");
    }
    out.flush();
  }

  public static String markdown(AuditReport r) {
    java.io.StringWriter out = new java.io.StringWriter();
    writeMarkdown(r, new PrintWriter(out));
    return out.toString();
  }

  /** Writes the Markdown report as it goes, one Service at a time. */
  public static void writeMarkdown(AuditReport r, PrintWriter out) {
    out.append("# nodeipam audit\n\n").append(headline(r)).append("\n\n");
    out.append("Datapath: ").append(settings(r)).append("\n");
    forEachService(r, (service, byPolicy) -> {
      out.append("\n## Service `").append(service).append("`\n\n");
      out.append("| severity | state | direction | flow | policy | sources |\n");
      out.append("| --- | --- | --- | --- | --- | --- |\n");
      for (Map.Entry<String, List<Trap>> pol : byPolicy.entrySet()) {
        for (Trap t : pol.getValue()) {
          out.append("| ").append(t.severity().wire()).append(" | ")
              .append(t.active() ? "active" : "latent").append(" | ")
              .append(t.direction() == Direction.EGRESS ? "egress" : "ingress").append(" | ")
              .append(cell(flow(t))).append(" | ").append(cell(pol.getKey())).append(" | ")
              .append(cell(sources(t.sources()))).append(" |\n");
        }
      }
      out.append('\n');
      for (List<Trap> ts : byPolicy.values()) {
        for (Trap t : ts) {
          out.append("- ").append(cell(flow(t))).append(": ").append(t.detail()).append('\n');
        }
      }
    });
    if (!r.others().isEmpty()) {
      out.append("\n## Other findings\n\n| severity | type | message |\n| --- | --- | --- |\n");
      for (Finding f : r.others()) {
        out.append("| ").append(f.severity().wire()).append(" | ").append(f.type().name())
            .append(" | ").append(cell(f.message())).append(" |\n");
      }
    }
    if (!r.companions().isEmpty()) {
      out.append("\n## Companion policies\n\nApply them **before** the Service change.\n\n")
          .append("```yaml\n").append(companionsYaml(r)).append("```\n");
    }
    out.flush();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
          .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /**
   * Writes the JSON report as it goes: findings are expanded from traps one at a time, so a
   * report of millions of findings never sits in memory as text.
   */
  public static void writeJson(AuditReport r, java.io.Writer out) throws java.io.IOException {
    JSON.writeValue(out, r.toMap());
    out.write('\n');
    out.flush();
  }

  /** The companions as one YAML stream, each document preceded by its caveats as comments. */
  public static String companionsYaml(AuditReport r) {
    StringBuilder out = new StringBuilder();
    for (Companion c : r.companions()) {
      out.append("---\n");
      out.append("# ").append(c.name()).append(": ").append(c.direction())
          .append(" companion for ").append(c.service()).append('\n');
      for (String caveat : c.caveats()) {
        out.append("# - ").append(caveat).append('\n');
      }
      out.append(Json.yaml(c.object()));
    }
    return out.toString();
  }

  private static String headline(AuditReport r) {
    long active = r.traps().stream().filter(Trap::active).mapToLong(t -> t.sources().size()).sum();
    long latent = r.traps().stream().filter(t -> !t.active()).mapToLong(t -> t.sources().size()).sum();
    return "nodeipam audit: " + r.addresses() + " Service address" + (r.addresses() == 1 ? "" : "es")
        + " audited; " + active + " trapped flow" + (active == 1 ? "" : "s") + " now (error), "
        + latent + " latent (warning); " + r.others().size() + " other finding"
        + (r.others().size() == 1 ? "" : "s") + "; " + r.companions().size() + " companion polic"
        + (r.companions().size() == 1 ? "y" : "ies") + ".";
  }

  private static String settings(AuditReport r) {
    List<String> parts = new ArrayList<>();
    Setting v = r.settings().versionSetting();
    parts.add("Cilium " + v.value() + " (" + v.from() + ")");
    for (Setting s : r.settings().settings().values()) {
      if (s.key().equals("cluster-name") || s.key().equals(DatapathSettings.CILIUM_VERSION)) {
        continue;
      }
      parts.add(s.key() + "=" + s.value() + (s.isAssumed() ? " (default)" : ""));
    }
    return String.join(", ", parts);
  }

  /**
   * The traps of each Service in turn, grouped by the policies they name. Traps come ordered by
   * Service, so only one Service's traps are grouped at a time.
   */
  private static void forEachService(
      AuditReport r, java.util.function.BiConsumer<String, Map<String, List<Trap>>> each) {
    // Traps share their policy lists: label each list once.
    Map<List<PolicyRef>, String> labels = new java.util.IdentityHashMap<>();
    String service = null;
    Map<String, List<Trap>> byPolicy = new LinkedHashMap<>();
    for (Trap t : r.traps()) {
      String key = t.address().service().key();
      if (!key.equals(service)) {
        if (service != null) {
          each.accept(service, byPolicy);
        }
        service = key;
        byPolicy = new LinkedHashMap<>();
      }
      String policies = labels.computeIfAbsent(t.policies(),
          ps -> String.join(", ", ps.stream().map(PolicyRef::label).toList()));
      byPolicy.computeIfAbsent(policies, k -> new ArrayList<>()).add(t);
    }
    if (service != null) {
      each.accept(service, byPolicy);
    }
  }

  private static String flow(Trap t) {
    List<Integer> targets = t.targetPorts();
    return t.address().hostText() + ":" + t.servicePort().port() + "/" + t.protocol() + " ("
        + t.address().frontend() + ") -> " + t.destinations().get(0).identity().describe()
        + (t.destinations().size() > 1 ? " and " + (t.destinations().size() - 1) + " more" : "")
        + " port " + (targets.size() == 1 ? targets.get(0) : targets);
  }

  private static String sources(List<Pod> pods) {
    List<String> names = pods.stream().limit(MAX_SOURCES).map(Pod::key).toList();
    return String.join(", ", names)
        + (pods.size() > MAX_SOURCES ? " and " + (pods.size() - MAX_SOURCES) + " more" : "");
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
