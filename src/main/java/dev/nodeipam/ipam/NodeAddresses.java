package dev.nodeipam.ipam;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.Node;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** A node's usable addresses (R20), parsed once: only ExternalIP and InternalIP entries that are IPs. */
record NodeAddresses(Node node, List<Usable> usable) {

  /** One address with what ordering and filtering need. */
  record Usable(boolean external, String text, int family, String canonical, BigInteger value) {}

  static NodeAddresses of(Node node) {
    List<Usable> usable = new ArrayList<>();
    for (Node.NodeAddress address : node.addresses()) {
      boolean external = "ExternalIP".equals(address.type());
      if (!external && !"InternalIP".equals(address.type())) {
        continue;
      }
      IPAddress ip = IpText.parse(address.address());
      if (ip == null) {
        continue;
      }
      usable.add(
          new Usable(
              external, address.address(), ip.isIPv4() ? 4 : 6, ip.toCanonicalString(),
              ip.getValue()));
    }
    return new NodeAddresses(node, List.copyOf(usable));
  }
}
