package dev.nodeipam.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeProperty;

/** Properties of the Node IPAM decision over random small clusters. */
class NodeIpamProperties {
  private static final List<String> ADDRESSES =
      List.of(
          "10.0.0.1",
          "10.0.0.2",
          "10.0.0.10",
          "42.0.0.2",
          "42.0.0.3",
          "fc00::2",
          "2001:0000::1",
          "2001::1",
          "fd00::a",
          "not-an-ip",
          "node.example");

  /** Node selectors: none, empty, valid ones, and one that is not valid. */
  private static final List<String> SELECTORS =
      Arrays.asList(
          null,
          "",
          "zone=a",
          "zone in (a,b)",
          "ingress-ready=true",
          "!ingress-ready",
          "zone notin (c),ingress-ready",
          "zone!=b",
          "zone in (a",
          "zone");

  private static final int MAX_NODES = 8;

  private NodeIpam ipam;

  @BeforeProperty
  void reference() {
    ipam = new NodeIpam(NodeIpamOptions.reference());
  }

  /** A node without its name; the name comes from its place in the cluster. */
  record NodeSpec(
      Map<String, String> labels,
      List<Node.NodeAddress> addresses,
      boolean deleting,
      boolean autoscalerTaint,
      String ready) {
    Node named(String name) {
      List<Node.Taint> taints =
          autoscalerTaint
              ? List.of(new Node.Taint(NodeEligibility.TO_BE_DELETED_TAINT, "1", "NoSchedule"))
              : List.of();
      return new Node(name, labels, addresses, taints, deleting, ready, false, List.of(), "prop");
    }
  }

  /** A small cluster around one Service. */
  record World(List<Node> nodes, Service service, List<EndpointSlice> slices) {}

