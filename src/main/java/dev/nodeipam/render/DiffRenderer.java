package dev.nodeipam.render;

import dev.nodeipam.audit.Granularity;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Location;
import dev.nodeipam.diff.RuleAt;
import dev.nodeipam.policy.settings.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nodeipam diff} output: text for a terminal, Markdown for a pull-request comment (a
 * summary table, then each section folded, bounded in length), and the JSON contract of
 * docs/diff.md.
 */
public final class DiffRenderer {
  /**
   * The JSON document's {@code version}: 2 has flow items in the units of audit's version 3 (a
   * policy rule, Service, port, direction, state and address group, with its sources); 1 is the
   * form of {@code --per-address}, one item per source workload and address.
   */
  public static final int VERSION = 2;

  /** The {@code version} of {@code --per-address}'s document. */
  public static final int VERSION_PER_ADDRESS = 1;

  /** Items of one flow type listed under one rule in the text before "and N more". */
  public static final int TEXT_ITEMS = 20;

  /** Items shown per section in Markdown before "and N more". */
  public static final int MARKDOWN_ITEMS = 25;

  /** GitHub refuses comments over 65,536 characters: stay well under it. */
  public static final int MARKDOWN_BUDGET = 60_000;

  private DiffRenderer() {}

  public static String headline(Diff d) {
    if (d.changes().isEmpty()) {
      return "No change to the cluster between the two states.";
    }
    long denied = d.of(ItemType.NEWLY_DENIED).stream().mapToLong(Item::pods).sum();
    int traps = d.of(ItemType.TRAP_INTRODUCED).size();
    return Plural.of(d.changes().size(), "object") + " changed: "
        + Plural.of(denied, "source pod") + " newly denied, "
        + Plural.of(traps, "trap group") + " introduced, "
        + d.of(ItemType.TRAP_REMOVED).size() + " removed, "
        + Plural.of(d.of(ItemType.ADDRESS_PUBLISHED).size(), "address") + " published, "
        + d.of(ItemType.ADDRESS_WITHDRAWN).size() + " withdrawn.";
  }

  public static String evaluated(Diff d) {
    Diff.Evaluated e = d.scope();
    return e.everything()
        ? "every Service address and source (the datapath settings changed)"
        : Plural.of(e.services(), "Service") + " for every source, "
            + Plural.of(e.sourcePods(), "source pod") + " at every address";
  }

  public static void writeText(Diff d, PrintWriter out) {
    StringWriter prose = new StringWriter();
    writeItems(d, new PrintWriter(prose));
    // Prose wrapped at 100 columns under its indentation; the companion YAML stays as it is.
    out.append(TextWrap.lines(prose.toString()));
    if (!d.companions().isEmpty()) {
      out.append("\n").append(TextWrap.lines("Companion policies for the new traps: add them to"
          + " the change, applied BEFORE the Service change")).append("\n\n");
      out.append(CompanionYaml.of(d.companions()));
    }
    out.flush();
  }

  private static void writeItems(Diff d, PrintWriter out) {
    Set<String> verdictFlows = new HashSet<>();
    for (Item i : d.items()) {
      if (i.type() == ItemType.NEWLY_DENIED || i.type() == ItemType.NEWLY_ALLOWED) {
        verdictFlows.add(flowKey(i.type() == ItemType.NEWLY_DENIED, i));
      }
    }
    out.append(headline(d)).append('\n');
    out.append("Evaluated: ").append(evaluated(d)).append('\n');
    out.append("Datapath (after): ").append(settings(d)).append('\n');
    for (ItemType type : ItemType.values()) {
      List<Item> items = d.of(type);
      if (items.isEmpty()) {
        continue;
      }
      out.append('\n').append(type.title()).append(" (").append(String.valueOf(items.size()))
          .append(")\n");
      if (!isFlow(type)) {
        items.forEach(i -> writeItem(i, "  ", true, out));
        continue;
      }
      // Flows: one block per policy rule, then its Services' items, bounded.
      Map<String, List<Item>> byRule = new LinkedHashMap<>();
      for (Item i : items) {
        byRule.computeIfAbsent(ruleHeader(i), k -> new ArrayList<>()).add(i);
      }
      byRule.forEach((header, under) -> {
        out.append("  ").append(header).append('\n');
        for (Item i : under.subList(0, Math.min(TEXT_ITEMS, under.size()))) {
          boolean trap = type == ItemType.TRAP_INTRODUCED || type == ItemType.TRAP_REMOVED;
          if (trap && verdictFlows.contains(flowKey(type == ItemType.TRAP_INTRODUCED, i))) {
            // The verdict section above gave the places and reasons of these very flows.
            out.append("    ").append(i.level().wire().toUpperCase()).append("  ")
                .append(subject(i)).append('\n');
            out.append("      (places and reasons as under ").append(verdictTitle(i))
                .append(")\n");
            if (i.companion() != null) {
              out.append("      fix: companion ").append(i.companion()).append('\n');
            }
          } else {
            writeItem(i, "    ", false, out);
          }
        }
        if (under.size() > TEXT_ITEMS) {
          out.append("    and ").append(String.valueOf(under.size() - TEXT_ITEMS))
              .append(" more (`nodeipam diff -o json` has them all)\n");
        }
      });
    }
    out.flush();
  }

