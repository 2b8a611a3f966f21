package dev.nodeipam.labels;

import java.util.regex.Pattern;

/** Validation of label keys and values as the API server applies it. */
public final class LabelSyntax {
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private LabelSyntax() {}

  /** Returns null when valid, else why the key is not a qualified name. */
  public static String keyError(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty()) {
        return "prefix part must be non-empty";
      }
      if (prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return "prefix part must be a DNS subdomain";
      }
    }
    if (name.isEmpty()) {
      return "name part must be non-empty";
    }
    if (name.length() > 63) {
      return "name part must be no more than 63 characters";
    }
    if (!NAME.matcher(name).matches()) {
      return "name part must consist of alphanumeric characters, '-', '_' or '.',"
          + " and must start and end with an alphanumeric character";
    }
    return null;
  }

  /** Returns null when valid, else why the value is not a label value. */
  public static String valueError(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63) {
      return "must be no more than 63 characters";
    }
    if (!NAME.matcher(value).matches()) {
      return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_'"
          + " or '.', and must start and end with an alphanumeric character";
    }
    return null;
  }
}
