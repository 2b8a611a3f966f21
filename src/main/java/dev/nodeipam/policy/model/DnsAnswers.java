package dev.nodeipam.policy.model;

import dev.nodeipam.net.IpText;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The DNS answers a {@code toFQDNs} rule is judged with ({@code --dns NAME=IP}, {@code
 * --dns-file}): Cilium allows the addresses its DNS proxy saw a selected name resolve to, so
 * without answers a toFQDNs rule cannot be evaluated. Names are kept lower case without the
 * trailing dot.
 */
public record DnsAnswers(Map<String, List<IPAddress>> byName) {
  public static final DnsAnswers NONE = new DnsAnswers(Map.of());

  public DnsAnswers {
    Map<String, List<IPAddress>> copy = new LinkedHashMap<>();
    byName.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    byName = Collections.unmodifiableMap(copy);
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  /** A DNS name as Cilium compares it: lower case, no trailing dot. */
  public static String canonical(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /** Builds answers from {@code NAME=IP} / {@code NAME IP} pairs, naming {@code where} on error. */
  public static final class Builder {
    private final Map<String, List<IPAddress>> byName = new LinkedHashMap<>();

    /** @throws IllegalArgumentException when the name or the address is not valid */
    public Builder add(String name, String address) {
      String n = canonical(name);
      if (n.isEmpty() || !NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("\"" + name + "\" is not a DNS name");
      }
      IPAddress a = IpText.parse(address.trim());
      if (a == null) {
        throw new IllegalArgumentException("\"" + address + "\" is not an IP address");
      }
      List<IPAddress> list = byName.computeIfAbsent(n, k -> new ArrayList<>());
      if (!list.contains(a)) {
        list.add(a);
      }
      return this;
    }

    public DnsAnswers build() {
      return new DnsAnswers(byName);
    }
  }

  private static final Pattern NAME = Pattern.compile("[-a-z0-9_]+(\\.[-a-z0-9_]+)*");
}
