package dev.nodeipam.snapshot;

import dev.nodeipam.net.IpText;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's {@code nodeipam.dev/external-ips} annotation, parsed once when the node is read (E13):
 * public addresses the node does not carry in {@code status.addresses} (NAT'd, floating IPs), which
 * every address policy counts as the node's {@code ExternalIP}s. nodeipam's own extension: Cilium's
 * Node IPAM reads only {@code status.addresses}.
 *
 * @param addresses the addresses, as written, in order; empty when absent or invalid
 * @param invalid why the value is ignored (the first entry that is not an IP address), or null
 * @param value the annotation's value as written, or null when absent
 */
public record AnnotatedAddresses(List<String> addresses, String invalid, String value) {
  public static final String ANNOTATION = "nodeipam.dev/external-ips";
  public static final AnnotatedAddresses NONE = new AnnotatedAddresses(List.of(), null, null);

  /** The clause every command adds when a Service depends on the annotation. */
  public static final String EXTENSION =
      "nodeipam's own extension (annotation " + ANNOTATION + "), which Cilium's Node IPAM ignores";

  public AnnotatedAddresses {
    addresses = List.copyOf(addresses);
  }

  /**
   * Reads the value: addresses separated by commas, blanks around them allowed. One entry that is
   * not a plain IPv4 or IPv6 address (a CIDR, a host name, a typo) makes the whole value invalid
   * and ignored, so that a half-read list never publishes a different set than its author wrote.
   */
  public static AnnotatedAddresses parse(String value) {
    if (value == null) {
      return NONE;
    }
    List<String> addresses = new ArrayList<>();
    for (String entry : value.split(",", -1)) {
      String text = entry.strip();
      if (text.isEmpty() && value.isBlank()) {
        continue;
      }
      if (IpText.parse(text) == null) {
        String problem =
            text.isEmpty() ? "an empty entry" : "\"" + text + "\" is not an IP address";
        return new AnnotatedAddresses(List.of(), problem, value);
      }
      addresses.add(text);
    }
    return new AnnotatedAddresses(addresses, null, value);
  }

  public boolean isInvalid() {
    return invalid != null;
  }
}
