package dev.nodeipam.diff;

import java.util.Locale;

/** How much a diff item matters: {@code --fail-on} compares with it; SARIF's {@code level}. */
public enum Level {
  NOTE,
  WARNING,
  ERROR;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean atLeast(Level other) {
    return compareTo(other) >= 0;
  }
}
