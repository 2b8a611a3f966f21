package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Translation.Frontend;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Service translation happens (section 2 of the policy model): whether Cilium rewrites a
 * Service frontend to a backend before policy sees the flow, for this client under these settings.
 */
public final class ServiceTranslation {
  private static final String WITHOUT_KPR = "Cilium 1.19+ installs it as a service frontend even"
      + " with kube-proxy-replacement=false (pkg/loadbalancer/reflectors/conversions.go,"
      + " kubermatic/kubermatic#15939), and the pod's per-packet load balancer translates it"
      + " (Cilium ";

  /** A frontend address of a Service. */
  record FrontendAddress(Service service, Frontend kind, String ipMode) {}

  /** A frontend that the flow's address and port hit. */
  public record Hit(Service service, Service.ServicePort port, Frontend kind, String ipMode) {}

  private final Map<String, List<FrontendAddress>> frontends = new HashMap<>();
  private final Map<Integer, Service> nodePorts = new HashMap<>();
  private final java.util.Set<String> nodeAddresses = new java.util.HashSet<>();

  ServiceTranslation(ClusterSnapshot snapshot) {
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        String key = AddressBook.key(a.address());
        if (key != null) {
          nodeAddresses.add(key);
        }
      }
    }
    for (Service s : snapshot.services()) {
      if ("ExternalName".equals(s.type())) {
        continue;
      }
      s.clusterIps().forEach(ip -> add(ip, new FrontendAddress(s, Frontend.CLUSTER_IP, null)));
      s.externalIps().forEach(ip -> add(ip, new FrontendAddress(s, Frontend.EXTERNAL_IP, null)));
      for (Service.ServicePort p : s.ports()) {
        if (p.nodePort() != null) {
          nodePorts.putIfAbsent(p.nodePort(), s);
        }
      }
      if ("LoadBalancer".equals(s.type())) {
        for (Service.LoadBalancerIngress in : s.ingress()) {
          if (in.ip() != null) {
            add(in.ip(), new FrontendAddress(s, Frontend.LOAD_BALANCER, in.ipMode()));
          }
        }
      }
    }
  }

  private void add(String ip, FrontendAddress f) {
    String key = AddressBook.key(ip);
    if (key != null) {
      frontends.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
    }
  }

  /** The Service frontend the address and port hit, ClusterIPs first. */
  public Optional<Hit> hit(IPAddress address, int port, Protocol protocol) {
    List<FrontendAddress> all = frontends.getOrDefault(address.toCanonicalString(), List.of());
    for (Frontend kind : Frontend.values()) {
      for (FrontendAddress f : all) {
        if (f.kind() != kind) {
          continue;
        }
        for (Service.ServicePort p : f.service().ports()) {
          String proto = p.protocol() == null ? "TCP" : p.protocol();
          if (p.port() == port && proto.equalsIgnoreCase(protocol.name())) {
            return Optional.of(new Hit(f.service(), p, f.kind(), f.ipMode()));
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A NodePort frontend the flow hits: the address is a node's (this one or another) and the port
   * is some Service's nodePort for the protocol. Socket LB does a wildcard service lookup for ports
   * in the NodePort range on host and remote-node addresses ({@code sock4_wildcard_lookup} in
   * {@code bpf/bpf_sock.c}).
   */
  public Optional<Hit> nodePortHit(IPAddress address, int port, Protocol protocol) {
    if (!nodeAddresses.contains(address.toCanonicalString())) {
      return Optional.empty();
    }
    Service s = nodePorts.get(port);
    if (s == null) {
      return Optional.empty();
    }
    for (Service.ServicePort p : s.ports()) {
      String proto = p.protocol() == null ? "TCP" : p.protocol();
      if (p.nodePort() != null && p.nodePort() == port
          && proto.equalsIgnoreCase(protocol.name())) {
        return Optional.of(new Hit(s, p, Frontend.NODE_PORT, null));
      }
    }
    return Optional.empty();
  }

  /** The Service with this nodePort, if any. */
  public Optional<Service> nodePortService(int port) {
    return Optional.ofNullable(nodePorts.get(port));
  }

  /** Whether the address is some Service's frontend, whatever the port. */
  public Optional<Service> serviceAt(IPAddress address) {
    return frontends.getOrDefault(address.toCanonicalString(), List.of()).stream()
        .map(FrontendAddress::service)
        .findFirst();
  }

  /**
   * The translation table, row by row.
   *
   * @param onClientNode whether the address is an address of the client's own node
   */
  public static Translation decide(
      Hit hit, boolean onClientNode, boolean clientNodeKnown, DatapathSettings s) {
    String svc = hit.service().key();
    int sp = hit.port().port();
    String lb =
        s.socketLbForPods()
            ? "socket LB translates it for pods"
            : "the per-packet load balancer at the pod translates it ("
                + (s.socketLb() ? "bpf-lb-sock-hostns-only=true" : "bpf-lb-sock=false")
                + ")";
    return switch (hit.kind()) {
      case NODE_PORT -> {
        if (!s.kubeProxyReplacement()) {
          yield new Translation(false, svc, hit.kind(), sp, "nodePort " + hit.port().nodePort()
              + " of " + svc + " on a node address: Cilium installs NodePort frontends only with"
              + " kube-proxy-replacement (convertService, pkg/loadbalancer/reflectors/"
              + "conversions.go), so policy sees the node itself (kube-proxy forwards it later)");
        }
        yield new Translation(true, svc, hit.kind(), sp, "nodePort " + hit.port().nodePort()
            + " of " + svc + " on " + (onClientNode ? "the client's own" : "a") + " node address: "
            + (s.socketLbForPods()
                ? "socket LB translates it (wildcard lookup for host and remote-node addresses,"
                    + " sock4_wildcard_lookup in bpf/bpf_sock.c)"
                : "modelled as translated by the pod's per-packet load balancer (" + lb
                    + "; not settled in the sources read)"));
      }
      case CLUSTER_IP ->
          new Translation(
              true,
              svc,
              hit.kind(),
              sp,
              "ClusterIP of "
                  + svc
                  + ": "
                  + (s.kubeProxyReplacement()
                      ? lb
                      : "Cilium translates ClusterIPs even with kube-proxy-replacement=false"));
      case LOAD_BALANCER -> {
        if ("Proxy".equals(hit.ipMode())) {
          yield new Translation(
              false,
              svc,
              hit.kind(),
              sp,
              "LoadBalancer address of "
                  + svc
                  + " with ipMode: Proxy: Cilium does not short-circuit it;"
                  + " the traffic goes to the load balancer as a world address");
        }
        if (!s.kubeProxyReplacement() && !s.externalFrontendsWithoutKpr()) {
          yield new Translation(
              false,
              svc,
              hit.kind(),
              sp,
              "LoadBalancer address of "
                  + svc
                  + ": kube-proxy-replacement=false, so Cilium's policy"
                  + " sees the address itself (kube-proxy rewrites it later)");
        }
        if (!s.kubeProxyReplacement()) {
          yield new Translation(true, svc, hit.kind(), sp, "LoadBalancer address of " + svc
              + ": " + WITHOUT_KPR + s.version() + ")");
        }
        yield new Translation(
            true, svc, hit.kind(), sp, "LoadBalancer address of " + svc + ": " + lb);
      }
      case EXTERNAL_IP -> {
        if (!s.kubeProxyReplacement() && s.externalFrontendsWithoutKpr()) {
          yield new Translation(true, svc, hit.kind(), sp, "externalIP of " + svc + ": "
              + WITHOUT_KPR + s.version() + ")");
        }
        if (!s.kubeProxyReplacement()) {
          yield new Translation(
              false,
              svc,
              hit.kind(),
              sp,
              "externalIP of "
                  + svc
                  + ": kube-proxy-replacement=false, so Cilium's policy sees the"
                  + " address itself");
        }
        if (onClientNode) {
          yield new Translation(
              true,
              svc,
              hit.kind(),
              sp,
              "externalIP of " + svc + " is an address of the client's own node: " + lb);
        }
        String where =
            clientNodeKnown
                ? "is not an address of the client's node"
                : "is not known to be an address of the client's node";
        // Per-packet LB in the pod's datapath (bpf_lxc.c ENABLE_PER_PACKET_LB: socket LB not
        // full, host-namespace only, enable-envoy-config or enable-sctp) translates what socket LB
        // skipped.
        if (!s.perPacketLbAtPod() && !s.externalIpMitigationDisabled()) {
          yield new Translation(
              false,
              svc,
              hit.kind(),
              sp,
              "externalIP of "
                  + svc
                  + " "
                  + where
                  + ": socket LB leaves it untranslated (CVE-2020-8554 mitigation;"
                  + " disable-external-ip-mitigation=false), so policy sees the address itself");
        }
        yield new Translation(
            true,
            svc,
            hit.kind(),
            sp,
            "externalIP of "
                + svc
                + " "
                + where
                + ": "
                + (!s.perPacketLbAtPod()
                    ? "socket LB translates it (disable-external-ip-mitigation=true)"
                    : s.socketLbForPods()
                        ? "socket LB skips it, but the pod's per-packet load balancer ("
                            + (s.envoyConfig() ? "enable-envoy-config=true" : "enable-sctp=true")
                            + ") translates it"
                        : lb));
      }
    };
  }

  /** Whether the address is one of the node's addresses. */
  static boolean isAddressOf(Node node, IPAddress address) {
    if (node == null) {
      return false;
    }
    String key = address.toCanonicalString();
    return node.addresses().stream().anyMatch(a -> key.equals(AddressBook.key(a.address())));
  }
}