  @Provide
  Arbitrary<NodeSpec> nodeSpecs() {
    Arbitrary<Map<String, String>> labels =
        Combinators.combine(
                Arbitraries.of("a", "b", "c", "-"),
                Arbitraries.of("true", "false", "-"),
                Arbitraries.of("", "false", "-", "-", "-", "-"))
            .as(
                (zone, ready, exclude) -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  if (!zone.equals("-")) {
                    m.put("zone", zone);
                  }
                  if (!ready.equals("-")) {
                    m.put("ingress-ready", ready);
                  }
                  if (!exclude.equals("-")) {
                    m.put(NodeEligibility.EXCLUDE_LABEL, exclude);
                  }
                  return m;
                });
    Arbitrary<Node.NodeAddress> address =
        Combinators.combine(
                Arbitraries.of("InternalIP", "InternalIP", "ExternalIP", "Hostname"),
                Arbitraries.of(ADDRESSES))
            .as(Node.NodeAddress::new);
    return Combinators.combine(
            labels,
            address.list().ofMaxSize(4),
            Arbitraries.integers().between(0, 9).map(i -> i == 0),
            Arbitraries.integers().between(0, 9).map(i -> i == 0),
            Arbitraries.of("True", "False", "Unknown"))
        .as(NodeSpec::new);
  }

  @Provide
  Arbitrary<World> worlds() {
    Arbitrary<List<Node>> nodes =
        nodeSpecs()
            .list()
            .ofMaxSize(MAX_NODES)
            .map(
                specs -> {
                  List<Node> out = new ArrayList<>();
                  for (int i = 0; i < specs.size(); i++) {
                    out.add(specs.get(i).named("node-" + i));
                  }
                  return out;
                });
    Arbitrary<Service> services =
        Combinators.combine(
                Arbitraries.of(SELECTORS),
                Arbitraries.of("Cluster", "Local", "Local"),
                Arbitraries.of(
                    List.of("IPv4"),
                    List.of("IPv6"),
                    List.of("IPv4", "IPv6"),
                    List.of("IPv6", "IPv4")),
                Arbitraries.of(
                    "io.cilium/node", "io.cilium/node", "io.cilium/node", "other", "none"))
            .as(NodeIpamProperties::service);
    Arbitrary<EndpointSlice.Endpoint> endpoints =
        Combinators.combine(
                Arbitraries.of(
                    "node-0", "node-1", "node-2", "node-3", "node-5", "node-7", "ghost", "none"),
                Arbitraries.of("true", "false", "absent"))
            .as(
                (node, ready) ->
                    new EndpointSlice.Endpoint(
                        List.of("10.244.0.9"),
                        ready.equals("absent") ? null : Boolean.valueOf(ready),
                        null,
                        null,
                        node.equals("none") ? null : node,
                        null));
    Arbitrary<List<EndpointSlice>> slices =
        endpoints
            .list()
            .ofMaxSize(6)
            .list()
            .ofMaxSize(2)
            .map(
                lists -> {
                  List<EndpointSlice> out = new ArrayList<>();
                  for (int i = 0; i < lists.size(); i++) {
                    out.add(
                        new EndpointSlice(
                            "default", "web-" + i, "web", "IPv4", lists.get(i), List.of(), "prop"));
                  }
                  return out;
                });
    return Combinators.combine(nodes, services, slices).as(World::new);
  }

  private static Service service(
      String selector, String etp, List<String> families, String lbClass) {
    Map<String, String> annotations =
        selector == null ? Map.of() : Map.of(ServiceAnnotations.MATCH_NODE_LABELS, selector);
    return new Service(
        "default",
        "web",
        Map.of(),
        annotations,
        "LoadBalancer",
        lbClass.equals("none") ? null : lbClass,
        etp,
        families,
        "SingleStack",
        List.of(),
        List.of(),
        List.of(new Service.ServicePort(null, "TCP", 80, PortRef.of(80), null)),
        Map.of("app", "web"),
        List.of(),
        false,
        "prop");
  }

  private IngressDecision decide(List<Node> nodes, World w) {
    return ipam.decide(w.service(), NodePool.of(nodes), w.slices());
  }

  @Property
  void aNodeUpdateNeverChangesTheResultOfAServiceWhoseCandidatesCannotContainIt(
      @ForAll("worlds") World world,
      @ForAll @IntRange(min = 0, max = MAX_NODES - 1) int which,
      @ForAll("nodeSpecs") NodeSpec change) {
    Assume.that(which < world.nodes().size());
    Node before = world.nodes().get(which);
    Node after = change.named(before.name());
    Assume.that(!ipam.mayInvolve(world.service(), before, world.slices()));
    Assume.that(!ipam.mayInvolve(world.service(), after, world.slices()));
    List<Node> changed = new ArrayList<>(world.nodes());
    changed.set(which, after);
    assertThat(decide(changed, world)).isEqualTo(decide(world.nodes(), world));
  }

  @Property
  void aNodeAddedOrDeletedThatCannotBeACandidateNeverChangesWhatIsPublished(
      @ForAll("worlds") World world,
      @ForAll @IntRange(min = 0, max = MAX_NODES - 1) int which,
      @ForAll("nodeSpecs") NodeSpec added) {
    // Deleting node "which" (if there is one), or adding a node of that name (if there is none).
    boolean delete = which < world.nodes().size();
    Node node = delete ? world.nodes().get(which) : added.named("node-" + which);
    Assume.that(!ipam.mayInvolve(world.service(), node, world.slices()));
    List<Node> changed = new ArrayList<>(world.nodes());
    if (delete) {
      changed.remove(which);
    } else {
      changed.add(node);
    }
    IngressDecision before = decide(world.nodes(), world);
    IngressDecision after = decide(changed, world);
    assertThat(after.handled()).isEqualTo(before.handled());
    assertThat(after.ingress()).isEqualTo(before.ingress());
    assertThat(after.error()).isEqualTo(before.error());
    assertThat(after.nodes()).isEqualTo(before.nodes());
  }

  @Property
  void thePublishedListIsSortedWithoutDuplicatesOfCandidateAddresses(
      @ForAll("worlds") World world) {
    IngressDecision d = decide(world.nodes(), world);
    Assume.that(d.ingress() != null);
    List<String> ingress = d.ingress();
    List<String> sorted = new ArrayList<>(ingress);
    Collections.sort(sorted);
    assertThat(ingress).isEqualTo(sorted);
    assertThat(new HashSet<>(ingress)).hasSameSizeAs(ingress);
    Map<String, Node> byName = new HashMap<>();
    world.nodes().forEach(n -> byName.put(n.name(), n));
    Set<String> candidateAddresses = new HashSet<>();
    for (String name : d.nodes()) {
      byName.get(name).addresses().stream()
          .filter(a -> a.type().equals("InternalIP") || a.type().equals("ExternalIP"))
          .forEach(a -> candidateAddresses.add(a.address()));
    }
    assertThat(candidateAddresses).containsAll(ingress);
    for (String ip : ingress) {
      assertThat(world.service().ipFamilies()).contains(IpText.family(ip) == 4 ? "IPv4" : "IPv6");
    }
  }

  @Property
  void theOrderOfTheNodesDoesNotMatter(@ForAll("worlds") World world) {
    List<Node> reversed = new ArrayList<>(world.nodes());
    Collections.reverse(reversed);
    assertThat(decide(reversed, world)).isEqualTo(decide(world.nodes(), world));
  }

  @Property(tries = 200)
  void aSharedPoolDecidesEveryServiceAsAFreshOneWould(
      @ForAll("worlds") World a, @ForAll("worlds") World b, @ForAll("worlds") World c) {
    // Three Services on a's nodes: ClusterPlan's memo across Services must not leak between them.
    List<Service> services =
        List.of(renamed(a.service(), "s1"), renamed(b.service(), "s2"), renamed(c.service(), "s3"));
    ClusterSnapshot.Builder snapshot = ClusterSnapshot.builder();
    a.nodes().forEach(snapshot::node);
    services.forEach(snapshot::service);
    List<ClusterPlan.Entry> plan =
        ClusterPlan.compute(snapshot.build(), NodeIpamOptions.reference());
    for (ClusterPlan.Entry e : plan) {
      IngressDecision fresh = ipam.decide(e.service(), NodePool.of(a.nodes()), List.of());
      assertThat(e.decision()).isEqualTo(fresh);
    }
  }

  private static Service renamed(Service s, String name) {
    return new Service(
        s.namespace(),
        name,
        s.labels(),
        s.annotations(),
        s.type(),
        s.loadBalancerClass(),
        s.externalTrafficPolicy(),
        s.ipFamilies(),
        s.ipFamilyPolicy(),
        s.clusterIps(),
        s.externalIps(),
        s.ports(),
        s.selector(),
        s.ingress(),
        s.deleting(),
        s.source());
  }
}
