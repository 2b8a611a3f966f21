package dev.nodeipam.audit;

import java.util.Locale;

/** How bad a finding is; {@code --fail-on} compares with it. */
public enum Severity {
  WARNING,
  ERROR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this severity is at least {@code other}. */
  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }
}