  private static boolean isFlow(ItemType type) {
    return type == ItemType.NEWLY_DENIED || type == ItemType.NEWLY_ALLOWED
        || type == ItemType.TRAP_INTRODUCED || type == ItemType.TRAP_REMOVED;
  }

  /** The rules a flow item's block is headed by, as one line each. */
  private static String ruleHeader(Item i) {
    if (i.rules().isEmpty()) {
      return i.policies().isEmpty() ? "no policy rule named"
          : "policy " + String.join(", ", i.policies().stream().map(p -> p.label()).toList());
    }
    List<String> lines = new ArrayList<>();
    for (RuleAt r : i.rules()) {
      lines.add(rule(r));
    }
    return String.join("\n  ", lines);
  }

  private static String rule(RuleAt r) {
    return "rule " + r.policy().label() + (r.origin() == null ? "" : " " + r.origin())
        + (r.location() == null ? "" : " at " + r.location());
  }

  /** One item: its subject line, then its places, reasons, rules (unless headed) and fix. */
  private static void writeItem(Item i, String indent, boolean withRules, PrintWriter out) {
    String more = indent + "  ";
    out.append(indent).append(i.level().wire().toUpperCase()).append("  ")
        .append(subject(i)).append('\n');
    if (i.location() != null) {
      out.append(more).append("at ").append(i.location().toString())
          .append(i.state().equals("before") ? " (before)" : "").append('\n');
    }
    if (i.cause() != null && !i.cause().equals(i.location())) {
      out.append(more).append("cause ").append(i.cause().toString()).append('\n');
    }
    if (!i.reasons().isEmpty()) {
      out.append(more).append("why ").append(String.join("; ", i.reasons())).append('\n');
    }
    if (withRules) {
      for (RuleAt r : i.rules()) {
        out.append(more).append(rule(r)).append('\n');
      }
    }
    if (i.companion() != null) {
      out.append(more).append("fix: companion ").append(i.companion()).append('\n');
    }
  }

  /** A flow item's identity: a new trap and a newly denied flow of the same pods share it. */
  private static String flowKey(boolean worse, Item i) {
    return worse + " " + i.service() + " " + i.targetText() + " " + i.direction() + " "
        + i.source() + " " + i.sourceCount() + " " + i.pods() + " " + i.addresses();
  }

  private static String verdictTitle(Item trap) {
    return (trap.type() == ItemType.TRAP_INTRODUCED
        ? ItemType.NEWLY_DENIED : ItemType.NEWLY_ALLOWED).title();
  }

  /** One line naming what the item is about. */
  static String subject(Item i) {
    return switch (i.type()) {
      case NEWLY_DENIED, NEWLY_ALLOWED, TRAP_INTRODUCED, TRAP_REMOVED ->
          i.sourceText() + " -> " + i.targetText() + " (" + i.service() + ", " + i.direction()
              + (i.active() ? ", active" : ", latent") + ", " + i.pods()
              + (i.pods() == 1 ? " pod)" : " pods)");
      case ADDRESS_PUBLISHED, ADDRESS_WITHDRAWN, MIGRATION_STALE, EXTERNAL_IPS_ADDED ->
          i.service() + ": " + i.address();
      case COMPANION_STALE -> i.rules().get(0).policy().label() + " (" + i.service() + ")";
      case POLICY_REJECTED -> i.rules().get(0).policy().label();
    };
  }

