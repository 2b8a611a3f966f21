package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoadBalancer addresses that are a node's own address, under a Cilium release that programs
 * wildcard service entries for them. Cilium 1.19 added wildcard (drop) entries for LoadBalancer
 * and ClusterIP addresses on ports no Service uses (cilium/cilium#40684); for a VIP that is a
 * node's address they drop the node's own traffic on every other port (SSH, kubelet, the API
 * server): cilium/cilium#43206, #44430. Fixed by cilium/cilium#43565 (Node IPAM VIPs), #43721
 * (classes Cilium does not provide), #45572 (any node-local address); #46647 adds the hidden
 * switch {@code bpf-lb-enable-wildcard-entries}. Which 1.19 patch releases carry the fixes cannot
 * be settled from the sources read, so every 1.19 release is reported (the conservative reading).
 */
public final class NodeAddressVips {
  /** What to say about the fixes. */
  public static final String FIXES = "fixed for any node-local address by cilium/cilium#45572 (in"
      + " 1.20, and in the 1.19 patch releases whose notes list it), or avoided with the agent flag"
      + " bpf-lb-enable-wildcard-entries=false (cilium/cilium#46647); Services of Node IPAM's class"
      + " io.cilium/node and classes Cilium does not provide are not affected (cilium/cilium#43565,"
      + " #43721)";

  /**
   * The LoadBalancer addresses of one Service that are addresses of its nodes: one finding per
   * Service, not per address, since a Node IPAM Service publishes nothing else and a large cluster
   * has millions of such addresses.
   *
   * @param addresses the Service's addresses that are node addresses, in its order
   * @param nodes the node of each address, index for index
   */
  public record Hit(
      String service, List<String> addresses, List<String> nodes, boolean certain,
      String message) {
    public Hit {
      addresses = List.copyOf(addresses);
      nodes = List.copyOf(nodes);
    }

    /** The first address, the one a single-address report names. */
    public String address() {
      return addresses.get(0);
    }

    /** The node of the first address. */
    public String node() {
      return nodes.get(0);
    }

    public String severity() {
      return certain ? "error" : "warning";
    }
  }

  private NodeAddressVips() {}

  /** Whether the release and settings program wildcard entries for node-address VIPs. */
  public static boolean affected(DatapathSettings s) {
    // An assumed release (the newest modelled, 1.20, carries the fixes) may hide a 1.19 agent:
    // the finding is then a warning that says how to settle it.
    return (s.version().is(1, 19) || s.versionSetting().isAssumed()) && s.wildcardEntries();
  }

  /**
   * The hits among the given LoadBalancer addresses ({@code service key -> addresses}), in order.
   * {@code certain} is false when the Cilium version was assumed, not given or read from the input.
   */
  public static List<Hit> find(
      ClusterSnapshot snapshot, Map<String, List<String>> addresses, DatapathSettings s) {
    List<Hit> out = new ArrayList<>();
    if (!affected(s)) {
      return out;
    }
    Map<String, String> nodeOf = new HashMap<>();
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        String key = AddressBook.key(a.address());
        if (key != null) {
          nodeOf.putIfAbsent(key, n.name());
        }
      }
    }
    Map<String, Service> services = new HashMap<>();
    for (Service service : snapshot.services()) {
      services.put(service.key(), service);
    }
    boolean certain = !s.versionSetting().isAssumed();
    addresses.forEach((service, list) -> {
      if (!wildcardCandidate(services.get(service))) {
        return;
      }
      List<String> vips = new ArrayList<>();
      List<String> nodes = new ArrayList<>();
      for (String address : list) {
        String key = AddressBook.key(address);
        String node = key == null ? null : nodeOf.get(key);
        if (node != null) {
          vips.add(address);
          nodes.add(node);
        }
      }
      if (!vips.isEmpty()) {
        out.add(new Hit(service, vips, nodes, certain, message(service, vips, nodes, s, certain)));
      }
    });
    return out;
  }

  /**
   * Whether Cilium 1.19 programs wildcard entries for this Service's LoadBalancer addresses at all.
   * Not for Node IPAM's class (cilium/cilium#43565, merged during 1.19's development to fix its
   * regression) nor for a class Cilium does not provide (cilium/cilium#43721): only class-less
   * Services (LB-IPAM's default) and Cilium's BGP and L2 classes are candidates.
   */
  public static boolean wildcardCandidate(Service service) {
    if (service == null || service.loadBalancerClass() == null) {
      return true;
    }
    return CILIUM_ADDRESSED_CLASSES.contains(service.loadBalancerClass());
  }

  private static final Set<String> CILIUM_ADDRESSED_CLASSES =
      Set.of("io.cilium/bgp-control-plane", "io.cilium/l2-announcer");

  private static String message(
      String service, List<String> vips, List<String> nodes, DatapathSettings s, boolean certain) {
    StringBuilder named = new StringBuilder();
    int shown = Math.min(vips.size(), 3);
    for (int i = 0; i < shown; i++) {
      named.append(i == 0 ? "" : i == shown - 1 && shown == vips.size() ? " and " : ", ")
          .append(vips.get(i)).append(" (node ").append(nodes.get(i)).append(')');
    }
    if (vips.size() > shown) {
      named.append(" and ").append(vips.size() - shown).append(" more");
    }
    return "NODE_IP_AS_LB_VIP: " + service + " publishes " + named
        + (vips.size() == 1 ? ", a node's own address," : ", its nodes' own addresses,")
        + " as LoadBalancer address" + (vips.size() == 1 ? "" : "es") + "; Cilium "
        + (certain ? s.version() : "1.19")
        + " programs wildcard service entries for "
        + (vips.size() == 1 ? "it" : "them") + " (cilium/cilium#40684), which drop the node's own"
        + " traffic on every port the Service does not use (cilium/cilium#43206): " + FIXES
        + (certain ? "" : ". To settle it, give --cilium-version: the version is "
            + s.versionSetting().from());
  }
}
