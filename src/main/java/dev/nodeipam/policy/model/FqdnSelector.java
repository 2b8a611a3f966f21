package dev.nodeipam.policy.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code toFQDNs} entry: {@code matchName} (the exact name, case-insensitive, trailing dot
 * ignored) or {@code matchPattern} with Cilium's wildcards ({@code pkg/fqdn/matchpattern}): a
 * pattern of stars only matches every name; a leading {@code **.} matches one or more whole
 * labels; any other {@code *} matches zero or more of the characters {@code [-a-zA-Z0-9_]} within
 * a label; only {@code 0-9 a-z A-Z . - _ *} are allowed.
 */
public record FqdnSelector(String field, String value, Pattern regex) {
  private static final String LABEL_CHARS = "[-a-z0-9_]";
  private static final Pattern ALLOWED = Pattern.compile("[-a-zA-Z0-9_.*]+");
  private static final int MAX = 255;

  /**
   * Reads a selector.
   *
   * @throws IllegalArgumentException with Cilium's reason when the value is not accepted
   */
  public static FqdnSelector of(String field, String value) {
    String v = value.trim();
    if (v.length() > MAX) {
      throw new IllegalArgumentException("must be at most " + MAX + " characters long");
    }
    if (field.equals("matchName")) {
      if (!v.matches("[-a-zA-Z0-9_.]+")) {
        throw new IllegalArgumentException("\"" + value + "\" is not a DNS name");
      }
      return new FqdnSelector(field, v,
          Pattern.compile("^" + Pattern.quote(DnsAnswers.canonical(v)) + "$"));
    }
    if (!ALLOWED.matcher(v).matches()) {
      throw new IllegalArgumentException("invalid characters in \"" + value
          + "\": only 0-9, a-z, A-Z and ., -, _ and * are allowed");
    }
    return new FqdnSelector(field, v, Pattern.compile(regex(v.toLowerCase(Locale.ROOT))));
  }

  /** Whether a name (any case, trailing dot or not) is selected. */
  public boolean matches(String name) {
    return regex.matcher(DnsAnswers.canonical(name)).matches();
  }

  public String text() {
    return field + ": " + value;
  }

  private static String regex(String pattern) {
    String p = pattern.endsWith(".") ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (!p.isEmpty() && p.chars().allMatch(c -> c == '*')) {
      return "^" + LABEL_CHARS + "+(\\." + LABEL_CHARS + "+)*$";
    }
    StringBuilder b = new StringBuilder("^");
    int start = 0;
    int stars = 0;
    while (stars < p.length() && p.charAt(stars) == '*') {
      stars++;
    }
    if (stars >= 2 && stars < p.length() && p.charAt(stars) == '.') {
      b.append(LABEL_CHARS).append("+(\\.").append(LABEL_CHARS).append("+)*\\.");
      start = stars + 1;
    }
    for (int i = start; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '.') {
        b.append("\\.");
      } else if (c == '*') {
        while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
          i++;
        }
        b.append(LABEL_CHARS).append('*');
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return b.append('$').toString();
  }
}
