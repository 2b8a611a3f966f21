package dev.nodeipam.policy.model;

import java.util.Locale;

/** The side of a flow a rule is about: traffic leaving its subject, or arriving at it. */
public enum Direction {
  INGRESS,
  EGRESS;

  public String lower() {
    return name().toLowerCase(Locale.ROOT);
  }
}
