package dev.nodeipam.migrate;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which nodes own which address, compared by value: {@code 2001:db8::1} and {@code 2001:DB8:0::1}
 * are the same address. Only the address types Node IPAM publishes (ExternalIP, InternalIP) count,
 * and the addresses of a node's {@code nodeipam.dev/external-ips} annotation as ExternalIPs (E13).
 */
final class AddressIndex {
  /** One node that reports the address, and as which type. */
  record Owner(Node node, boolean external) {}

  private final Map<String, List<Owner>> byValue = new HashMap<>();

  AddressIndex(List<Node> nodes) {
    for (Node node : nodes) {
      for (Node.NodeAddress address : node.addresses()) {
        boolean external = "ExternalIP".equals(address.type());
        if (!external && !"InternalIP".equals(address.type())) {
          continue;
        }
        String value = IpText.canonical(address.address());
        if (value != null) {
          byValue.computeIfAbsent(value, k -> new ArrayList<>()).add(new Owner(node, external));
        }
      }
      for (String text : node.annotatedAddresses().addresses()) {
        String value = IpText.canonical(text);
        List<Owner> owners = byValue.computeIfAbsent(value, k -> new ArrayList<>());
        if (owners.stream().noneMatch(o -> o.node().name().equals(node.name()) && o.external())) {
          owners.add(new Owner(node, true));
        }
      }
    }
  }

  /** The owners of an address given by its canonical text; empty when no node has it. */
  List<Owner> owners(String canonical) {
    return byValue.getOrDefault(canonical, List.of());
  }
}