  public static void writeMarkdown(Diff d, PrintWriter out) {
    StringBuilder md = new StringBuilder();
    md.append("### nodeipam diff\n\n").append(headline(d)).append("\n\n");
    md.append("| | change | count |\n| --- | --- | --- |\n");
    for (Map.Entry<ItemType, Integer> e : d.counts().entrySet()) {
      if (e.getValue() > 0) {
        md.append("| ").append(icon(d.of(e.getKey()))).append(" | ").append(e.getKey().title())
            .append(" | ").append(e.getValue()).append(" |\n");
      }
    }
    md.append("\nEvaluated: ").append(evaluated(d)).append(". Datapath: `")
        .append(settings(d)).append("`\n");
    mermaid(d, md);
    int omitted = 0;
    for (ItemType type : ItemType.values()) {
      List<Item> items = d.of(type);
      if (items.isEmpty()) {
        continue;
      }
      StringBuilder section = new StringBuilder();
      section.append("\n<details").append(type == ItemType.NEWLY_DENIED ? " open" : "")
          .append("><summary><b>").append(type.title()).append("</b> (").append(items.size())
          .append(")</summary>\n\n");
      section.append("| level | what | where | why |\n| --- | --- | --- | --- |\n");
      int shown = 0;
      for (Item i : items) {
        if (shown == MARKDOWN_ITEMS || md.length() + section.length() > MARKDOWN_BUDGET) {
          break;
        }
        section.append("| ").append(i.level().wire()).append(" | ").append(cell(subject(i)))
            .append(" | ").append(cell(where(i))).append(" | ").append(cell(why(i)))
            .append(" |\n");
        shown++;
      }
      if (shown < items.size()) {
        section
            .append("\nand ")
            .append(items.size() - shown)
            .append(" more (`nodeipam diff -o json`" + " has them all)\n");
        omitted += items.size() - shown;
      }
      section.append("\n</details>\n");
      md.append(section);
    }
    if (!d.companions().isEmpty()) {
      String yaml = CompanionYaml.of(d.companions());
      md.append("\n<details open><summary><b>Companion policies</b>: add them in this change,"
          + " applied before the Service</summary>\n\n");
      if (md.length() + yaml.length() < MARKDOWN_BUDGET + 4_000) {
        md.append("```yaml\n").append(yaml).append("```\n");
      } else {
        md.append("Too long for a comment: `nodeipam diff ... -o json | jq .companionPolicies`.\n");
      }
      md.append("\n</details>\n");
    }
    if (omitted > 0) {
      md.append("\n").append(omitted).append(" items left out to keep this comment short.\n");
    }
    out.append(md);
    out.flush();
  }

  /** Diagrams of the new traps, one per Service address and port, while the budget allows. */
  private static void mermaid(Diff d, StringBuilder md) {
    Map<String, List<Item>> byTarget = new LinkedHashMap<>();
    for (Item i : d.of(ItemType.TRAP_INTRODUCED)) {
      byTarget.computeIfAbsent(i.service() + " " + i.targetText(), k -> new ArrayList<>()).add(i);
    }
    int drawn = 0;
    for (List<Item> items : byTarget.values()) {
      String chart = TrapDiagrams.mermaid(TrapPicture.of(items, d.companions()));
      if (drawn == AuditRenderer.MARKDOWN_DIAGRAMS
          || md.length() + chart.length() > MARKDOWN_BUDGET / 2) {
        break;
      }
      md.append("\n```mermaid\n").append(chart).append("```\n");
      drawn++;
    }
    if (drawn < byTarget.size()) {
      md.append("\n").append(byTarget.size() - drawn)
          .append(" more trap diagrams left out (`nodeipam diff -o html` draws them)\n");
    }
  }

  private static String icon(List<Item> items) {
    return switch (items.get(0).level()) {
      case ERROR -> ":x:";
      case WARNING -> ":warning:";
      case NOTE -> ":information_source:";
    };
  }

  private static String where(Item i) {
    List<String> parts = new ArrayList<>();
    if (i.cause() != null) {
      parts.add("`" + i.cause() + "`");
    } else if (i.location() != null) {
      parts.add("`" + i.location() + "`");
    }
    for (RuleAt r : i.rules()) {
      if (r.location() != null && parts.size() < 4) {
        parts.add(r.policy().name() + " `" + r.location() + "`");
      }
    }
    return String.join(", ", parts);
  }

  private static String why(Item i) {
    String why = String.join("; ", i.reasons());
    if (i.companion() != null) {
      why += (why.isEmpty() ? "" : "; ") + "fix: companion `" + i.companion() + "`";
    }
    return why.isEmpty() ? i.message() : why;
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }

