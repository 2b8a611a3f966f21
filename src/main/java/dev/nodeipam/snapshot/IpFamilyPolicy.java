package dev.nodeipam.snapshot;

/**
 * A Service's {@code spec.ipFamilyPolicy}. Parsed from the Kubernetes spelling only by {@link
 * #fromWire(String)}; written back with {@link #wireName()} (also {@link #toString()}), so output
 * keeps the API's words.
 */
public enum IpFamilyPolicy {
  SINGLE_STACK("SingleStack"),
  PREFER_DUAL_STACK("PreferDualStack"),
  REQUIRE_DUAL_STACK("RequireDualStack");

  private final String wire;

  IpFamilyPolicy(String wire) {
    this.wire = wire;
  }

  /** The Kubernetes spelling, as the API server writes it. */
  public String wireName() {
    return wire;
  }

  @Override
  public String toString() {
    return wire;
  }

  /**
   * The value of a Kubernetes spelling (case-sensitive, as the API server reads it); null for
   * null (unset, so the API server's default applies).
   *
   * @throws IllegalArgumentException for a spelling the API server rejects, with a message naming
   *     the supported values
   */
  public static IpFamilyPolicy fromWire(String text) {
    return WireNames.parse(text, values());
  }
}
