package dev.nodeipam.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Everything the read-only commands know about a cluster, from YAML or from a live API server, as
 * immutable values. Policies (NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy)
 * are kept as plain trees for the policy model to read.
 */
public final class ClusterSnapshot {
  public static final String CILIUM_CONFIG_NAMESPACE = "kube-system";
  public static final String CILIUM_CONFIG_NAME = "cilium-config";

  private final List<Node> nodes;
  private final List<Service> services;
  private final List<EndpointSlice> endpointSlices;
  private final List<Pod> pods;
  private final List<Namespace> namespaces;
  private final List<Workload> workloads;
  private final List<RawObject> policies;
  private final List<RawObject> addressClaims;
  private final Map<String, String> ciliumConfig;
  private final List<DaemonSetImages> daemonSets;
  private final String ciliumConfigSource;

  private final Map<String, Node> nodesByName;
  private final Map<String, Service> servicesByKey;
  private final Map<String, List<EndpointSlice>> slicesByService;
  private final Map<String, Namespace> namespacesByName;
  private final Map<String, List<Pod>> podsByNamespace;
  /** Values derived from the nodes, pods and EndpointSlices, shared while those are. */
  private final Map<Class<?>, Object> derived;

  private ClusterSnapshot(Builder b) {
    ClusterSnapshot like = b.like;
    this.nodes = like == null ? List.copyOf(b.nodes) : same(like.nodes, b.nodes);
    this.services = List.copyOf(b.services);
    this.endpointSlices =
        like == null ? List.copyOf(b.endpointSlices) : same(like.endpointSlices, b.endpointSlices);
    this.pods = like == null ? List.copyOf(b.pods) : same(like.pods, b.pods);
    boolean shared = like != null && nodes == like.nodes && pods == like.pods
        && endpointSlices == like.endpointSlices;
    this.derived = shared ? like.derived : new ConcurrentHashMap<>();
    this.namespaces =
        like == null ? List.copyOf(b.namespaces) : same(like.namespaces, b.namespaces);
    this.workloads = List.copyOf(b.workloads);
    this.policies = List.copyOf(b.policies);
    this.addressClaims = List.copyOf(b.addressClaims);
    this.ciliumConfig = b.ciliumConfig == null ? null : Map.copyOf(b.ciliumConfig);
    this.daemonSets = List.copyOf(b.daemonSets);
    this.ciliumConfigSource = b.ciliumConfigSource;

    Map<String, Service> byKey = new HashMap<>();
    services.forEach(s -> byKey.put(s.key(), s));
    this.servicesByKey = Collections.unmodifiableMap(byKey);
    // The indexes of the very same lists are the same: a changed Service re-indexes Services only.
    this.nodesByName = like != null && nodes == like.nodes ? like.nodesByName : byName(nodes);
    this.slicesByService = like != null && endpointSlices == like.endpointSlices
        ? like.slicesByService : byService(endpointSlices);
    this.namespacesByName = like != null && namespaces == like.namespaces
        ? like.namespacesByName : byNamespaceName(namespaces);
    if (shared) {
      this.podsByNamespace = like.podsByNamespace;
      return;
    }
    Map<String, List<Pod>> podsNs = new HashMap<>();
    pods.forEach(p -> podsNs.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p));
    podsNs.replaceAll((k, v) -> List.copyOf(v));
    this.podsByNamespace = Collections.unmodifiableMap(podsNs);
  }

  private static Map<String, Node> byName(List<Node> nodes) {
    Map<String, Node> byName = new HashMap<>();
    nodes.forEach(n -> byName.put(n.name(), n));
    return Collections.unmodifiableMap(byName);
  }

  private static Map<String, List<EndpointSlice>> byService(List<EndpointSlice> endpointSlices) {
    Map<String, List<EndpointSlice>> slices = new HashMap<>();
    for (EndpointSlice slice : endpointSlices) {
      if (slice.serviceName() != null) {
        slices
            .computeIfAbsent(slice.namespace() + "/" + slice.serviceName(), k -> new ArrayList<>())
            .add(slice);
      }
    }
    slices.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(slices);
  }

  private static Map<String, Namespace> byNamespaceName(List<Namespace> namespaces) {
    Map<String, Namespace> ns = new HashMap<>();
    namespaces.forEach(n -> ns.put(n.name(), n));
    return Collections.unmodifiableMap(ns);
  }

  /** {@code mine}, as the list of {@code like} when it holds the very same objects in order. */
  private static <T> List<T> same(List<T> like, List<T> mine) {
    if (like.size() != mine.size()) {
      return List.copyOf(mine);
    }
    for (int i = 0; i < like.size(); i++) {
      if (like.get(i) != mine.get(i)) {
        return List.copyOf(mine);
      }
    }
    return like;
  }

  /**
   * A value computed from this snapshot's nodes, pods and EndpointSlices alone (never its
   * Services, policies or settings), once: it is shared with every snapshot built {@link
   * Builder#like like} this one that holds the very same nodes, pods and EndpointSlices (a
   * Service's change or its planned status, judged against a cluster of thousands of pods).
   *
   * @param kind the value's class, its key
   */
  public <T> T derived(Class<T> kind, Function<ClusterSnapshot, T> compute) {
    return kind.cast(derived.computeIfAbsent(kind, k -> compute.apply(this)));
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ClusterSnapshot empty() {
    return builder().build();
  }

  /**
   * A builder holding every object and setting of this snapshot: the one way to copy it, so that a
   * new component cannot be dropped by a copy. Add to it, or replace one kind's list.
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.like = this;
    b.nodes.addAll(nodes);
    b.services.addAll(services);
    b.endpointSlices.addAll(endpointSlices);
    b.pods.addAll(pods);
    b.namespaces.addAll(namespaces);
    b.workloads.addAll(workloads);
    b.policies.addAll(policies);
    b.addressClaims.addAll(addressClaims);
    b.ciliumConfig = ciliumConfig;
    b.daemonSets.addAll(daemonSets);
    b.ciliumConfigSource = ciliumConfigSource;
    return b;
  }

  public List<Node> nodes() {
    return nodes;
  }

  public List<Service> services() {
    return services;
  }

  public List<EndpointSlice> endpointSlices() {
    return endpointSlices;
  }

  /** Pods, including the template pods that stand for workloads whose pods the input lacks. */
  public List<Pod> pods() {
    return pods;
  }

  public List<Namespace> namespaces() {
    return namespaces;
  }

  public List<Workload> workloads() {
    return workloads;
  }

  /** NetworkPolicies, CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies. */
  public List<RawObject> policies() {
    return policies;
  }

  /**
   * Objects that claim addresses for load balancing or egress, read for NODE_ADDRESS_COLLISION:
   * CiliumLoadBalancerIPPools, Gateways and CiliumEgressGatewayPolicies, as plain trees.
   */
  public List<RawObject> addressClaims() {
    return addressClaims;
  }

  /** The data of {@code kube-system/cilium-config}, if the input has it. */
  public Optional<Map<String, String>> ciliumConfig() {
    return Optional.ofNullable(ciliumConfig);
  }

  /** Where {@code kube-system/cilium-config} was read (a file and line, or a server), if known. */
  public Optional<String> ciliumConfigSource() {
    return Optional.ofNullable(ciliumConfigSource);
  }

  /** Every DaemonSet's images: where the Cilium agent's release is read from. */
  public List<DaemonSetImages> daemonSets() {
    return daemonSets;
  }

  public Optional<Node> node(String name) {
    return Optional.ofNullable(nodesByName.get(name));
  }

  public Optional<Service> service(String namespace, String name) {
    return Optional.ofNullable(servicesByKey.get(namespace + "/" + name));
  }

  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespacesByName.get(name));
  }

  /** The slices labelled {@code kubernetes.io/service-name=<name>} in the Service's namespace. */
  public List<EndpointSlice> slicesOf(String namespace, String serviceName) {
    return slicesByService.getOrDefault(namespace + "/" + serviceName, List.of());
  }

  public List<Pod> podsIn(String namespace) {
    return podsByNamespace.getOrDefault(namespace, List.of());
  }

  /** Collects the objects of a snapshot; not thread-safe, used once. */
  public static final class Builder {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> endpointSlices = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final List<Namespace> namespaces = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final List<RawObject> policies = new ArrayList<>();
    private final List<RawObject> addressClaims = new ArrayList<>();
    private Map<String, String> ciliumConfig;
    private final List<DaemonSetImages> daemonSets = new ArrayList<>();
    private String ciliumConfigSource;
    private ClusterSnapshot like;

    /**
     * Builds a snapshot that shares {@code other}'s lists of nodes, pods and EndpointSlices (and
     * what is {@link ClusterSnapshot#derived derived} from them) where this one holds the very
     * same objects: set by {@link ClusterSnapshot#toBuilder}.
     */
    public Builder like(ClusterSnapshot other) {
      like = other;
      return this;
    }

    public Builder ciliumConfigSource(String source) {
      ciliumConfigSource = source;
      return this;
    }

    public Builder daemonSet(DaemonSetImages images) {
      daemonSets.add(images);
      return this;
    }

    public Builder node(Node node) {
      nodes.add(node);
      return this;
    }

    /** Replaces the nodes held so far. */
    public Builder nodes(List<Node> replacement) {
      nodes.clear();
      nodes.addAll(replacement);
      return this;
    }

    public Builder service(Service service) {
      services.add(service);
      return this;
    }

    /** Replaces the Services held so far. */
    public Builder services(List<Service> replacement) {
      services.clear();
      services.addAll(replacement);
      return this;
    }

    public Builder endpointSlice(EndpointSlice slice) {
      endpointSlices.add(slice);
      return this;
    }

    public Builder pod(Pod pod) {
      pods.add(pod);
      return this;
    }

    public Builder namespace(Namespace namespace) {
      namespaces.add(namespace);
      return this;
    }

    /** Replaces the namespaces held so far. */
    public Builder namespaces(List<Namespace> replacement) {
      namespaces.clear();
      namespaces.addAll(replacement);
      return this;
    }

    public Builder workload(Workload workload) {
      workloads.add(workload);
      return this;
    }

    public Builder policy(RawObject policy) {
      policies.add(policy);
      return this;
    }

    /** Replaces the policies held so far. */
    public Builder policies(List<RawObject> replacement) {
      policies.clear();
      policies.addAll(replacement);
      return this;
    }

    public Builder addressClaim(RawObject claim) {
      addressClaims.add(claim);
      return this;
    }

    public Builder ciliumConfig(Map<String, String> data) {
      ciliumConfig = data;
      return this;
    }

    public ClusterSnapshot build() {
      return new ClusterSnapshot(this);
    }
  }
}
