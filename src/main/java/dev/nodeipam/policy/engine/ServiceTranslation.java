package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Translation.Frontend;
import dev.nodeipam.policy.explanation.TranslationReason;
import dev.nodeipam.policy.explanation.TranslationReason.Balancer;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.TranslationReason.Where;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Service translation happens (section 2 of the policy model): whether Cilium rewrites a
 * Service frontend to a backend before policy sees the flow, for this client under these settings.
 */
public final class ServiceTranslation {
  /** A frontend address of a Service. */
  record FrontendAddress(Service service, Frontend kind, String ipMode) {}

  /** A frontend that the flow's address and port hit. */
  public record Hit(Service service, Service.ServicePort port, Frontend kind, String ipMode) {
    /**
     * The frontend entry hit, as a value: Service, port, kind and ipMode. Two addresses with the
     * same entry are translated alike for a client off their nodes.
     */
    public List<Object> entry() {
      return List.of(service.key(), port.port(), kind, String.valueOf(ipMode));
    }
  }

  /** Most Services a translation is overlaid by: past that, the table is made again. */
  private static final int OVERLAID = 64;

  private final Map<String, List<FrontendAddress>> frontends;
  private final Map<Integer, Service> nodePorts = new HashMap<>();
  private final List<Service> services;
  private final OnNodes on;
  private final Set<String> nodeAddresses;
  private final Map<String, Node> nodeByAddress;
  private final Map<String, List<HostPortHit>> hostPorts;

  /** A pod's container port exposed as a hostPort on its node, hit on an address of that node. */
  public record HostPortHit(Pod pod, Pod.ContainerPort port, Node node) {}

  ServiceTranslation(ClusterSnapshot snapshot) {
    this(snapshot, null);
  }

  /**
   * @param like a translation of a snapshot with the very same nodes and pods, whose Services
   *     are these but in a few places (one changed, some given planned statuses), or null: its
   *     table is copied and the entries of those places replaced, in the order a table made
   *     from scratch lists them (by Service, then ClusterIPs, externalIPs, load balancer
   *     addresses), so that a conflict at an address has the same winner
   */
  ServiceTranslation(ClusterSnapshot snapshot, ServiceTranslation like) {
    // Read from nodes and pods alone: shared by the snapshots of one Service's change.
    this.on = snapshot.derived(OnNodes.class, OnNodes::of);
    this.nodeAddresses = on.nodeAddresses();
    this.nodeByAddress = on.nodeByAddress();
    this.hostPorts = on.hostPorts();
    this.services = snapshot.services();
    for (Service s : services) {
      if (s.ports().stream().anyMatch(p -> p.nodePort() != null)
          && s.type() != ServiceType.EXTERNAL_NAME && DatapathServices.hasFrontends(s)) {
        for (Service.ServicePort p : s.ports()) {
          if (p.nodePort() != null) {
            nodePorts.putIfAbsent(p.nodePort(), s);
          }
        }
      }
    }
    Map<String, List<FrontendAddress>> overlaid = like == null || like.on != on ? null
        : overlay(like, services);
    if (overlaid != null) {
      this.frontends = overlaid;
      return;
    }
    this.frontends = new HashMap<>();
    // Node IPAM Services publish the same node address texts over and over: each is read once.
    Map<String, String> keyOf = new HashMap<>();
    for (Service s : services) {
      for (Map.Entry<String, FrontendAddress> e : entriesOf(s, keyOf)) {
        frontends.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
      }
    }
  }

