package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  public static final String FIXES = "fixed by cilium/cilium#43565, #43721 and #45572 (in 1.20,"
      + " and in the 1.19 patch releases whose notes list them), or avoided with the agent flag"
      + " bpf-lb-enable-wildcard-entries=false (cilium/cilium#46647)";

  /** One LoadBalancer address that is a node's own address. */
  public record Hit(String service, String address, String node, boolean certain, String message) {
    public String severity() {
      return certain ? "error" : "warning";
    }
  }

  private NodeAddressVips() {}

  /** Whether the release and settings program wildcard entries for node-address VIPs. */
  public static boolean affected(DatapathSettings s) {
    return s.version().is(1, 19) && s.wildcardEntries();
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
    boolean certain = !s.versionSetting().isAssumed();
    addresses.forEach((service, list) -> {
      for (String address : list) {
        String key = AddressBook.key(address);
        String node = key == null ? null : nodeOf.get(key);
        if (node != null) {
          out.add(new Hit(service, address, node, certain, "NODE_IP_AS_LB_VIP: " + service
              + " publishes " + address + ", an address of node " + node + ", as a LoadBalancer"
              + " address; Cilium " + s.version() + " programs wildcard service entries for it"
              + " (cilium/cilium#40684), which drop the node's own traffic on every port the"
              + " Service does not use (cilium/cilium#43206): " + FIXES
              + (certain ? "" : ". To settle it, give --cilium-version: the version is "
                  + s.versionSetting().from())));
        }
      }
    });
    return out;
  }
}
