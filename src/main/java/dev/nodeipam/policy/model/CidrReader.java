package dev.nodeipam.policy.model;

import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reads CIDRs of {@code ipBlock}, {@code toCIDR} and {@code toCIDRSet}. */
final class CidrReader {
  // Policies repeat a handful of CIDRs (0.0.0.0/0, 10.0.0.0/8, ...); parsing is the costly part.
  private static final Map<String, IPAddress> PARSED =
      new ConcurrentHashMap<>();

  private final Raw raw;

  CidrReader(Raw raw) {
    this.raw = raw;
  }

  /**
   * A CIDR as its prefix block; with {@code bareAddressAllowed} a plain address is a host route
   * (Cilium's toCIDR accepts {@code 10.0.0.1}), otherwise the prefix length is required.
   */
  IPAddress cidr(Object value, String path, boolean bareAddressAllowed) {
    String text = raw.string(value, path);
    if (text == null || text.isBlank()) {
      throw raw.bad(path, "missing CIDR");
    }
    IPAddress cached = PARSED.get(text);
    if (cached != null && (text.contains("/") || bareAddressAllowed)) {
      return cached;
    }
    IPAddress address;
    try {
      address = new IPAddressString(text).toAddress();
    } catch (AddressStringException e) {
      throw raw.bad(path, "\"" + text + "\" is not a valid CIDR");
    }
    if (address == null || !text.contains("/") && !bareAddressAllowed) {
      throw raw.bad(path, "\"" + text + "\" is not a valid CIDR (address/prefix-length)");
    }
    if (!address.isPrefixed()) {
      address = address.setPrefixLength(address.getBitCount(), false);
    }
    IPAddress block = address.toPrefixBlock();
    if (PARSED.size() < 100_000) {
      PARSED.put(text, block);
    }
    return block;
  }

  /** The {@code except} list, each inside the CIDR. */
  List<IPAddress> except(Object value, IPAddress cidr, String path) {
    List<IPAddress> out = new ArrayList<>();
    List<Object> items = raw.list(value, path);
    for (int i = 0; i < items.size(); i++) {
      IPAddress e = cidr(items.get(i), path + "[" + i + "]", false);
      if (e.isIPv4() != cidr.isIPv4() || !cidr.contains(e)) {
        throw raw.bad(path + "[" + i + "]", e + " is not inside " + cidr);
      }
      out.add(e);
    }
    return out;
  }
}
