package dev.nodeipam.audit;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Node addresses reused as load-balancer or egress addresses (NODE_ADDRESS_COLLISION): a
 * CiliumLoadBalancerIPPool block that holds a node's address, a Gateway asking for one, a
 * LoadBalancer status that LB IPAM (or another controller) filled with one, and an egress gateway
 * IP that is also a Service's LoadBalancer address. Node IPAM's own Services publish node
 * addresses by design and are left out; a status NODE_IP_AS_LB_VIP already reports is not
 * reported twice. What each release does with such an address is in docs/audit.md.
 */
public final class NodeAddressCollisions {
  private NodeAddressCollisions() {}

  /**
   * Every collision in the snapshot.
   *
   * @param options the Node IPAM options, resolved against the snapshot by {@link ClasslessDefault}
   * @param reported Services whose node-address VIPs NODE_IP_AS_LB_VIP already reports
   */
  public static List<Finding> find(ClusterSnapshot snapshot, NodeIpamOptions options,
      DatapathSettings settings, Set<String> reported) {
    NodeIpamOptions resolved = ClasslessDefault.applied(options, snapshot);
    Map<IPAddress, String> nodeOf = new LinkedHashMap<>();
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        IPAddress ip = IpText.parse(a.address());
        if (ip != null) {
          nodeOf.putIfAbsent(ip, n.name());
        }
      }
    }
    boolean cutsOff = NodeAddressVips.affected(settings);
    List<Finding> out = new ArrayList<>();
    Map<IPAddress, String> vips = new LinkedHashMap<>();
    for (Service s : snapshot.services()) {
      if (s.type() != ServiceType.LOAD_BALANCER || ServiceOwnership.handles(s, resolved)) {
        continue;
      }
      for (String address : s.ingressAddresses()) {
        IPAddress ip = IpText.parse(address);
        if (ip == null) {
          continue;
        }
        vips.putIfAbsent(ip, "Service " + s.key());
        String node = nodeOf.get(ip);
        if (node != null && !reported.contains(s.key())) {
          out.add(finding(s.key(), "Service " + s.key() + " (" + s.source() + ")",
              "has the LoadBalancer address", ip, node, true, cutsOff));
        }
      }
    }
    for (RawObject claim : snapshot.addressClaims()) {
      switch (claim.kind()) {
        case "CiliumLoadBalancerIPPool" -> pool(claim, nodeOf, cutsOff, out);
        case "Gateway" -> gateway(claim, nodeOf, cutsOff, vips, out);
        default -> { }
      }
    }
    for (RawObject claim : snapshot.addressClaims()) {
      if (claim.kind().equals("CiliumEgressGatewayPolicy")) {
        egress(claim, vips, out);
      }
    }
    return out;
  }

  private static void pool(RawObject pool, Map<IPAddress, String> nodeOf, boolean cutsOff,
      List<Finding> out) {
    Map<String, Object> spec = ClaimFields.map(pool.body(), "spec");
    if (Boolean.TRUE.equals(spec.get("disabled"))) {
      return;
    }
    List<Object> blocks = new ArrayList<>(ClaimFields.list(spec, "blocks"));
    blocks.addAll(ClaimFields.list(spec, "cidrs"));
    for (Object b : blocks) {
      if (!(b instanceof Map<?, ?> block)) {
        continue;
      }
      Object cidr = block.get("cidr");
      Object start = block.get("start");
      Object stop = block.get("stop");
      for (var e : nodeOf.entrySet()) {
        if (ClaimFields.holds(cidr, start, stop, e.getKey())) {
          out.add(finding(null, "CiliumLoadBalancerIPPool " + pool.name() + " (" + pool.source()
                  + ")", "can hand out", e.getKey(), e.getValue(), false, cutsOff));
        }
      }
    }
  }

  private static void gateway(RawObject gw, Map<IPAddress, String> nodeOf, boolean cutsOff,
      Map<IPAddress, String> vips, List<Finding> out) {
    for (Object a : ClaimFields.list(ClaimFields.map(gw.body(), "spec"), "addresses")) {
      if (!(a instanceof Map<?, ?> address)) {
        continue;
      }
      Object type = address.get("type");
      IPAddress ip = IpText.parse(String.valueOf(address.get("value")));
      if (ip == null || (type != null && !"IPAddress".equals(type))) {
        continue;
      }
      vips.putIfAbsent(ip, "Gateway " + gw.key());
      String node = nodeOf.get(ip);
      if (node != null) {
        out.add(finding(null, "Gateway " + gw.key() + " (" + gw.source() + ")", "asks for",
            ip, node, true, cutsOff));
      }
    }
  }

  private static void egress(RawObject policy, Map<IPAddress, String> vips, List<Finding> out) {
    Map<String, Object> spec = ClaimFields.map(policy.body(), "spec");
    List<Object> gateways = new ArrayList<>(ClaimFields.list(spec, "egressGateways"));
    gateways.add(spec.get("egressGateway"));
    for (Object g : gateways) {
      if (!(g instanceof Map<?, ?> gateway)) {
        continue;
      }
      IPAddress ip = IpText.parse(String.valueOf(gateway.get("egressIP")));
      String vip = ip == null ? null : vips.get(ip);
      if (vip != null) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("claimedBy", "CiliumEgressGatewayPolicy " + policy.name());
        extra.put("alsoClaimedBy", vip);
        out.add(Finding.builder()
            .type(FindingType.NODE_ADDRESS_COLLISION)
            .severity(Severity.WARNING)
            .active(true)
            .address(ip.toCanonicalString())
            .message("CiliumEgressGatewayPolicy " + policy.name() + " (" + policy.source()
                + ") uses egress IP " + ip.toCanonicalString() + ", which is also the"
                + " LoadBalancer address of " + vip + ": from Cilium 1.19 the replies to its"
                + " egress traffic can be dropped as traffic to that Service (cilium/cilium#45408)."
                + " Give the egress gateway an address of its own.")
            .extra(extra)
            .build());
      }
    }
  }

  private static Finding finding(String service, String claimant, String verb, IPAddress ip,
      String node, boolean active, boolean cutsOff) {
    String address = ip.toCanonicalString();
    String effect = cutsOff
        ? "under this Cilium 1.19 release the node's own traffic on every other port is dropped"
            + " and the node goes offline (cilium/cilium#44901, #44430; " + NodeAddressVips.FIXES
            + ")"
        : "Cilium serves the Service's ports on that address, shadowing the node's own listeners"
            + " there, and Cilium 1.19 releases without cilium/cilium#45572 cut the node off"
            + " (cilium/cilium#44901)";
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("claimedBy", claimant);
    extra.put("node", node);
    return Finding.builder()
        .type(FindingType.NODE_ADDRESS_COLLISION)
        .severity(cutsOff && active ? Severity.ERROR : Severity.WARNING)
        .active(active)
        .service(service)
        .address(address)
        .message(claimant + " " + verb + " " + address + ", an address of node " + node + ": "
            + effect + ". Keep node addresses out of load-balancer pools and Gateways.")
        .extra(extra)
        .build();
  }
}
