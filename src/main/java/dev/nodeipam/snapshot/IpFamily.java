package dev.nodeipam.snapshot;

import java.util.List;

/**
 * An entry of a Service's {@code spec.ipFamilies}. Parsed from the Kubernetes spelling only by
 * {@link #fromWire(String)}; written back with {@link #wireName()} (also {@link #toString()}), so
 * output keeps the API's words.
 */
public enum IpFamily {
  IPV4("IPv4"),
  IPV6("IPv6");

  private final String wire;

  IpFamily(String wire) {
    this.wire = wire;
  }

  /** The Kubernetes spelling, as the API server writes it. */
  public String wireName() {
    return wire;
  }

  /** The IP version, 4 or 6. */
  public int version() {
    return this == IPV4 ? 4 : 6;
  }

  /** The Kubernetes spellings of a list of families, in order (for output). */
  public static List<String> wireNames(List<IpFamily> families) {
    return families.stream().map(IpFamily::wireName).toList();
  }

  /** The family of IP version 4 or 6. */
  public static IpFamily ofVersion(int version) {
    return version == 4 ? IPV4 : IPV6;
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
  public static IpFamily fromWire(String text) {
    return WireNames.parse(text, values());
  }
}
