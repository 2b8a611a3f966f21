package dev.nodeipam.render;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prose in text output fits in {@link #WIDTH} columns: wrapped at spaces with a hanging indent,
 * so that continuation lines start under the text, not under the label. A word is never broken:
 * names, keys, addresses and annotations stay whole even when one is longer than a line. Commands
 * and YAML are never passed through here; they must stay copyable as printed.
 */
public final class TextWrap {
  /** The width of text output. */
  public static final int WIDTH = 100;

  private TextWrap() {}

  /** {@code label} then {@code text}, wrapped; continuation lines indented by the label's width. */
  public static String hanging(String label, String text) {
    return hanging(label, text, WIDTH);
  }

  /**
   * Every line of prose text wrapped: continuation lines are indented under the line's text
   * (past its leading spaces and a list marker such as {@code 1. } or {@code - }). For output
   * that is prose throughout, like trace's diagnosis.
   */
  public static String lines(String text) {
    StringBuilder out = new StringBuilder(text.length() + 64);
    for (String line : text.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      if (line.codePointCount(0, line.length()) <= WIDTH) {
        out.append(line);
        continue;
      }
      Matcher m =
          Pattern.compile("^( *(?:\\d+\\. |- |[A-Z][a-z]+: +)?)(.*)$").matcher(line);
      m.matches();
      String label = m.group(1);
      out.append(hanging(label, m.group(2)));
    }
    return out.toString();
  }

  static String hanging(String label, String text, int width) {
    if (label.codePointCount(0, label.length()) + text.codePointCount(0, text.length()) <= width
        && text.indexOf('\n') < 0) {
      // A line that fits is kept as written, its runs of spaces (column layouts) included.
      return label + text;
    }
    String indent = " ".repeat(label.codePointCount(0, label.length()));
    StringBuilder out = new StringBuilder(label);
    int column = indent.length();
    boolean lineHasWord = false;
    for (String word : text.split(" ")) {
      if (word.isEmpty()) {
        // A run of spaces inside a line (a column gap) is kept; at a break it goes.
        if (lineHasWord) {
          out.append(' ');
          column++;
        }
        continue;
      }
      int length = word.codePointCount(0, word.length());
      if (lineHasWord && column + 1 + length > width) {
        out.append('\n').append(indent);
        column = indent.length();
        lineHasWord = false;
      }
      if (lineHasWord) {
        out.append(' ');
        column++;
      }
      out.append(word);
      column += length;
      lineHasWord = true;
    }
    return out.toString();
  }
}
