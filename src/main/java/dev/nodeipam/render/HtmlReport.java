package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.policy.explanation.Verdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code -o html} page of audit, diff and trace: one self-contained file (no script, font or
 * style fetched; a Content-Security-Policy that forbids it) with the summary first, an index of
 * the pictures by namespace and by policy (plain anchors, so filtering needs no script), then one
 * picture per Service address and port, collapsed, with the companion that clears it beside it.
 */
public final class HtmlReport {
  /** The page's Content-Security-Policy: nothing may be fetched, inline styles only. */
  public static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

  /** Pictures drawn at most; the page says how many more exist. */
  public static final int MAX_PICTURES = 100;

  /** Pictures open when the page loads. */
  static final int OPEN = 3;

  /** Rows of a findings table at most. */
  static final int MAX_ROWS = 500;

  /** Characters of companion YAML the page carries at most, to keep it small. */
  static final int MAX_YAML = 1_000_000;

  private static final String STYLE = "body{font-family:sans-serif;margin:1.5em;color:#222}"
      + "h1{font-size:1.4em}.headline{font-size:1.15em;font-weight:bold}"
      + "details{margin:.4em 0}summary{cursor:pointer}"
      + ".pic{border:1px solid #ccc;border-radius:6px;padding:.5em;margin:.5em 0}"
      + ".pair{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}"
      + "pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em;user-select:all}"
      + "svg .source rect{fill:#eef4ff;stroke:#57a}svg .rule rect{fill:#fff7e6;stroke:#c80}"
      + "svg .service rect{fill:#f0f0f0;stroke:#777}svg .backend rect{fill:#fff0f0;stroke:#c00;"
      + "stroke-width:2}svg .edge{stroke:#888}svg .trap{stroke:#c00;stroke-width:3;"
      + "stroke-dasharray:6 3}svg .trap-label{fill:#c00;font-weight:bold}"
      + "svg .head{fill:#555;font-style:italic}svg marker path{fill:#888}"
      + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
      + "text-align:left}nav ul{columns:2}";

  private HtmlReport() {}

  /** The audit's page. */
  public static void writeAudit(AuditReport r, PrintWriter out) {
    TrapGroups groups = r.groups();
    AuditOverview o = AuditOverview.of(r, groups);
    head(out, "nodeipam audit");
    out.append("<p class=\"headline\">").append(Html.escape(o.headline())).append("</p>\n<p>")
        .append(Html.escape(o.counts())).append("</p>\n<p><small>Datapath: ")
        .append(Html.escape(AuditRenderer.settings(r, true))).append("</small></p>\n");
    list(out, o.lines());
    List<TrapPicture> pictures = new ArrayList<>();
    int[] all = new int[1];
    groups.forEachTarget(t -> {
      all[0]++;
      if (pictures.size() < MAX_PICTURES) {
        pictures.add(TrapPicture.of(r, t));
      }
    });
    pictures(out, pictures, all[0], "nodeipam audit -o json");
    if (!r.others().isEmpty()) {
      out.append("<h2>Other findings</h2>\n<table><tr><th>severity</th><th>type</th>"
          + "<th>message</th></tr>\n");
      int rows = 0;
      for (Finding f : r.others()) {
        if (rows++ == MAX_ROWS) {
          break;
        }
        out.append("<tr><td>").append(f.severity().wire()).append("</td><td>")
            .append(f.type().name()).append("</td><td>").append(Html.escape(f.message()))
            .append("</td></tr>\n");
      }
      out.append("</table>\n");
      more(out, r.others().size() - MAX_ROWS, "findings", "nodeipam audit -o json");
    }
    if (!r.companions().isEmpty()) {
      String yaml = AuditRenderer.companionsYaml(r);
      out.append("<h2>Companion policies</h2>\n<p>Apply them <b>before</b> the Service change."
          + "</p>\n");
      if (yaml.length() < MAX_YAML) {
        out.append("<details><summary>all ").append(String.valueOf(r.companions().size()))
            .append(" as one YAML stream</summary><pre>").append(Html.escape(yaml))
            .append("</pre></details>\n");
      } else {
        out.append("<p>Too long for this page: <code>nodeipam audit ... --companions-only"
            + "</code> writes them.</p>\n");
      }
    }
    tail(out);
  }

  /** The diff's page: the new traps as pictures, then every change in a table. */
  public static void writeDiff(Diff d, PrintWriter out) {
    head(out, "nodeipam diff");
    out.append("<p class=\"headline\">").append(Html.escape(DiffRenderer.headline(d)))
        .append("</p>\n<p>Evaluated: ").append(Html.escape(DiffRenderer.evaluated(d)))
        .append("</p>\n");
    Map<String, List<Item>> byTarget = new LinkedHashMap<>();
    for (Item i : d.of(ItemType.TRAP_INTRODUCED)) {
      byTarget.computeIfAbsent(i.service() + " " + i.targetText(), k -> new ArrayList<>()).add(i);
    }
    List<TrapPicture> pictures = new ArrayList<>();
    for (List<Item> items : byTarget.values()) {
      if (pictures.size() == MAX_PICTURES) {
        break;
      }
      pictures.add(TrapPicture.of(items, d.companions()));
    }
    pictures(out, pictures, byTarget.size(), "nodeipam diff -o json");
    out.append("<h2>Changes</h2>\n");
    for (ItemType type : ItemType.values()) {
      List<Item> items = d.of(type);
      if (items.isEmpty()) {
        continue;
      }
      out.append("<details").append(type == ItemType.NEWLY_DENIED ? " open" : "")
          .append("><summary><b>").append(Html.escape(type.title())).append("</b> (")
          .append(String.valueOf(items.size())).append(")</summary>\n<table><tr><th>level</th>"
              + "<th>what</th><th>why</th></tr>\n");
      for (Item i : items.subList(0, Math.min(items.size(), MAX_ROWS))) {
        out.append("<tr><td>").append(i.level().wire()).append("</td><td>")
            .append(Html.escape(i.message() == null ? "" : i.message())).append("</td><td>")
            .append(Html.escape(String.join("; ", i.reasons()))).append("</td></tr>\n");
      }
      out.append("</table>\n");
      more(out, items.size() - MAX_ROWS, "items", "nodeipam diff -o json");
      out.append("</details>\n");
    }
    tail(out);
  }

