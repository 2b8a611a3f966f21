package dev.nodeipam.policy.model;

import java.util.regex.Pattern;

/**
 * How the Cilium agent reads a {@code toPorts} port: an IANA service name ({@code
 * pkg/iana.IsSvcName}: 1-15 letters, digits and single inner dashes, at least one letter, any
 * case, compared in lower case) is a named port; anything else is parsed as {@code
 * strconv.ParseUint(port, 0, 16)}, so a leading 0 makes it octal ({@code 010} is port 8) and
 * {@code 08} is no number at all.
 */
final class CiliumPorts {
  private static final Pattern SVC_NAME =
      Pattern.compile("([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*");

  private CiliumPorts() {}

  static boolean isName(String port) {
    return !port.isEmpty() && port.length() <= 15 && SVC_NAME.matcher(port).matches();
  }

  static boolean digits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** The number of an all-digit port (octal with a leading 0), or null; above 65535 is null. */
  static Integer number(String port) {
    if (!digits(port)) {
      return null;
    }
    int radix = port.length() > 1 && port.charAt(0) == '0' ? 8 : 10;
    try {
      long n = Long.parseLong(port, radix);
      return n > 65535 ? null : (int) n;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