  private static String settings(Diff d) {
    List<String> parts = new ArrayList<>();
    for (Setting s : d.settings().settings().values()) {
      if (!s.key().equals("cluster-name")) {
        parts.add(s.key() + "=" + s.value() + (s.isAssumed() ? " (default)" : ""));
      }
    }
    return String.join(", ", parts);
  }

  /** The JSON contract (docs/diff.md). */
  public static Map<String, Object> toMap(Diff d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", d.granularity() == Granularity.ADDRESS ? VERSION_PER_ADDRESS : VERSION);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("changedObjects", d.changes().size());
    Map<String, Object> counts = new LinkedHashMap<>();
    d.counts().forEach((k, v) -> counts.put(k.name(), v));
    summary.put("items", counts);
    summary.put("error", d.items().stream().filter(i -> i.level().wire().equals("error")).count());
    summary.put("warning",
        d.items().stream().filter(i -> i.level().wire().equals("warning")).count());
    m.put("summary", summary);
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("nodes", d.changes().nodes());
    changes.put("services", d.changes().services());
    changes.put("endpointSliceServices", d.changes().sliceServices());
    changes.put("pods", d.changes().pods());
    changes.put("namespaces", d.changes().namespaces());
    changes.put("policies", d.changes().policies());
    changes.put("settings", d.changes().settings());
    m.put("changes", sortedSets(changes));
    Map<String, Object> evaluated = new LinkedHashMap<>();
    evaluated.put("everything", d.scope().everything());
    evaluated.put("services", d.scope().services());
    evaluated.put("sourcePods", d.scope().sourcePods());
    m.put("evaluated", evaluated);
    boolean grouped = d.granularity() != Granularity.ADDRESS;
    m.put("items", d.items().stream().map(i -> item(i, grouped)).toList());
    m.put("companionPolicies", d.companions().stream().map(c -> c.object()).toList());
    m.put("settings", d.settings().values());
    return m;
  }

  private static Map<String, Object> sortedSets(Map<String, Object> m) {
    m.replaceAll((k, v) -> v instanceof Set<?> s
        ? new TreeSet<>(s.stream().map(Object::toString).toList()) : v);
    return m;
  }

  /**
   * One item of the JSON contract; {@code grouped} (version 2) adds {@code addresses}, {@code
   * addressCount}, {@code pods} and {@code policies}, and its {@code sources} and {@code
   * sourceCount} name workloads or identities instead of pods.
   */
  static Map<String, Object> item(Item i, boolean grouped) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", i.type().name());
    m.put("level", i.level().wire());
    m.put("service", i.service());
    m.put("address", i.address());
    if (grouped) {
      m.put("addresses", i.address() == null ? null
          : i.addresses().isEmpty() ? List.of(i.address()) : i.addresses());
      m.put("addressCount", i.address() == null ? null
          : i.addressCount() == null ? 1 : i.addressCount());
    }
    m.put("port", i.port());
    m.put("targetPort", i.targetPort());
    m.put("protocol", i.protocol());
    m.put("direction", i.direction());
    m.put("active", i.active());
    m.put("sourceKind", i.sourceKind());
    m.put("source", i.source());
    m.put("sourceCount", i.sourceCount());
    m.put("sources", i.sources());
    if (grouped) {
      m.put("pods", i.source() == null ? null : i.pods());
      m.put("policies", i.policies().stream().map(p -> {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("kind", p.kind());
        pm.put("namespace", p.namespace());
        pm.put("name", p.name());
        return pm;
      }).toList());
    }
    m.put("rules", i.rules().stream().map(r -> {
      Map<String, Object> rm = new LinkedHashMap<>();
      rm.put("kind", r.policy().kind());
      rm.put("namespace", r.policy().namespace());
      rm.put("name", r.policy().name());
      rm.put("rule", r.origin());
      rm.put("location", location(r.location()));
      return rm;
    }).toList());
    m.put("reasons", i.reasons());
    m.put("state", i.state());
    m.put("location", location(i.location()));
    m.put("cause", location(i.cause()));
    m.put("companion", i.companion());
    m.put("message", i.message());
    return m;
  }

  private static Map<String, Object> location(Location l) {
    if (l == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", l.file());
    m.put("line", l.line());
    m.put("column", l.column());
    return m;
  }
}
