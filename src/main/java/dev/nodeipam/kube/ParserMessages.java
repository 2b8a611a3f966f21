package dev.nodeipam.kube;

/** A YAML or JSON parser's message as one plain sentence, without the parser's internals. */
final class ParserMessages {
  private ParserMessages() {}

  /**
   * The parser's explanation on one line: SnakeYAML writes a context line, a location block and a
   * problem line ("while parsing a flow sequence ... expected ',' or ']'"); Jackson appends where
   * an object started. Only the sentences are kept: file and line are given separately.
   */
  static String problem(String message) {
    if (message == null || message.isBlank()) {
      return "malformed";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.lines().toList()) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      int source = line.indexOf(" (start marker at [Source");
      if (source < 0) {
        source = line.indexOf(" at [Source");
      }
      String sentence = plain((source >= 0 ? line.substring(0, source) : line).trim());
      if (!sentence.isEmpty()) {
        out.append(out.length() == 0 ? "" : ": ").append(sentence);
      }
    }
    return out.length() == 0 ? "malformed" : out.toString();
  }

  /**
   * The parser's sentence without its internals: SnakeYAML's event dumps ("got this instead:
   * <org.yaml.snakeyaml.events.MappingStartEvent(...)>") and Jackson's character codes.
   */
  private static String plain(String sentence) {
    int internals = sentence.indexOf("<org.yaml.snakeyaml");
    if (internals >= 0) {
      String event = sentence.substring(internals);
      String what = event.contains("MappingStart") ? "a mapping"
          : event.contains("SequenceStart") ? "a list" : "something else";
      sentence = sentence.substring(0, internals).replace("got this instead:", "found")
          .replace("(Scalar value in YAML)", "").replace("  ", " ").trim() + " " + what;
    }
    return sentence.replaceAll("\\('(.)' \\(code \\d+\\)\\)", "'$1'")
        .replace("Duplicate field", "duplicate key");
  }
}
