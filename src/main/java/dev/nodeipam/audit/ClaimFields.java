package dev.nodeipam.audit;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;

/** Reading the few fields of address-claiming objects kept as plain trees. */
final class ClaimFields {
  private ClaimFields() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object v = parent == null ? null : parent.get(key);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    return v instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /**
   * Whether a pool block holds the address: {@code cidr}, or {@code start} to {@code stop}
   * ({@code start} alone is that one address), as CiliumLoadBalancerIPPool's blocks are written.
   */
  static boolean holds(Object cidr, Object start, Object stop, IPAddress ip) {
    if (cidr != null) {
      IPAddress block = new IPAddressString(String.valueOf(cidr)).getAddress();
      return block != null && block.getIPVersion() == ip.getIPVersion()
          && block.toPrefixBlock().contains(ip);
    }
    if (start == null) {
      return false;
    }
    IPAddress first = new IPAddressString(String.valueOf(start)).getAddress();
    IPAddress last = stop == null ? first : new IPAddressString(String.valueOf(stop)).getAddress();
    if (first == null || last == null || first.getIPVersion() != ip.getIPVersion()
        || last.getIPVersion() != ip.getIPVersion()) {
      return false;
    }
    return first.spanWithRange(last).contains(ip);
  }
}
