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
  private final List<Map.Entry<String, Pod>> ipv6Pods = new ArrayList<>();
  private volatile Map<String, Pod> ipv6PodIndex;
  private final Map<String, Node> nodes = new HashMap<>();
  private final Set<String> apiServer = new HashSet<>();
  private final List<Node> nodeList;
  private volatile List<Map.Entry<IPAddress, Node>> podCidrs;

  AddressBook(ClusterSnapshot snapshot) {
    for (Pod p : snapshot.pods()) {
      if (!p.isEndpoint()) {
        continue;
      }
      for (String ip : p.ips()) {
        // Most pod addresses are plain IPv4 text, already canonical: no parser needed. IPv6 ones
        // are indexed on the first IPv6 question only.
        if (isStrictIpv4(ip)) {
          pods.putIfAbsent(ip, p);
        } else if (ip.indexOf(':') >= 0) {
          ipv6Pods.add(Map.entry(ip, p));
        } else {
          String key = IpText.canonical(ip);
          if (key != null) {
            pods.putIfAbsent(key, p);
          }
        }
      }
    }
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        if ("Hostname".equals(a.type())
            || "InternalDNS".equals(a.type())
            || "ExternalDNS".equals(a.type())) {
          continue;
        }
        String key = key(a.address());
        if (key != null) {
          nodes.putIfAbsent(key, n);
        }
      }
    }
    for (EndpointSlice slice : snapshot.slicesOf("default", "kubernetes")) {
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        e.addresses().stream()
            .map(IpText::canonical)
            .filter(a -> a != null)
            .forEach(apiServer::add);
      }
    }
    this.nodeList = snapshot.nodes();
  }

  Optional<Pod> pod(IPAddress address) {
    String key = address.toCanonicalString();
    Pod pod = pods.get(key);
    if (pod == null && address.isIPv6()) {
      pod = ipv6Index().get(key);
    }
    return Optional.ofNullable(pod);
  }

  private Map<String, Pod> ipv6Index() {
    Map<String, Pod> index = ipv6PodIndex;
    if (index == null) {
      synchronized (this) {
        if (ipv6PodIndex == null) {
          Map<String, Pod> built = new HashMap<>();
          for (Map.Entry<String, Pod> e : ipv6Pods) {
            String key = IpText.canonical(e.getKey());
            if (key != null) {
              built.putIfAbsent(key, e.getValue());
          }
          }
          ipv6PodIndex = built;
        }
        index = ipv6PodIndex;
      }
    }
    return index;
  }

  /** The canonical text of an address (fast for plain IPv4), or null when it is none. */
  static String key(String text) {
    return isStrictIpv4(text) ? text : IpText.canonical(text);
  }

  /** Dotted-quad IPv4 text without leading zeros: its own canonical form. */
  static boolean isStrictIpv4(String s) {
    int parts = 0;
    int i = 0;
    int n = s.length();
    while (i < n) {
      int start = i;
      int value = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return false;
        }
      }
      int len = i - start;
      if (len == 0 || value > 255 || (len > 1 && s.charAt(start) == '0')) {
        return false;
      }
      parts++;
      if (i < n) {
        if (s.charAt(i) != '.' || parts == 4) {
          return false;
        }
        i++;
        if (i == n) {
          return false;
        }
      }
    }
    return parts == 4;
  }

  Optional<Node> node(IPAddress address) {
    return Optional.ofNullable(nodes.get(address.toCanonicalString()));
  }

  boolean isApiServer(IPAddress address) {
    return apiServer.contains(address.toCanonicalString());
  }

  /** The node whose podCIDR holds the address, if any (for the note on unknown pod addresses). */
  Optional<Node> podCidrOwner(IPAddress address) {
    List<Map.Entry<IPAddress, Node>> blocks = podCidrs;
    if (blocks == null) {
      List<Map.Entry<IPAddress, Node>> built = new ArrayList<>();
      for (Node n : nodeList) {
        for (String cidr : n.podCidrs()) {
          IPAddress block = new IPAddressString(cidr).getAddress();
          if (block != null) {
            built.add(Map.entry(block.toPrefixBlock(), n));
          }
        }
      }
      blocks = List.copyOf(built);
      podCidrs = blocks;
    }
    for (Map.Entry<IPAddress, Node> e : blocks) {
      if (e.getKey().isIPv4() == address.isIPv4() && e.getKey().contains(address)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

}
