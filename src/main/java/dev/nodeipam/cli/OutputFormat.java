package dev.nodeipam.cli;

import java.util.Iterator;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code -o} formats. Each command accepts a fixed set, named once ({@link Reports}, {@link
 * Audits}), so that its help ({@code ${COMPLETION-CANDIDATES}}), shell completion and the error
 * for any other value all list exactly the accepted ones.
 */
public enum OutputFormat {
  text,
  json,
  yaml,
  markdown,
  sarif,
  html;

  /** A command's accepted formats: its completion candidates and its converter. */
  abstract static class Choice
      implements Iterable<String>, CommandLine.ITypeConverter<OutputFormat> {
    private final List<OutputFormat> allowed;

    Choice(OutputFormat... allowed) {
      this.allowed = List.of(allowed);
    }

    @Override
    public Iterator<String> iterator() {
      return allowed.stream().map(Enum::name).iterator();
    }

    @Override
    public OutputFormat convert(String value) {
      for (OutputFormat f : allowed) {
        if (f.name().equals(value)) {
          return f;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a format of this command (choose " + names() + ")");
    }

    private String names() {
      List<String> n = allowed.stream().map(Enum::name).toList();
      return String.join(", ", n.subList(0, n.size() - 1)) + " or " + n.get(n.size() - 1);
    }
  }

  /** plan and migrate. */
  public static final class Reports extends Choice {
    public Reports() {
      super(text, json, yaml);
    }
  }

  /**
   * audit: the reports' formats, Markdown for pull-request comments, SARIF for code scanning, a
   * page that draws the traps.
   */
  public static final class Audits extends Choice {
    public Audits() {
      super(text, json, yaml, markdown, sarif, html);
    }
  }

  /** diff: text, the JSON contract, Markdown for pull-request comments, SARIF, a page. */
  public static final class Diffs extends Choice {
    public Diffs() {
      super(text, json, markdown, sarif, html);
    }
  }

  /** trace: the reports' formats, and a page that draws the flow. */
  public static final class Traces extends Choice {
    public Traces() {
      super(text, json, yaml, html);
    }
  }
}
