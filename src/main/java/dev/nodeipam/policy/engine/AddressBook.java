package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who owns an address: a pod (not hostNetwork), a node, or the API server; built once per snapshot.
 */
final class AddressBook {
  private final Map<String, Pod> pods = new HashMap<>();
  private final Map<String, Node> nodes = new HashMap<>();
  private final Set<String> apiServer = new HashSet<>();
  private final List<Map.Entry<IPAddress, Node>> podCidrs = new ArrayList<>();
  private final boolean seenIpv4;
  private final boolean seenIpv6;

  AddressBook(ClusterSnapshot snapshot) {
    boolean v4 = false;
    boolean v6 = false;
    for (Pod p : snapshot.pods()) {
      if (p.hostNetwork() || p.isTemplate()) {
        continue;
      }
      for (String ip : p.ips()) {
        String key = IpText.canonical(ip);
        if (key != null) {
          pods.putIfAbsent(key, p);
          v4 |= key.indexOf(':') < 0;
          v6 |= key.indexOf(':') >= 0;
        }
      }
    }
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        String key = IpText.canonical(a.address());
        if (key != null) {
          nodes.putIfAbsent(key, n);
          v4 |= key.indexOf(':') < 0;
          v6 |= key.indexOf(':') >= 0;
        }
      }
      for (String cidr : n.podCidrs()) {
        IPAddress block = new IPAddressString(cidr).getAddress();
        if (block != null) {
          podCidrs.add(Map.entry(block.toPrefixBlock(), n));
          v4 |= block.isIPv4();
          v6 |= block.isIPv6();
        }
      }
    }
    for (EndpointSlice slice : snapshot.slicesOf("default", "kubernetes")) {
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        e.addresses().stream().map(IpText::canonical).filter(a -> a != null).forEach(apiServer::add);
      }
    }
    this.seenIpv4 = v4;
    this.seenIpv6 = v6;
  }

  Optional<Pod> pod(IPAddress address) {
    return Optional.ofNullable(pods.get(address.toCanonicalString()));
  }

  Optional<Node> node(IPAddress address) {
    return Optional.ofNullable(nodes.get(address.toCanonicalString()));
  }

  boolean isApiServer(IPAddress address) {
    return apiServer.contains(address.toCanonicalString());
  }

  /** The node whose podCIDR holds the address, if any (for the note on unknown pod addresses). */
  Optional<Node> podCidrOwner(IPAddress address) {
    for (Map.Entry<IPAddress, Node> e : podCidrs) {
      if (e.getKey().isIPv4() == address.isIPv4() && e.getKey().contains(address)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  boolean seenIpv4() {
    return seenIpv4;
  }

  boolean seenIpv6() {
    return seenIpv6;
  }
}
