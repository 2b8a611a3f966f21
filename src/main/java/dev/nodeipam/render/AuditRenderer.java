package dev.nodeipam.render;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.SourceNames;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.audit.WorldPeer;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.snapshot.Pod;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code nodeipam audit} output: a summary, then text grouped by Service port and address group
 * (the addresses no rule tells apart, {@link ServiceFindings#blocks}), then policy, then source
 * workloads, ending with the companion YAML; Markdown for pull requests; the companions alone as
 * a multi-document YAML stream for {@code kubectl apply -f -}.
 */
public final class AuditRenderer {
  private static final int MAX_SOURCES = 20;

  /**
   * Service address groups (blocks) the text and Markdown reports show in detail; the rest are
   * counted, with the flags that list them all, so that a rule trapping thousands of Services
   * still reads in a screenful or two.
   */
  public static final int MAX_BLOCKS = 30;

  /** Summary lines (one per address group), rule lines and other findings shown at most. */
  public static final int MAX_LINES = 40;

  /** Companion policies the text report prints in full ({@code --companions-only}: all). */
  public static final int MAX_COMPANIONS = 10;

  /** Mermaid diagrams a Markdown report carries at most (one per Service address and port). */
  public static final int MARKDOWN_DIAGRAMS = 10;

  private AuditRenderer() {}

  public static String text(AuditReport r) {
    StringWriter out = new StringWriter();
    writeText(r, new PrintWriter(out));
    return out.toString();
  }

  /**
   * Writes the text report as it goes, one Service address and port at a time: the summary
   * first, then for each address and port the policies that stop matching (which rule), the
   * source workloads with their pod counts, active or latent, why, and the companion that fixes
   * them. Its size follows the grouped findings, not the pods.
   */
  public static void writeText(AuditReport r, PrintWriter out) {
    writeText(r, out, false);
  }

  /** {@link #writeText(AuditReport, PrintWriter)}; {@code verbose} lists the defaults too. */
  public static void writeText(AuditReport r, PrintWriter out, boolean verbose) {
    TrapGroups groups = r.groups();
    AuditOverview o = AuditOverview.of(r, groups);
    line(out, "", o.headline());
    line(out, "", o.counts());
    line(out, "Datapath: ", settings(r, verbose));
    List<String> summary = o.lines();
    Map<List<?>, String> labels = new IdentityHashMap<>();
    if (!summary.isEmpty()) {
      out.append('\n');
      bounded(summary, "address groups").forEach(l -> line(out, "  ", l));
      List<String> rules = ruleLines(o.blocks(), labels, r.settings());
      if (rules.size() > 0) {
        out.append("\nBy policy rule:\n");
        bounded(rules, "rules").forEach(l -> line(out, "  ", l));
      }
    }
    int shown = 0;
    for (ServiceFindings.Block block : o.blocks()) {
      if (shown++ == MAX_BLOCKS) {
        out.append('\n');
        line(out, "", moreBlocks(o.blocks()));
        break;
      }
      TrapGroups.Target target = block.target();
      out.append('\n');
      line(out, "", block.addressText() + "  " + target.first().address().frontend() + " of "
          + target.first().address().service().key());
      for (Section section : sections(target, labels, r.settings())) {
        Trap first = section.groups().get(0).first();
        line(out, "  ", first.severity().wire().toUpperCase() + ' '
            + (first.active() ? "active" : "latent") + ' ' + direction(first) + "  -> "
            + destination(first));
        for (Map.Entry<String, List<TrapGroups.Group>> pol : section.byPolicy().entrySet()) {
          line(out, "    ", pol.getKey());
          line(out, "      sources: ", sources(pol.getValue()));
        }
        line(out, "    why (" + section.groups().get(0).source().name() + "): ", first.detail());
      }
      line(out, "  ", companionLine(r, target));
    }
    if (!r.others().isEmpty()) {
      out.append("\nOther findings\n");
      for (Finding f : r.others().subList(0, Math.min(MAX_LINES, r.others().size()))) {
        out.append(
                TextWrap.hanging(
                    "  " + f.severity().wire().toUpperCase() + ' ' + f.type().name() + "  ",
                    f.message()))
            .append('\n');
      }
      if (r.others().size() > MAX_LINES) {
        line(out, "  ", "and " + (r.others().size() - MAX_LINES)
            + " more other findings (-o json lists every finding)");
      }
    }
    if (!r.companions().isEmpty()) {
      out.append("\n").append(TextWrap.hanging("Companion scope: ",
          r.companionScope().scope().name().toLowerCase(Locale.ROOT)
              + " (" + r.companionScope().why() + ")")).append("\n");
      out.append("\nCompanion policies: apply them BEFORE the Service change, e.g.\n")
          .append(
              "  nodeipam audit ... --companions-only --fail-on never | kubectl apply -f -\n\n");
      out.append(companionsYaml(r.companions().subList(0,
          Math.min(MAX_COMPANIONS, r.companions().size()))));
      if (r.companions().size() > MAX_COMPANIONS) {
        out.append("# ... and ").append(String.valueOf(r.companions().size() - MAX_COMPANIONS))
            .append(" more companion policies: --companions-only prints them all\n");
      }
    } else if (!r.traps().isEmpty()) {
      out.append("\nNo companion policy can fix these traps: a deny rule matches them.\n");
    }
    out.flush();
  }

  /** The first {@link #MAX_LINES} lines, then how many more there are. */
  private static List<String> bounded(List<String> lines, String what) {
    if (lines.size() <= MAX_LINES) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.subList(0, MAX_LINES));
    out.add("and " + (lines.size() - MAX_LINES) + " more " + what
        + " (-o json lists every finding)");
    return out;
  }

  /** What the detail leaves out after {@link #MAX_BLOCKS} address groups. */
  private static String moreBlocks(List<ServiceFindings.Block> blocks) {
    long addresses = 0;
    for (ServiceFindings.Block b : blocks.subList(MAX_BLOCKS, blocks.size())) {
      addresses += b.addresses().size();
    }
    return "... and " + (blocks.size() - MAX_BLOCKS) + " more Service address groups ("
        + addresses + " addresses and ports) read alike: -o json has one finding per policy rule"
        + " and Service with every address group, --per-address one per address.";
  }

  /**
   * One line per policy rule that stops matching, over every address group: how many Services,
   * addresses and sources it traps, active or latent ("NetworkPolicy ns-000/egress-443
   * spec.egress[0] (ipBlock 0.0.0.0/0): egress, active: 2377 Services, 5.8 million addresses;
   * 210 sources (1680 pods)").
   */
  private static List<String> ruleLines(List<ServiceFindings.Block> blocks,
      Map<List<?>, String> labels, DatapathSettings settings) {
    Map<String, long[]> by = new LinkedHashMap<>();
    Map<String, Set<String>> services = new LinkedHashMap<>();
    Map<String, Set<String>> sources = new LinkedHashMap<>();
    Map<String, Set<List<SourceNames.Named>>> readBy = new HashMap<>();
    for (ServiceFindings.Block b : blocks) {
      for (Section section : sections(b.target(), labels, settings)) {
        Trap first = section.groups().get(0).first();
        String state = direction(first) + ", " + (first.active() ? "active" : "latent");
        for (Map.Entry<String, List<TrapGroups.Group>> pol : section.byPolicy().entrySet()) {
          String key = pol.getKey() + ": " + state;
          long[] n = by.computeIfAbsent(key, k -> new long[2]);
          n[0] += b.addresses().size();
          services.computeIfAbsent(key, k -> new HashSet<>())
              .add(first.address().service().key());
          Set<String> names = sources.computeIfAbsent(key, k -> new HashSet<>());
          Set<List<SourceNames.Named>> read = readBy.computeIfAbsent(key,
              k -> Collections.newSetFromMap(new IdentityHashMap<>()));
          for (TrapGroups.Group g : pol.getValue()) {
            // A class of sources is the same list at every address it is trapped at: read once.
            if (read.add(g.members())) {
              for (SourceNames.Named m : g.members()) {
                if (names.add(m.source().name())) {
                  n[1] += m.count();
                }
              }
            }
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    by.forEach((key, n) -> out.add(key + ": " + Plural.of(services.get(key).size(), "Service")
        + ", " + Plural.of(n[0], "Service address") + "; "
        + Plural.of(sources.get(key).size(), "source") + " (" + Plural.of(n[1], "pod") + ")"));
    return out;
  }

  /** One line of prose, wrapped at {@link TextWrap#WIDTH} under its label. */
  private static void line(PrintWriter out, String label, String text) {
    out.append(TextWrap.hanging(label, text)).append('\n');
  }

  public static String markdown(AuditReport r) {
    StringWriter out = new StringWriter();
    writeMarkdown(r, new PrintWriter(out));
    return out.toString();
  }

  /** Writes the Markdown report as it goes, one Service address and port at a time. */
  public static void writeMarkdown(AuditReport r, PrintWriter out) {
    TrapGroups groups = r.groups();
    AuditOverview o = AuditOverview.of(r, groups);
    out.append("# nodeipam audit\n\n**").append(cell(o.headline())).append("**\n\n")
        .append(o.counts()).append("\n\n");
    out.append("Datapath: ").append(settings(r, true)).append("\n");
    List<String> lines = o.lines();
    Map<List<?>, String> labels = new IdentityHashMap<>();
    int[] diagrams = new int[1];
    if (!lines.isEmpty()) {
      out.append('\n');
      bounded(lines, "address groups").forEach(l -> out.append("- ").append(l).append('\n'));
    }
    int shown = 0;
    for (ServiceFindings.Block block : o.blocks()) {
      if (shown++ == MAX_BLOCKS) {
        out.append("\n").append(cell(moreBlocks(o.blocks()))).append("\n");
        break;
      }
      TrapGroups.Target target = block.target();
      out.append("\n## `").append(block.addressText()).append("` (")
          .append(target.first().address().frontend()).append(" of `")
          .append(target.first().address().service().key()).append("`)\n\n");
      out.append("| severity | state | direction | policy | sources |\n");
      out.append("| --- | --- | --- | --- | --- |\n");
      List<String> why = new ArrayList<>();
      for (Section section : sections(target, labels, r.settings())) {
        Trap first = section.groups().get(0).first();
        for (Map.Entry<String, List<TrapGroups.Group>> pol : section.byPolicy().entrySet()) {
          out.append("| ").append(first.severity().wire()).append(" | ")
              .append(first.active() ? "active" : "latent").append(" | ")
              .append(direction(first)).append(" | ").append(cell(pol.getKey()))
              .append(" | ").append(cell(sources(pol.getValue()))).append(" |\n");
        }
        why.add("- " + cell(direction(first) + ", " + (first.active() ? "active"
            : "latent") + ", " + section.groups().get(0).source().name() + " -> "
            + destination(first)) + ": " + first.detail());
      }
      out.append('\n');
      why.forEach(w -> out.append(w).append('\n'));
      out.append("- ").append(companionLine(r, target)).append('\n');
      if (diagrams[0]++ < MARKDOWN_DIAGRAMS) {
        out.append("\n```mermaid\n").append(TrapDiagrams.mermaid(TrapPicture.of(r, target)))
            .append("```\n");
      }
    }
    if (diagrams[0] > MARKDOWN_DIAGRAMS) {
      out.append("\n").append(String.valueOf(diagrams[0] - MARKDOWN_DIAGRAMS))
          .append(" more diagrams left out (`nodeipam audit -o html` draws up to ")
          .append(String.valueOf(HtmlReport.MAX_PICTURES)).append(")\n");
    }
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

  /**
   * The groups of one address and port that read alike: one direction, active or latent, by the
   * policies they name (label and rule), in the order found.
   */
  private record Section(List<TrapGroups.Group> groups,
      Map<String, List<TrapGroups.Group>> byPolicy) {}

  /** {@code labels}: traps share their entry lists across the report; each is labelled once. */
  private static List<Section> sections(TrapGroups.Target target, Map<List<?>, String> labels,
      DatapathSettings settings) {
    Map<List<Object>, Section> out = new LinkedHashMap<>();
    for (TrapGroups.Group g : target.groups()) {
      Trap t = g.first();
      Section s = out.computeIfAbsent(List.of(t.direction(), !t.active()),
          k -> new Section(new ArrayList<>(), new LinkedHashMap<>()));
      s.groups().add(g);
      String label = labels.computeIfAbsent(t.entries(), e -> rules(t, settings));
      s.byPolicy().computeIfAbsent(label, k -> new ArrayList<>()).add(g);
    }
    List<Section> sorted = new ArrayList<>(out.values());
    sorted.sort(Comparator
        .comparing((Section x) -> x.groups().get(0).first().direction())
        .thenComparing(x -> !x.groups().get(0).first().active()));
    return sorted;
  }

  /**
   * The policies of a trap with the rule of each: {@code NetworkPolicy a/b spec.egress[0] (ipBlock
   * 0.0.0.0/0)}.
   */
  private static String rules(Trap t, DatapathSettings s) {
    return String.join(", ", ruleLabels(t, s));
  }

  /** One label per policy of a trap, with its rules: what {@link #rules} joins. */
  static List<String> ruleLabels(Trap t, DatapathSettings s) {
    Map<PolicyRef, List<String>> by = new LinkedHashMap<>();
    t.policies().forEach(p -> by.put(p, new ArrayList<>()));
    for (var e : t.entries()) {
      List<String> peers = e.entry().peers().stream()
          .filter(p -> WorldPeer.admitsSome(p, s)).map(Peer::text).toList();
      String rule =
          e.entry().origin() + (peers.isEmpty() ? "" : " (" + String.join(", ", peers) + ")");
      List<String> rs = by.computeIfAbsent(e.policy(), k -> new ArrayList<>());
      if (!rs.contains(rule)) {
        rs.add(rule);
      }
    }
    List<String> parts = new ArrayList<>();
    by.forEach((p, rs) -> parts.add(p.label() + (rs.isEmpty() ? "" : " " + String.join("; ", rs))));
    return parts;
  }

  static String address(Trap t) {
    return t.address().hostText() + ":" + t.servicePort().port() + "/" + t.protocol();
  }

  static String destination(Trap t) {
    List<Integer> targets = t.targetPorts();
    return t.destinations().get(0).identity().describe()
        + (t.destinations().size() > 1 ? " and " + (t.destinations().size() - 1) + " more" : "")
        + " port " + (targets.size() == 1 ? targets.get(0) : targets);
  }

  /** The companion that fixes the traps of an address and port, by direction. */
  static String companionLine(AuditReport r, TrapGroups.Target target) {
    List<String> names = new ArrayList<>();
    boolean deny = false;
    String service = target.first().address().service().key();
    for (String direction : List.of("egress", "ingress")) {
      boolean wanted = target.groups().stream()
          .anyMatch(g -> direction(g.first()).equals(direction));
      if (!wanted) {
        continue;
      }
      r.companions().stream()
          .filter(c -> c.service().equals(service) && c.direction().equals(direction))
          .map(Companion::name).forEach(names::add);
      deny |= target.groups().stream().anyMatch(g -> g.first().denyRule());
    }
    if (names.isEmpty()) {
      return "companion: none can fix these: a deny rule matches them";
    }
    return "companion: " + String.join(", ", names) + " (below)"
        + (deny ? "; flows a deny rule matches stay denied" : "");
  }

  private static String sources(List<TrapGroups.Group> groups) {
    List<String> names = new ArrayList<>();
    long pods = 0;
    int sources = 0;
    for (TrapGroups.Group g : groups) {
      pods += g.pods();
      for (SourceNames.Named m : g.members()) {
        sources++;
        if (names.size() < MAX_SOURCES) {
          int n = m.count();
          names.add(m.source().name() + " (" + (m.source().kind().equals("Pod") ? "pod"
              : m.source().kind() + ", " + n + " pod" + (n == 1 ? "" : "s")) + ")");
        }
      }
    }
    return String.join(", ", names) + (sources > MAX_SOURCES ? " and "
        + (sources - MAX_SOURCES) + " more (" + pods + " pods in all)" : "");
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  /**
   * Writes the JSON report as it goes: findings are expanded from traps one at a time, so a
   * report of millions of findings never sits in memory as text.
   */
  public static void writeJson(AuditReport r, Writer out) throws IOException {
    writeJson(r, out, Granularity.SERVICE);
  }

  /** {@link #writeJson(AuditReport, Writer)} in a finer form when asked. */
  public static void writeJson(AuditReport r, Writer out, Granularity granularity)
      throws IOException {
    JSON.writeValue(out, r.toMap(granularity));
    out.write('\n');
    out.flush();
  }

  /** The companions as one YAML stream, each document preceded by its caveats as comments. */
  public static String companionsYaml(AuditReport r) {
    return companionsYaml(r.companions());
  }

  private static String companionsYaml(List<Companion> companions) {
    StringBuilder out = new StringBuilder();
    for (Companion c : companions) {
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

  static String settings(AuditReport r, boolean verbose) {
    List<String> parts = new ArrayList<>();
    Setting v = r.settings().versionSetting();
    parts.add("Cilium " + v.value() + " (" + v.from() + ")");
    int assumed = 0;
    for (Setting s : r.settings().settings().values()) {
      if (s.key().equals("cluster-name") || s.key().equals(DatapathSettings.CILIUM_VERSION)) {
        continue;
      }
      if (s.isAssumed() && !verbose) {
        assumed++;
        continue;
      }
      parts.add(s.key() + "=" + s.value() + (s.isAssumed() ? " (default)" : ""));
    }
    return String.join(", ", parts) + (assumed == 0 ? "" : "; " + DatapathText.assumed(assumed));
  }

  private static String direction(Trap t) {
    return t.direction() == Direction.EGRESS ? "egress" : "ingress";
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
