package dev.nodeipam.kube;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a template (a Helm chart's {@code {{ … }}}, k3s's install-time {@code %{…}%}) from a
 * broken manifest. A marker alone proves nothing: kube-prometheus's alert descriptions hold
 * {@code {{ $labels.namespace }}} as plain text and load as they are. So a file is named a template
 * only when it fails to parse or validate and a marker sits on the failing line, or on a control
 * line ({@code {{- if … }}}) before it.
 */
final class TemplateMarkers {
  private static final Pattern MARKER = Pattern.compile("\\{\\{.*?}}|%\\{[^}]*}%");

  private TemplateMarkers() {}

  /** Whether the text holds a template marker. */
  static boolean has(String text) {
    return text != null && MARKER.matcher(text).find();
  }

  /**
   * The 1-based line of the marker to blame for a failure at {@code failedLine} (0 when unknown),
   * or 0 when the failure is no template's.
   */
  static int blame(String text, int failedLine) {
    List<String> lines = text.lines().toList();
    if (failedLine >= 1 && failedLine <= lines.size() && has(lines.get(failedLine - 1))) {
      return failedLine;
    }
    int last = failedLine >= 1 ? Math.min(failedLine, lines.size()) : lines.size();
    for (int i = last - 1; i >= 0; i--) {
      String line = lines.get(i).trim();
      if (line.startsWith("{{") && has(line)) {
        return i + 1; // a control line: the document below it is not YAML until rendered
      }
    }
    return 0;
  }

  /** The one line for a template found where a manifest was expected. */
  static String sentence(String where, String line) {
    Matcher m = MARKER.matcher(line);
    String marker = m.find() ? m.group() : "";
    String shown = marker.length() > 30 ? marker.substring(0, 30) + "…" : marker;
    return where + ": a template, not a manifest (" + shown + "): render it first"
        + " (helm template, or the installer that fills it in) and read the result";
  }
}
