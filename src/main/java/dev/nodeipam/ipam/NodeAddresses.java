package dev.nodeipam.ipam;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.Node;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A node's usable addresses (R20), parsed once: only ExternalIP and InternalIP entries that are
 * IPs, then the addresses of its {@code nodeipam.dev/external-ips} annotation as ExternalIPs (E13).
 *
 * @param annotatedOnly canonical texts of the annotated addresses the node does not carry itself
 */
record NodeAddresses(Node node, List<Usable> usable, Set<String> annotatedOnly) {

  /** One address with what ordering and filtering need. */
  record Usable(boolean external, String text, int family, String canonical, BigInteger value) {}

  static NodeAddresses of(Node node) {
    List<Usable> usable = new ArrayList<>();
    for (Node.NodeAddress address : node.addresses()) {
      boolean external = "ExternalIP".equals(address.type());
      if (!external && !"InternalIP".equals(address.type())) {
        continue;
      }
      add(usable, external, address.address());
    }
    Set<String> carried = new HashSet<>();
    usable.forEach(u -> carried.add(u.canonical()));
    Set<String> annotatedOnly = new HashSet<>();
    for (String text : node.annotatedAddresses().addresses()) {
      Usable added = add(usable, true, text);
      if (added != null && !carried.contains(added.canonical())) {
        annotatedOnly.add(added.canonical());
      }
    }
    return new NodeAddresses(node, List.copyOf(usable), Set.copyOf(annotatedOnly));
  }

  private static Usable add(List<Usable> usable, boolean external, String text) {
    IPAddress ip = IpText.parse(text);
    if (ip == null) {
      return null;
    }
    Usable u =
        new Usable(external, text, ip.isIPv4() ? 4 : 6, ip.toCanonicalString(), ip.getValue());
    usable.add(u);
    return u;
  }

  /**
   * The published addresses that only an annotation of one of the candidates provides: what a
   * Service depends on nodeipam's own extension for (E13).
   */
  static List<String> fromAnnotation(List<NodeAddresses> candidates, List<String> published) {
    Set<String> annotated = new HashSet<>();
    candidates.forEach(c -> annotated.addAll(c.annotatedOnly()));
    if (annotated.isEmpty() || published == null) {
      return List.of();
    }
    Set<String> carried = new HashSet<>();
    for (NodeAddresses c : candidates) {
      for (Usable u : c.usable()) {
        if (!c.annotatedOnly().contains(u.canonical())) {
          carried.add(u.canonical());
        }
      }
    }
    return published.stream()
        .filter(a -> annotated.contains(IpText.canonical(a)))
        .filter(a -> !carried.contains(IpText.canonical(a)))
        .toList();
  }
}