  /** {@code like}'s table with the entries of the Services that differ replaced; else null. */
  private static Map<String, List<FrontendAddress>> overlay(ServiceTranslation like,
      List<Service> services) {
    List<Service> theirs = like.services;
    if (theirs.size() != services.size()) {
      return null;
    }
    List<Integer> differ = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      if (theirs.get(i) != services.get(i)) {
        if (differ.size() == OVERLAID) {
          return null;
        }
        differ.add(i);
      }
    }
    Map<Service, Integer> index = new IdentityHashMap<>();
    for (int i = 0; i < services.size(); i++) {
      index.put(services.get(i), i);
    }
    Set<Service> replaced = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<String, String> keyOf = new HashMap<>();
    Set<String> touched = new LinkedHashSet<>();
    for (int i : differ) {
      if (index.containsKey(theirs.get(i))) {
        return null;
      }
      replaced.add(theirs.get(i));
      entriesOf(theirs.get(i), keyOf).forEach(e -> touched.add(e.getKey()));
      entriesOf(services.get(i), keyOf).forEach(e -> touched.add(e.getKey()));
    }
    Map<String, List<FrontendAddress>> out = new HashMap<>(like.frontends);
    for (String key : touched) {
      // Entries by their Service's place; a Service's own entries keep their order.
      List<Map.Entry<Integer, FrontendAddress>> merged = new ArrayList<>();
      for (FrontendAddress f : like.frontends.getOrDefault(key, List.of())) {
        if (!replaced.contains(f.service())) {
          merged.add(Map.entry(index.get(f.service()), f));
        }
      }
      for (int i : differ) {
        for (Map.Entry<String, FrontendAddress> e : entriesOf(services.get(i), keyOf)) {
          if (e.getKey().equals(key)) {
            merged.add(Map.entry(i, e.getValue()));
          }
        }
      }
      merged.sort(Map.Entry.comparingByKey());
      if (merged.isEmpty()) {
        out.remove(key);
      } else {
        out.put(key, new ArrayList<>(merged.stream().map(Map.Entry::getValue).toList()));
      }
    }
    return out;
  }

  /** Every frontend address (by {@link AddressBook#key}) and its Services' entries, in order. */
  Map<String, List<FrontendAddress>> frontends() {
    return Collections.unmodifiableMap(frontends);
  }

  /**
   * A Service's frontend addresses by {@link AddressBook#key}, in the table's order.
   *
   * @param keyOf the keys of address texts read so far (added to)
   */
  private static List<Map.Entry<String, FrontendAddress>> entriesOf(Service s,
      Map<String, String> keyOf) {
    List<Map.Entry<String, FrontendAddress>> out = new ArrayList<>();
    if (s.type() == ServiceType.EXTERNAL_NAME || !DatapathServices.hasFrontends(s)) {
      return out;
    }
    s.clusterIps().forEach(ip ->
        add(out, ip, new FrontendAddress(s, Frontend.CLUSTER_IP, null), keyOf));
    s.externalIps().forEach(ip ->
        add(out, ip, new FrontendAddress(s, Frontend.EXTERNAL_IP, null), keyOf));
    if (s.type() == ServiceType.LOAD_BALANCER) {
      // One value per (Service, ipMode), shared by its addresses: a Node IPAM Service
      // publishes thousands of node addresses.
      Map<String, FrontendAddress> byMode = new HashMap<>();
      for (Service.LoadBalancerIngress in : s.ingress()) {
        if (in.ip() != null) {
          add(out, in.ip(), byMode.computeIfAbsent(String.valueOf(in.ipMode()),
              m -> new FrontendAddress(s, Frontend.LOAD_BALANCER, in.ipMode())), keyOf);
        }
      }
    }
    return out;
  }

  /**
   * What translation reads of the nodes and pods: every node address (by {@link AddressBook#key}),
   * its node, and the pods' hostPorts by node, port and protocol.
   */
  private record OnNodes(Set<String> nodeAddresses, Map<String, Node> nodeByAddress,
      Map<String, List<HostPortHit>> hostPorts) {
    static OnNodes of(ClusterSnapshot snapshot) {
      Set<String> nodeAddresses = new HashSet<>();
      Map<String, Node> nodeByAddress = new HashMap<>();
      Map<String, List<HostPortHit>> hostPorts = new HashMap<>();
      for (Node n : snapshot.nodes()) {
        for (Node.NodeAddress a : n.addresses()) {
          String key = AddressBook.key(a.address());
          if (key != null) {
            nodeAddresses.add(key);
            nodeByAddress.putIfAbsent(key, n);
          }
        }
      }
      for (Pod p : snapshot.pods()) {
        // A hostNetwork pod listens on the node itself: there is nothing to translate.
        if (p.isItsNode() || p.deleting() || p.nodeName() == null) {
          continue;
        }
        Node n = snapshot.node(p.nodeName()).orElse(null);
        for (Pod.ContainerPort cp : p.ports()) {
          if (n != null && cp.hostPort() != null) {
            String proto =
                cp.protocol() == null ? "TCP" : cp.protocol().toUpperCase(Locale.ROOT);
            hostPorts.computeIfAbsent(n.name() + "|" + cp.hostPort() + "|" + proto,
                k -> new ArrayList<>()).add(new HostPortHit(p, cp, n));
          }
        }
      }
      return new OnNodes(Set.copyOf(nodeAddresses), Map.copyOf(nodeByAddress),
          Map.copyOf(hostPorts));
    }
  }

  private static void add(List<Map.Entry<String, FrontendAddress>> out, String ip,
      FrontendAddress f, Map<String, String> keyOf) {
    String key = keyOf.computeIfAbsent(ip, AddressBook::key);
    if (key != null) {
      out.add(Map.entry(key, f));
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

  /**
   * A hostPort the flow hits: the address is a node's and a pod on that node exposes the port
   * there (its {@code hostIP} unset, a wildcard, or this address).
   */
  public Optional<HostPortHit> hostPortHit(IPAddress address, int port, Protocol protocol) {
    String key = address.toCanonicalString();
    Node n = nodeByAddress.get(key);
    if (n == null) {
      return Optional.empty();
    }
    for (HostPortHit h : hostPorts.getOrDefault(n.name() + "|" + port + "|" + protocol.name(),
        List.of())) {
      String ip = h.port().hostIp();
      if (ip == null || "0.0.0.0".equals(ip) || "::".equals(ip)
          || key.equals(AddressBook.key(ip))) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /**
   * A hostPort on a node address, as the datapath treats it. With kube-proxy replacement the
   * agent installs HostPort frontends for its node's addresses: socket LB finds them by a
   * wildcard lookup restricted to the host's own addresses ({@code sock4_wildcard_lookup_full},
   * remote hosts excluded for ports outside the NodePort range) and skips a HostPort frontend
   * whose address is not the host's ({@code sock4_skip_xlate}, {@code bpf/bpf_sock.c}); the
   * pod's per-packet load balancer has only its node's frontends too. So only the client's own
   * node's address is translated; another node's is left to that node.
   */
  public static Translation decideHostPort(HostPortHit h, boolean onClientNode,
      DatapathSettings s) {
    TranslationReason.HostPort what = new TranslationReason.HostPort(h.port().hostPort(),
        h.pod().key(), h.port().port(), h.node().name());
    Where where = onClientNode ? Where.CLIENT_NODE : Where.OTHER_NODE;
    Kind kind = !s.kubeProxyReplacement() ? Kind.HOST_PORT_NO_KPR
        : onClientNode ? Kind.HOST_PORT_CLIENT_NODE
        : Kind.HOST_PORT_OTHER_NODE;
    Balancer balancer = kind == Kind.HOST_PORT_CLIENT_NODE ? podBalancer(s) : null;
    return new Translation(kind == Kind.HOST_PORT_CLIENT_NODE, null, Frontend.HOST_PORT,
        h.port().hostPort(), TranslationReason.hostPort(kind, what, where, balancer));
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

  /** An address that is some Service's frontend, but not for the flow's port and protocol. */
  static Translation otherPort(Flow flow, Service other) {
    return Translation.none(TranslationReason.otherPort(String.valueOf(flow.address()),
        other.key(), flow.port(), String.valueOf(flow.protocol())));
  }

  /** An address that is no Service's frontend. */
  static Translation noFrontend(Flow flow) {
    return Translation.none(TranslationReason.noFrontend(String.valueOf(flow.address())));
  }

  /**
   * The translation table, row by row.
   *
   * @param onClientNode whether the address is an address of the client's own node
   * @param clientNodeKnown whether the client's node is known
   * @param hostClient whether the client is a hostNetwork pod (no per-packet load balancer of
   *     its own: socket LB in the host namespace translates for it)
   */
  public static Translation decide(Hit hit, boolean onClientNode, boolean clientNodeKnown,
      boolean hostClient, DatapathSettings s) {
    return switch (hit.kind()) {
      case HOST_PORT -> throw new IllegalArgumentException("a hostPort is no Service frontend");
      case NODE_PORT -> nodePort(hit, onClientNode, clientNodeKnown, hostClient, s);
      case CLUSTER_IP -> s.kubeProxyReplacement()
          ? translation(true, hit, Kind.CLUSTER_IP, null, podBalancer(s))
          : translation(true, hit, Kind.CLUSTER_IP_NO_KPR, null, null);
      case LOAD_BALANCER -> loadBalancer(hit, s);
      case EXTERNAL_IP -> externalIp(hit, onClientNode, clientNodeKnown, s);
    };
  }

  /**
   * Whether a client on the node that owns the frontend's address gets exactly the translation a
   * client on another known node gets, translated for both. Of the table's rows only externalIPs
   * (socket LB's CVE-2020-8554 mitigation translates them on the owning node only) and NodePorts
   * (whose reason names the node) read where the client is; a LoadBalancer address, Node IPAM's
   * included, is translated alike wherever the client runs (section 2 of the policy model).
   */
  public static boolean sameOnOwningNode(Hit hit, DatapathSettings s) {
    if (hit.kind() == Frontend.HOST_PORT) {
      return false;
    }
    // Pod clients and hostNetwork clients alike: the NodePort row differs between them.
    for (boolean hostClient : new boolean[] {false, true}) {
      Translation on = decide(hit, true, true, hostClient, s);
      if (!on.translated() || !on.equals(decide(hit, false, true, hostClient, s))) {
        return false;
      }
    }
    return true;
  }

  private static Translation translation(
      boolean translated, Hit hit, Kind kind, Where where, Balancer balancer) {
    Integer port = hit.kind() == Frontend.NODE_PORT ? hit.port().nodePort() : null;
    return new Translation(translated, hit.service().key(), hit.kind(), hit.port().port(),
        TranslationReason.service(kind, hit.service().key(), port, where, balancer));
  }

  /** A row that names the Cilium release: 1.19+ installs the frontend without kube-proxy. */
  private static Translation release(Hit hit, Kind kind, DatapathSettings s) {
    return new Translation(true, hit.service().key(), hit.kind(), hit.port().port(),
        TranslationReason.release(kind, hit.service().key(), String.valueOf(s.version())));
  }

  /** Which load balancer translates a frontend for pods. */
  private static Balancer podBalancer(DatapathSettings s) {
    return s.socketLbForPods() ? Balancer.SOCKET_LB
        : s.socketLb() ? Balancer.POD_HOSTNS_ONLY
        : Balancer.POD_NO_SOCKET_LB;
  }

  /**
   * A nodePort on a node address. Socket LB for pods finds it by its wildcard lookup in every
   * release. Without it (socket LB off, or host-namespace only) the pod's per-packet load
   * balancer has an exact NodePort frontend for each of its own node's addresses (the
   * {@code 1.1.1.1:30781 NodePort} entry of {@code pkg/loadbalancer/tests/testdata/nodeport.txtar})
   * but, before Cilium 1.20, no wildcard lookup for another node's: that node's NodePort load
   * balancer translates it. From 1.20 the pod's load balancer does the wildcard lookup for
   * non-DSR services too (cilium/cilium#44507; upgrade notes, "Changes to Features").
   */
  private static Translation nodePort(Hit hit, boolean onClientNode, boolean clientNodeKnown,
      boolean hostClient, DatapathSettings s) {
    if (!s.kubeProxyReplacement()) {
      return translation(false, hit, Kind.NODE_PORT_NO_KPR, null, null);
    }
    Where where = onClientNode ? Where.CLIENT_NODE
        : clientNodeKnown ? Where.OTHER_NODE : Where.UNKNOWN_NODE;
    if (!onClientNode && !hostClient && !s.socketLbForPods() && !s.version().atLeast(1, 20)) {
      return new Translation(false, hit.service().key(), hit.kind(), hit.port().port(),
          TranslationReason.nodePortRelease(Kind.NODE_PORT_AT_NODE, hit.service().key(),
              hit.port().nodePort(), where, podBalancer(s), String.valueOf(s.version())));
    }
    return translation(true, hit, Kind.NODE_PORT,
        onClientNode ? Where.CLIENT_NODE : Where.OTHER_NODE,
        hostClient && s.socketLb() ? Balancer.SOCKET_LB : podBalancer(s));
  }

  private static Translation loadBalancer(Hit hit, DatapathSettings s) {
    if ("Proxy".equals(hit.ipMode())) {
      return translation(false, hit, Kind.LOAD_BALANCER_PROXY, null, null);
    }
    if (!s.kubeProxyReplacement() && !s.externalFrontendsWithoutKpr()) {
      return translation(false, hit, Kind.LOAD_BALANCER_NO_KPR, null, null);
    }
    if (!s.kubeProxyReplacement()) {
      return release(hit, Kind.LOAD_BALANCER_WITHOUT_KPR, s);
    }
    return translation(true, hit, Kind.LOAD_BALANCER, null, podBalancer(s));
  }

  private static Translation externalIp(
      Hit hit, boolean onClientNode, boolean clientNodeKnown, DatapathSettings s) {
    if (!s.kubeProxyReplacement() && s.externalFrontendsWithoutKpr()) {
      return release(hit, Kind.EXTERNAL_IP_WITHOUT_KPR, s);
    }
    if (!s.kubeProxyReplacement()) {
      return translation(false, hit, Kind.EXTERNAL_IP_NO_KPR, null, null);
    }
    if (onClientNode) {
      return translation(true, hit, Kind.EXTERNAL_IP_CLIENT_NODE, Where.CLIENT_NODE,
          podBalancer(s));
    }
    Where where = clientNodeKnown ? Where.OTHER_NODE : Where.UNKNOWN_NODE;
    // Per-packet LB in the pod's datapath (bpf_lxc.c ENABLE_PER_PACKET_LB: socket LB not
    // full, host-namespace only, enable-envoy-config or enable-sctp) translates what socket LB
    // skipped.
    if (!s.perPacketLbAtPod() && !s.externalIpMitigationDisabled()) {
      return translation(false, hit, Kind.EXTERNAL_IP_MITIGATED, where, null);
    }
    Balancer balancer = !s.perPacketLbAtPod() ? Balancer.SOCKET_LB_MITIGATION_DISABLED
        : !s.socketLbForPods() ? podBalancer(s)
        : s.envoyConfig() ? Balancer.POD_ENVOY
        : Balancer.POD_SCTP;
    return translation(true, hit, Kind.EXTERNAL_IP, where, balancer);
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