  /** The trace's page: one flow as one picture, then the text diagnosis. */
  public static void writeTrace(
      Verdict v, Verdict asAddress, IdentityTrap trap, String diagnosis, PrintWriter out) {
    head(out, "nodeipam trace");
    out.append("<p class=\"headline\">").append(Html.escape(v.flow().source().key()))
        .append(" \u2192 ").append(Html.escape(v.flow().destinationText())).append(": ")
        .append(String.valueOf(v.outcome())).append(trap.trapped() ? ", identity trap" : "")
        .append("</p>\n");
    pictures(out, List.of(TrapPicture.of(v, asAddress, trap)), 1, "nodeipam trace -o json");
    out.append("<h2>Diagnosis</h2>\n<pre>").append(Html.escape(diagnosis)).append("</pre>\n");
    tail(out);
  }

  private static void pictures(
      PrintWriter out, List<TrapPicture> pictures, int all, String command) {
    if (pictures.isEmpty()) {
      return;
    }
    index(out, pictures);
    out.append("<h2>Trapped flows</h2>\n");
    for (int i = 0; i < pictures.size(); i++) {
      TrapPicture p = pictures.get(i);
      out.append("<details class=\"pic\" id=\"t").append(String.valueOf(i)).append('"')
          .append(i < OPEN ? " open" : "").append("><summary><b>").append(Html.escape(p.title()))
          .append("</b> \u2014 ").append(Html.escape(p.hop())).append("</summary>\n")
          .append("<div class=\"pair\">").append(TrapDiagrams.svg("svg" + i, p)).append('\n');
      if (!p.companion().isEmpty()) {
        out.append("<details open><summary>companion that clears it (copy, apply before the"
            + " Service change)</summary><pre>").append(Html.escape(p.companion()))
            .append("</pre></details>");
      }
      out.append("</div></details>\n");
    }
    more(out, all - pictures.size(), "Service addresses and ports with traps (not drawn)",
        command);
  }

  /** Anchors to the pictures by namespace and by policy: a filter that needs no script. */
  private static void index(PrintWriter out, List<TrapPicture> pictures) {
    Map<String, TreeSet<Integer>> byNamespace = new TreeMap<>();
    Map<String, TreeSet<Integer>> byPolicy = new TreeMap<>();
    for (int i = 0; i < pictures.size(); i++) {
      for (String ns : pictures.get(i).namespaces()) {
        byNamespace.computeIfAbsent(ns, k -> new TreeSet<>()).add(i);
      }
      for (String p : pictures.get(i).policies()) {
        byPolicy.computeIfAbsent(p, k -> new TreeSet<>()).add(i);
      }
    }
    out.append("<nav>\n");
    index(out, "by namespace", byNamespace, pictures);
    index(out, "by policy", byPolicy, pictures);
    out.append("</nav>\n");
  }

  private static void index(PrintWriter out, String title, Map<String, TreeSet<Integer>> by,
      List<TrapPicture> pictures) {
    out.append("<details><summary>Index ").append(title).append(" (")
        .append(String.valueOf(by.size())).append(")</summary><ul>\n");
    by.forEach((key, at) -> {
      out.append("<li>").append(Html.escape(key)).append(':');
      int shown = 0;
      for (int i : at) {
        if (shown++ == 20) {
          out.append(" and ").append(String.valueOf(at.size() - 20)).append(" more");
          break;
        }
        out.append(" <a href=\"#t").append(String.valueOf(i)).append("\">")
            .append(Html.escape(pictures.get(i).title().split(" ")[0])).append("</a>");
      }
      out.append("</li>\n");
    });
    out.append("</ul></details>\n");
  }

  private static void more(PrintWriter out, int more, String what, String command) {
    if (more > 0) {
      out.append("<p>and ").append(String.valueOf(more)).append(" more ").append(what)
          .append(" (<code>").append(command).append("</code> has them all)</p>\n");
    }
  }

  private static void list(PrintWriter out, List<String> lines) {
    if (!lines.isEmpty()) {
      out.append("<ul>\n");
      lines.forEach(l -> out.append("<li>").append(Html.escape(l)).append("</li>\n"));
      out.append("</ul>\n");
    }
  }

  private static void head(PrintWriter out, String title) {
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP)
        .append("\">\n<title>").append(title).append("</title>\n<style>").append(STYLE)
        .append("</style></head><body>\n<h1>").append(title).append("</h1>\n");
  }

  private static void tail(PrintWriter out) {
    out.append("</body></html>\n");
    out.flush();
  }
}
