package dev.nodeipam.net;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;

/**
 * Reading IP address strings as Kubernetes components do: only plain dotted-quad IPv4 (no leading
 * zeros, no shorthand) and IPv6 text are addresses; anything else is not an IP. An IPv4-mapped IPv6
 * address counts as IPv4, as Go's {@code net.IP.To4} reads it.
 */
public final class IpText {
  private static final IPAddressStringParameters STRICT =
      new IPAddressStringParameters.Builder()
          .allowEmpty(false)
          .allowAll(false)
          .allowSingleSegment(false)
          .allowPrefix(false)
          .allowMask(false)
          .allowWildcardedSeparator(false)
          .setRangeOptions(IPAddressStringParameters.RangeParameters.NO_RANGE)
          .getIPv4AddressParametersBuilder()
          .allow_inet_aton(false)
          .allowLeadingZeros(false)
          .allowPrefixLengthLeadingZeros(false)
          .getParentBuilder()
          .getIPv6AddressParametersBuilder()
          .allowZone(false)
          .getParentBuilder()
          .toParams();

  private IpText() {}

  /** The address, or null when the text is not an IP address. */
  public static IPAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    IPAddress address =
        new IPAddressString(text.trim().equals(text) ? text : "", STRICT).getAddress();
    if (address == null) {
      return null;
    }
    if (address.isIPv6() && address.toIPv6().isIPv4Mapped()) {
      return address.toIPv6().getEmbeddedIPv4Address();
    }
    return address;
  }

  /** 4, 6, or 0 when the text is not an IP address. */
  public static int family(String text) {
    IPAddress address = parse(text);
    if (address == null) {
      return 0;
    }
    return address.isIPv4() ? 4 : 6;
  }

  /** The canonical text (RFC 5952 for IPv6), or null when not an address. */
  public static String canonical(String text) {
    IPAddress address = parse(text);
    return address == null ? null : address.toCanonicalString();
  }
}
