package dev.nodeipam.policy.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads port clauses of NetworkPolicy {@code ports} and Cilium {@code toPorts[].ports}. */
final class PortReader {
  // IANA_SVC_NAME as Kubernetes validates it: 1-15 lowercase letters, digits and inner dashes,
  // at least one letter, no double dash.
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

  private final Raw raw;

  PortReader(Raw raw) {
    this.raw = raw;
  }

  /** A NetworkPolicyPort: protocol defaults to TCP, a missing port means every port. */
  PortMatch networkPolicyPort(Object value, String path) {
    Map<String, Object> p = raw.map(value, path);
    Protocol protocol = protocol(p.get("protocol"), path + ".protocol", false);
    Set<Protocol> protocols = EnumSet.of(protocol == null ? Protocol.TCP : protocol);
    Object port = p.get("port");
    Integer endPort = endPort(p.get("endPort"), path + ".endPort");
    if (port == null) {
      if (endPort != null) {
        throw raw.bad(path + ".endPort", "endPort needs a numeric port");
      }
      return new PortMatch(0, null, null, protocols);
    }
    return numberOrName(port, endPort, protocols, path + ".port", false);
  }

  /**
   * A Cilium PortProtocol: protocol defaults to ANY, which the agent expands into TCP, UDP and
   * SCTP ({@code mergeIngress}/{@code mergeEgress} in {@code pkg/policy/rule.go}); port "0" means
   * every port.
   */
  PortMatch ciliumPort(Object value, String path) {
    Map<String, Object> p = raw.map(value, path);
    Protocol protocol = protocol(p.get("protocol"), path + ".protocol", true);
    Set<Protocol> protocols = protocol == null ? EnumSet.allOf(Protocol.class)
        : EnumSet.of(protocol);
    Integer endPort = endPort(p.get("endPort"), path + ".endPort");
    Object port = p.get("port");
    if (port == null) {
      return new PortMatch(0, null, null, protocols);
    }
    return numberOrName(port, endPort, protocols, path + ".port", true);
  }

  private PortMatch numberOrName(
      Object port, Integer endPort, Set<Protocol> protocols, String path, boolean zeroAllowed) {
    String text = raw.string(port, path);
    if (zeroAllowed && CiliumPorts.isName(text)) {
      // The agent takes any IANA service name and compares it in lower case (pkg/iana).
      text = text.toLowerCase(Locale.ROOT);
    } else if (zeroAllowed && text.length() > 1 && text.startsWith("0") && allDigits(text)) {
      // strconv.ParseUint(port, 0, 16): a leading 0 is octal. A number that is no octal
      // ("08") makes the agent reject the policy (PolicyValidation), which is then never
      // evaluated: read it as every port meanwhile.
      Integer octal = CiliumPorts.number(text);
      text = String.valueOf(octal == null ? 0 : octal);
    }
    if (allDigits(text)) {
      int number;
      try {
        number = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw raw.bad(path, "port " + text + " is out of range");
      }
      if (number > 65535 || (number == 0 && !zeroAllowed)) {
        throw raw.bad(
            path, "port " + text + " is not between " + (zeroAllowed ? 0 : 1) + " and 65535");
      }
      if (endPort != null && number == 0) {
        throw raw.bad(path, "endPort needs a port other than 0");
      }
      if (endPort != null && endPort < number) {
        throw raw.bad(path, "endPort " + endPort + " is below port " + number);
      }
      return new PortMatch(number, null, endPort, protocols);
    }
    if (!PORT_NAME.matcher(text).matches() || !hasLetter(text) || text.contains("--")) {
      throw raw.bad(path, "\"" + text + "\" is neither a port number nor a valid port name");
    }
    if (endPort != null) {
      throw raw.bad(path, "endPort cannot go with the named port \"" + text + "\"");
    }
    return new PortMatch(null, text, null, protocols);
  }

  private static boolean allDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean hasLetter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 'a' && s.charAt(i) <= 'z') {
        return true;
      }
    }
    return false;
  }

  private Integer endPort(Object value, String path) {
    if (value == null) {
      return null;
    }
    String text = raw.string(value, path);
    try {
      int n = Integer.parseInt(text);
      if (n < 1 || n > 65535) {
        throw raw.bad(path, "endPort " + text + " is not between 1 and 65535");
      }
      return n;
    } catch (NumberFormatException e) {
      throw raw.bad(path, "endPort \"" + text + "\" is not a number");
    }
  }

  /** The protocol, null for ANY (Cilium) or absent. */
  private Protocol protocol(Object value, String path, boolean anyAllowed) {
    String text = raw.string(value, path);
    if (text == null || (anyAllowed && text.equals("ANY"))) {
      return null;
    }
    Protocol p = text.equals(text.toUpperCase(Locale.ROOT)) ? Protocol.parse(text) : null;
    if (p == null) {
      throw raw.bad(
          path,
          "\"" + text + "\" is not " + (anyAllowed ? "TCP, UDP, SCTP or ANY" : "TCP, UDP or SCTP"));
    }
    return p;
  }
}
