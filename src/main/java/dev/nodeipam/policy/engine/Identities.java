package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The identity of a pod, and of an address that is not translated (section 3 of the policy model):
 * a pod's IP is that pod; an address of the client's own node is {@code host}, of another node
 * {@code remote-node} (plus {@code kube-apiserver} where the API server runs); anything else is
 * {@code world}.
 */
public final class Identities {
  public static final String NAMESPACE = "io.kubernetes.pod.namespace";
  public static final String NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";
  public static final String SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";
  public static final String CLUSTER = "io.cilium.k8s.policy.cluster";

  private final ClusterSnapshot snapshot;
  private final AddressBook book;
  /**
   * A pod's identity at its first address under what the settings give it (the release's label
   * filter, the cluster name, split world): asked again for every flow the pod is in (a diff asks
   * a source class at every address of a finding, and every backend of a Service each time), and
   * filtering the labels through the agent's label filter is the costly part.
   */
  private final Map<PodKey, Identity> ofPod = new ConcurrentHashMap<>();

  /** One pod object (by reference: pods are values, hashing one reads all its fields). */
  private record PodKey(Pod pod, CiliumVersion version, String cluster, boolean splitWorld) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PodKey k && k.pod == pod && k.version.equals(version)
          && Objects.equals(k.cluster, cluster) && k.splitWorld == splitWorld;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(pod) * 31 + Objects.hash(version, cluster, splitWorld);
    }
  }

  private final EngineCache cache;

  Identities(ClusterSnapshot snapshot, AddressBook book, EngineCache cache) {
    this.snapshot = snapshot;
    this.book = book;
    this.cache = cache;
  }

  /**
   * A pod's identity: its labels, namespace, namespace labels, service account and cluster. A
   * hostNetwork pod has no identity of its own: it is its node, seen from {@code viewerNode}.
   */
  public Identity ofPod(Pod pod, String viewerNode, DatapathSettings s) {
    return ofPod(pod, viewerNode, s, null);
  }

  /**
   * How a receiver on {@code viewerNode} sees {@code source} (identity {@code own}): a client that
   * is its node ({@link Pod#isItsNode}) is host on the same node, else remote-node.
   */
  public Identity seenFrom(Pod source, Identity own, String viewerNode, DatapathSettings s) {
    return source.isItsNode() ? ofPod(source, viewerNode, s) : own;
  }

  /** A pod's identity, reached at {@code address} (null: its first address). */
  Identity ofPod(Pod pod, String viewerNode, DatapathSettings s, IPAddress reachedAt) {
    if (pod.isItsNode()) {
      Node node = pod.nodeName() == null ? null : snapshot.node(pod.nodeName()).orElse(null);
      boolean same = pod.nodeName() != null && pod.nodeName().equals(viewerNode);
      return node(same, node, null, pod, s);
    }
    Identity own = ofPod.computeIfAbsent(
        new PodKey(pod, s.version(), s.clusterName(), s.splitWorld()),
        k -> new Identity(Identity.Kind.POD, podLabels(pod, s), Set.of(),
            pod.ips().isEmpty() ? null : IpText.parse(pod.ips().get(0)), pod, null,
            s.splitWorld()));
    return reachedAt == null || reachedAt.equals(own.address()) ? own
        : new Identity(Identity.Kind.POD, own.labels(), Set.of(), reachedAt, pod, null,
            s.splitWorld());
  }

  /** The labels of a pod's identity. */
  private Map<String, String> podLabels(Pod pod, DatapathSettings s) {
    // Only the labels the agent's label filter keeps are part of the identity.
    Map<String, String> out = new HashMap<>(cache.identityLabels(pod.labels(), s.version()));
    out.put(NAMESPACE, pod.namespace());
    Map<String, String> nsLabels =
        snapshot.namespace(pod.namespace()).map(Namespace::labels).orElse(Map.of());
    nsLabels.forEach((k, v) -> out.put(NAMESPACE_LABELS + k, v));
    out.put(
        SERVICE_ACCOUNT,
        pod.serviceAccount() == null || pod.serviceAccount().isEmpty()
            ? "default"
            : pod.serviceAccount());
    out.put(CLUSTER, s.clusterName());
    return out;
  }

  /** The identity of an address policy sees as itself, from a client on {@code clientNode}. */
  public Identity ofAddress(IPAddress address, String clientNode, DatapathSettings s) {
    var pod = book.pod(address);
    if (pod.isPresent()) {
      return ofPod(pod.get(), clientNode, s, address);
    }
    var node = book.node(address);
    if (node.isPresent()) {
      return node(node.get().name().equals(clientNode), node.get(), address, null, s);
    }
    if (book.isApiServer(address)) {
      // An API server outside the cluster: kube-apiserver, and still a world address.
      return new Identity(
          Identity.Kind.KUBE_APISERVER,
          reservedLabels(Set.of("kube-apiserver", "world")),
          Set.of("kube-apiserver", "world"),
          address,
          null,
          null,
          s.splitWorld());
    }
    return world(address, s);
  }

  /** A node's identity seen from {@code viewerNode}: host there, remote-node elsewhere. */
  Identity ofNode(Node node, String viewerNode, DatapathSettings s) {
    return node(node.name().equals(viewerNode), node, null, null, s);
  }

  /** The world identity of an address: what a CIDR rule's author pictures. */
  public Identity world(IPAddress address, DatapathSettings s) {
    return worldOf(address, s);
  }

  /**
   * The world identity of an address under the settings ({@code reserved:world}, plus {@code
   * reserved:world-ipv4} or {@code reserved:world-ipv6} where world is split by family): it
   * depends on nothing but the address's family and the settings.
   */
  public static Identity worldOf(IPAddress address, DatapathSettings s) {
    Set<String> reserved = new LinkedHashSet<>();
    reserved.add("world");
    if (s.splitWorld()) {
      reserved.add(address.isIPv4() ? "world-ipv4" : "world-ipv6");
    }
    return new Identity(
        Identity.Kind.WORLD,
        reservedLabels(reserved),
        reserved,
        address,
        null,
        null,
        s.splitWorld());
  }

  private Identity node(boolean own, Node node, IPAddress address, Pod pod, DatapathSettings s) {
    IPAddress a = address;
    if (a == null && node != null) {
      a =
          node.addresses().stream()
              .map(x -> IpText.parse(x.address()))
              .filter(x -> x != null)
              .findFirst()
              .orElse(null);
    }
    Set<String> reserved = new LinkedHashSet<>();
    reserved.add(own ? "host" : "remote-node");
    if (a != null && book.isApiServer(a)) {
      reserved.add("kube-apiserver");
    }
    return new Identity(
        own ? Identity.Kind.HOST : Identity.Kind.REMOTE_NODE,
        reservedLabels(reserved),
        reserved,
        a,
        pod,
        node,
        s.splitWorld());
  }

  private static Map<String, String> reservedLabels(Set<String> names) {
    Map<String, String> out = new HashMap<>();
    names.forEach(n -> out.put("reserved:" + n, ""));
    return out;
  }
}
