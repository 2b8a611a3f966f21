package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;

/**
 * One connection attempt: a source pod (or the template pod of a workload) dialling an address and
 * port.
 */
public record Flow(Pod source, IPAddress address, int port, Protocol protocol) {
  public Flow {
    if (source == null || address == null || protocol == null) {
      throw new IllegalArgumentException("a flow needs a source, an address and a protocol");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
    }
  }

  /** {@code 1.2.3.4:443/TCP} or {@code [2001:db8::1]:443/TCP}. */
  public String destinationText() {
    String a =
        address.isIPv6() ? "[" + address.toCanonicalString() + "]" : address.toCanonicalString();
    return a + ":" + port + "/" + protocol;
  }
}
