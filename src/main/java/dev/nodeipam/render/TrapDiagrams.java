package dev.nodeipam.render;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TrapPicture} drawn two ways: as inline SVG for the HTML report and as a Mermaid
 * flowchart for the Markdown reports. Both show the same nodes and edges, the trapped hop red.
 */
public final class TrapDiagrams {
  private static final int BOX_W = 250;
  private static final int BOX_H = 36;
  private static final int ROW = 46;
  private static final int TOP = 48;
  private static final int[] COLUMN = {10, 300, 590, 940};
  static final int WIDTH = COLUMN[3] + BOX_W + 10;

  private TrapDiagrams() {}

  /** The picture as an {@code <svg>} element with the given id. */
  public static String svg(String id, TrapPicture p) {
    int rows = Math.max(Math.max(p.sources().size(), p.rules().size()), 1);
    int height = TOP + rows * ROW + (p.more() > 0 ? 20 : 0) + 34;
    Svg svg = new Svg(id, WIDTH, height, p.title() + ": " + p.hop());
    String[] heads = {"source workloads (pods)", "the address as the policy reads it",
        "the Service", "the backend as Cilium sees it"};
    for (int c = 0; c < heads.length; c++) {
      svg.text(COLUMN[c], 18, heads[c], "head");
    }
    int mid = TOP + (rows * ROW) / 2 - BOX_H / 2;
    int[] ruleY = new int[p.rules().size()];
    for (int i = 0; i < ruleY.length; i++) {
      ruleY[i] = rowY(i, p.rules().size(), rows);
    }
    for (int i = 0; i < p.sources().size(); i++) {
      int y = rowY(i, p.sources().size(), rows);
      for (int r : p.sources().get(i).rules()) {
        svg.arrow(COLUMN[0] + BOX_W, y + BOX_H / 2, COLUMN[1], ruleY[r] + BOX_H / 2, "edge");
      }
      svg.box(COLUMN[0], y, BOX_W, BOX_H, p.sources().get(i).label(), "source");
    }
    for (int i = 0; i < ruleY.length; i++) {
      svg.arrow(COLUMN[1] + BOX_W, ruleY[i] + BOX_H / 2, COLUMN[2], mid + BOX_H / 2, "edge");
      svg.box(COLUMN[1], ruleY[i], BOX_W, BOX_H, "world: " + p.rules().get(i), "rule");
    }
    svg.box(COLUMN[2], mid, BOX_W, BOX_H, p.service(), "service");
    svg.arrow(COLUMN[2] + BOX_W, mid + BOX_H / 2, COLUMN[3], mid + BOX_H / 2,
        p.trapped() ? "trap" : "edge");
    svg.box(COLUMN[3], mid, BOX_W, BOX_H, p.backend(), "backend");
    String[] hop = Svg.twoLines(hopLabel(p, "TRAPPED (active): "), 90);
    String labelClass = p.trapped() ? "trap-label" : "label";
    svg.text(COLUMN[2], mid + BOX_H + 16, hop[0], labelClass);
    if (!hop[1].isEmpty()) {
      svg.text(COLUMN[2], mid + BOX_H + 30, hop[1], labelClass);
    }
    if (p.more() > 0) {
      svg.text(COLUMN[0], TOP + rows * ROW + 12, "and " + p.more()
          + " more sources or rules (not drawn)", "head");
    }
    return svg.end();
  }

  private static int rowY(int i, int n, int rows) {
    return TOP + (rows - n) * ROW / 2 + i * ROW;
  }

  /** The picture as a Mermaid flowchart (the text between the fences). */
  public static String mermaid(TrapPicture p) {
    StringBuilder m = new StringBuilder("flowchart LR\n");
    List<String> edges = new ArrayList<>();
    for (int i = 0; i < p.sources().size(); i++) {
      m.append("  s").append(i).append("[\"").append(label(p.sources().get(i).label()))
          .append("\"]\n");
    }
    for (int i = 0; i < p.rules().size(); i++) {
      m.append("  r").append(i).append("[\"world: ").append(label(p.rules().get(i)))
          .append("\"]\n");
    }
    m.append("  svc[\"").append(label(p.service())).append("\"]\n");
    m.append("  be[\"").append(label(p.backend())).append("\"]\n");
    for (int i = 0; i < p.sources().size(); i++) {
      for (int r : p.sources().get(i).rules()) {
        edges.add("  s" + i + " --> r" + r);
      }
    }
    for (int i = 0; i < p.rules().size(); i++) {
      edges.add("  r" + i + " --> svc");
    }
    edges.add("  svc -. \"" + label(hopLabel(p, "TRAPPED: ")) + "\" .-> be");
    edges.forEach(e -> m.append(e).append('\n'));
    if (p.more() > 0) {
      m.append("  more[\"and ").append(p.more()).append(" more sources or rules\"]\n");
    }
    if (p.trapped()) {
      m.append("  classDef trap stroke:#c00,stroke-width:3px,color:#c00\n");
      m.append("  class be trap\n");
      // linkStyle counts edges in the order written: the trapped hop is the last one.
      m.append("  linkStyle ").append(edges.size() - 1).append(" stroke:#c00,stroke-width:3px\n");
    }
    return m.toString();
  }

  /**
   * A label in Mermaid's quoted form: quotes, angle brackets, {@code #} and braces as Mermaid's
   * entity codes ({@code #quot;}...), which it decodes; a raw {@code \"} is a parse error, and a
   * raw {@code <} would be rendered as HTML.
   */
  static String label(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '#' -> b.append("#35;");
        case '"' -> b.append("#quot;");
        case '<' -> b.append("#lt;");
        case '>' -> b.append("#gt;");
        case '{' -> b.append("#123;");
        case '}' -> b.append("#125;");
        case '\n' -> b.append(' ');
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The hop's words: "TRAPPED" only where the flow is trapped; a plain verdict otherwise. */
  private static String hopLabel(TrapPicture p, String activeWord) {
    if (!p.trapped()) {
      return p.hop();
    }
    return (p.active() ? activeWord : "TRAPPED (latent): ") + p.hop();
  }
}
