package dev.nodeipam.render;

/**
 * A small writer of inline SVG: boxes with text, lines with arrows. Only what the trap pictures
 * need; every text is escaped, so names from the cluster cannot inject markup into the page.
 */
final class Svg {
  private final StringBuilder out = new StringBuilder();

  Svg(String id, int width, int height, String label) {
    out.append("<svg id=\"").append(Html.escape(id))
        .append("\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width)
        .append(' ').append(height).append("\" font-family=\"sans-serif\" font-size=\"12\">")
        .append("<title>").append(Html.escape(label)).append("</title>")
        .append("<defs><marker id=\"").append(Html.escape(id)).append("-a\" viewBox=\"0 0 10 10\"")
        .append(" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\"")
        .append(" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker>")
        .append("</defs>");
    this.id = id;
  }

  private final String id;

  /** A box with up to two lines of text; the whole text shows on hover. */
  Svg box(int x, int y, int w, int h, String text, String cssClass) {
    out.append("<g class=\"").append(cssClass).append("\"><title>").append(Html.escape(text))
        .append("</title><rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"")
        .append(w).append("\" height=\"").append(h).append("\" rx=\"6\"/>");
    int chars = Math.max(8, (w - 12) / 7);
    String[] lines = twoLines(text, chars);
    int first = lines[1].isEmpty() ? y + h / 2 + 4 : y + h / 2 - 3;
    text(x + 6, first, lines[0], null);
    if (!lines[1].isEmpty()) {
      text(x + 6, first + 14, lines[1], null);
    }
    out.append("</g>");
    return this;
  }

  Svg text(int x, int y, String text, String cssClass) {
    out.append("<text x=\"").append(x).append("\" y=\"").append(y).append('"');
    if (cssClass != null) {
      out.append(" class=\"").append(cssClass).append('"');
    }
    out.append('>').append(Html.escape(text)).append("</text>");
    return this;
  }

  /** A line ending in an arrow. */
  Svg arrow(int x1, int y1, int x2, int y2, String cssClass) {
    out.append("<path class=\"").append(cssClass).append("\" d=\"M ").append(x1).append(' ')
        .append(y1).append(" C ").append((x1 + x2) / 2).append(' ').append(y1).append(", ")
        .append((x1 + x2) / 2).append(' ').append(y2).append(", ").append(x2).append(' ')
        .append(y2).append("\" fill=\"none\" marker-end=\"url(#").append(Html.escape(id))
        .append("-a)\"/>");
    return this;
  }

  String end() {
    return out.append("</svg>").toString();
  }

  /** The text cut into two lines of at most {@code chars}, the second ending in an ellipsis. */
  static String[] twoLines(String text, int chars) {
    if (text.length() <= chars) {
      return new String[] {text, ""};
    }
    int cut = text.lastIndexOf(' ', chars);
    cut = cut < chars / 2 ? chars : cut;
    String rest = text.substring(cut).strip();
    if (rest.length() > chars) {
      rest = rest.substring(0, chars - 1) + "\u2026";
    }
    return new String[] {text.substring(0, cut).strip(), rest};
  }
}
