package dev.nodeipam.ipam;

import java.util.Locale;

/** Which node address types a Service publishes (E6). */
public enum AddressPolicy {
  /**
   * The reference: ExternalIPs if any candidate has one of a requested family, else InternalIPs.
   */
  EXTERNAL_THEN_INTERNAL("ExternalThenInternal"),
  /** The same choice made per node instead of once for the whole Service. */
  PER_NODE_FALLBACK("PerNodeFallback"),
  EXTERNAL_ONLY("ExternalOnly"),
  INTERNAL_ONLY("InternalOnly");

  private final String text;

  AddressPolicy(String text) {
    this.text = text;
  }

  public String text() {
    return text;
  }

  /** Reads the flag or annotation spelling, case-insensitively. */
  public static AddressPolicy parse(String value) {
    for (AddressPolicy policy : values()) {
      if (policy.text.toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "unknown address policy \"" + value + "\" (ExternalThenInternal, PerNodeFallback,"
            + " ExternalOnly, InternalOnly)");
  }

  @Override
  public String toString() {
    return text;
  }
}
