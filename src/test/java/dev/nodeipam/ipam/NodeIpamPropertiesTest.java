package dev.nodeipam.ipam;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import dev.nodeipam.testing.Coverage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Properties of the Node IPAM decision over random small clusters, and of the controller's routing
 * of node events (E3): a Service a node event is not routed to keeps its result.
 */
class NodeIpamPropertiesTest {
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

  private final NodeIpam ipam = new NodeIpam(NodeIpamOptions.reference());

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
      return Node.builder()
          .name(name)
          .labels(labels)
          .addresses(addresses)
          .taints(taints)
          .deleting(deleting)
          .ready(ready)
          .unschedulable(false)
          .podCidrs(List.of())
          .source("prop")
          .build();
    }
  }

  /** A small cluster around one Service. */
  record World(List<Node> nodes, Service service, List<EndpointSlice> slices) {}

  static Gen<NodeSpec> nodeSpecs() {
    Gen<Map<String, String>> labels =
        pick(List.of("a", "b", "c", "-"))
            .zip(
                pick(List.of("true", "false", "-")),
                pick(List.of("", "false", "-", "-", "-", "-")),
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
    Gen<Node.NodeAddress> address =
        pick(List.of("InternalIP", "InternalIP", "ExternalIP", "Hostname"))
            .zip(pick(ADDRESSES), Node.NodeAddress::new);
    Gen<Boolean> oneInTen = range(0, 9).map(i -> i == 0);
    return labels.zip(
        lists().of(address).ofSizeBetween(0, 4),
        oneInTen,
        oneInTen,
        pick(List.of("True", "False", "Unknown")),
        NodeSpec::new);
  }

  static Gen<World> worlds() {
    Gen<List<Node>> nodes =
        lists()
            .of(nodeSpecs())
            .ofSizeBetween(0, MAX_NODES)
            .map(
                specs -> {
                  List<Node> out = new ArrayList<>();
                  for (int i = 0; i < specs.size(); i++) {
                    out.add(specs.get(i).named("node-" + i));
                  }
                  return out;
                });
    Gen<Service> services =
        pick(SELECTORS)
            .zip(
                pick(List.of(TrafficPolicy.CLUSTER, TrafficPolicy.LOCAL, TrafficPolicy.LOCAL)),
                pick(
                    List.of(
                        List.of(IpFamily.IPV4),
                        List.of(IpFamily.IPV6),
                        List.of(IpFamily.IPV4, IpFamily.IPV6),
                        List.of(IpFamily.IPV6, IpFamily.IPV4))),
                pick(
                    List.of("io.cilium/node", "io.cilium/node", "io.cilium/node", "other", "none")),
                NodeIpamPropertiesTest::service);
    Gen<EndpointSlice.Endpoint> endpoints =
        pick(List.of("node-0", "node-1", "node-2", "node-3", "node-5", "node-7", "ghost", "none"))
            .zip(
                pick(List.of("true", "false", "absent")),
                (node, ready) ->
                    new EndpointSlice.Endpoint(
                        List.of("10.244.0.9"),
                        ready.equals("absent") ? null : Boolean.valueOf(ready),
                        null,
                        null,
                        node.equals("none") ? null : node,
                        null));
    Gen<List<EndpointSlice>> slices =
        lists()
            .of(lists().of(endpoints).ofSizeBetween(0, 6))
            .ofSizeBetween(0, 2)
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
    return nodes.zip(services, slices, World::new);
  }

  private static Service service(
      String selector, TrafficPolicy etp, List<IpFamily> families, String lbClass) {
    Map<String, String> annotations =
        selector == null ? Map.of() : Map.of(ServiceAnnotations.MATCH_NODE_LABELS, selector);
    return Service.builder()
        .namespace("default")
        .name("web")
        .annotations(annotations)
        .type(ServiceType.LOAD_BALANCER)
        .loadBalancerClass(lbClass.equals("none") ? null : lbClass)
        .externalTrafficPolicy(etp)
        .ipFamilies(families)
        .ipFamilyPolicy(IpFamilyPolicy.SINGLE_STACK)
        .ports(List.of(new Service.ServicePort(null, "TCP", 80, PortRef.of(80), null)))
        .selector(Map.of("app", "web"))
        .source("prop")
        .build();
  }

  private IngressDecision decide(List<Node> nodes, World w) {
    return ipam.decide(w.service(), NodePool.of(nodes), w.slices());
  }

  /** The controller's routing of a node event (E3): the very predicate it queues Services by. */
  private boolean routed(World w, Node before, Node after) {
    return ipam.nodeEventMayAffect(w.service(), before, after, w::slices);
  }

  /** What the controller acts on: the status it writes, its error and its warnings. */
  private static List<Object> outcome(IngressDecision d) {
    return Arrays.asList(d.handled(), d.ingress(), d.ipMode(), d.error(), d.nodes(), d.warnings());
  }

  /** The controller owns the Service and can compute its status (no bad selector). */
  private static boolean reconciled(IngressDecision d) {
    return d.handled() && !d.isError();
  }

  @Test
  void aNodeUpdateNeverChangesTheResultOfAServiceWhoseCandidatesCannotContainIt() {
    Coverage coverage = new Coverage("aNodeUpdateNeverChangesTheResultOfAServiceWhoseCandidates"
        + "CannotContainIt");
    qt(1000)
        .forAll(worlds(), range(0, MAX_NODES - 1), nodeSpecs())
        .checkAssert(
            (world, index, change) -> {
              if (world.nodes().isEmpty()) {
                return;
              }
              int which = index % world.nodes().size();
              Node before = world.nodes().get(which);
              Node after = change.named(before.name());
              List<Node> changed = new ArrayList<>(world.nodes());
              changed.set(which, after);
              coverage.sample();
              boolean routed = routed(world, before, after);
              coverage.count("not routed", !routed);
              if (routed) {
                coverage.count("routed, result changes",
                    !outcome(decide(changed, world)).equals(outcome(decide(world.nodes(), world))));
                return;
              }
              coverage.count("not routed, the node changes", !before.equals(after));
              coverage.count("not routed, Service reconciled", reconciled(decide(changed, world)));
              assertThat(decide(changed, world)).isEqualTo(decide(world.nodes(), world));
            });
    // Not vacuous: many updates are routed away, and updates that are routed do change results.
    coverage.requireShare("not routed", 0.15).requireShare("not routed, the node changes", 0.1)
        .requireShare("not routed, Service reconciled", 0.1)
        .requireShare("routed, result changes", 0.05).print();
  }

  @Test
  void aNodeAddedOrDeletedThatCannotBeACandidateNeverChangesWhatIsPublished() {
    Coverage coverage = new Coverage("aNodeAddedOrDeletedThatCannotBeACandidateNeverChanges"
        + "WhatIsPublished");
    qt(1000)
        .forAll(worlds(), range(0, MAX_NODES - 1), nodeSpecs())
        .checkAssert(
            (world, which, added) -> {
              // Deleting node "which" (if there is one), or adding a node of that name (if none).
              boolean delete = which < world.nodes().size();
              Node node = delete ? world.nodes().get(which) : added.named("node-" + which);
              List<Node> changed = new ArrayList<>(world.nodes());
              if (delete) {
                changed.remove((int) which);
              } else {
                changed.add(node);
              }
              coverage.sample();
              IngressDecision before = decide(world.nodes(), world);
              IngressDecision after = decide(changed, world);
              if (routed(world, delete ? node : null, delete ? null : node)) {
                coverage.count("routed, result changes", !outcome(after).equals(outcome(before)));
                return;
              }
              coverage.count("not routed, deleted", delete);
              coverage.count("not routed, added", !delete);
              coverage.count("not routed, Service reconciled", reconciled(before));
              assertThat(outcome(after)).isEqualTo(outcome(before));
            });
    coverage.requireShare("not routed, deleted", 0.1).requireShare("not routed, added", 0.1)
        .requireShare("not routed, Service reconciled", 0.1)
        .requireShare("routed, result changes", 0.03).print();
  }

  @Test
  void thePublishedListIsSortedWithoutDuplicatesOfCandidateAddresses() {
    Coverage coverage =
        new Coverage("thePublishedListIsSortedWithoutDuplicatesOfCandidateAddresses");
    qt(1000)
        .forAll(worlds())
        .checkAssert(
            world -> {
              IngressDecision d = decide(world.nodes(), world);
              coverage.sample();
              if (d.ingress() == null) {
                return;
              }
              List<String> ingress = d.ingress();
              coverage.count("two or more addresses", ingress.size() > 1);
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
                assertThat(world.service().ipFamilies())
                    .contains(IpText.family(ip) == 4 ? IpFamily.IPV4 : IpFamily.IPV6);
              }
            });
    coverage.requireShare("two or more addresses", 0.02).print();
  }

  @Test
  void theOrderOfTheNodesDoesNotMatter() {
    Coverage coverage = new Coverage("theOrderOfTheNodesDoesNotMatter");
    qt(1000)
        .forAll(worlds())
        .checkAssert(
            world -> {
              List<Node> reversed = new ArrayList<>(world.nodes());
              Collections.reverse(reversed);
              IngressDecision d = decide(world.nodes(), world);
              assertThat(decide(reversed, world)).isEqualTo(d);
              coverage.sample();
              coverage.count("two or more candidate nodes", d.nodes().size() > 1);
            });
    coverage.requireShare("two or more candidate nodes", 0.05).print();
  }

  @Test
  void aSharedPoolDecidesEveryServiceAsAFreshOneWould() {
    Coverage coverage = new Coverage("aSharedPoolDecidesEveryServiceAsAFreshOneWould");
    qt(1000)
        .forAll(worlds(), worlds(), worlds())
        .checkAssert(
            (a, b, c) -> {
              // Three Services on a's nodes: ClusterPlan's memo across Services must not leak.
              List<Service> services =
                  List.of(
                      renamed(a.service(), "s1"),
                      renamed(b.service(), "s2"),
                      renamed(c.service(), "s3"));
              ClusterSnapshot.Builder snapshot = ClusterSnapshot.builder();
              a.nodes().forEach(snapshot::node);
              services.forEach(snapshot::service);
              List<ClusterPlan.Entry> plan =
                  ClusterPlan.compute(snapshot.build(), NodeIpamOptions.reference());
              int publishing = 0;
              for (ClusterPlan.Entry e : plan) {
                IngressDecision fresh =
                    ipam.decide(e.service(), NodePool.of(a.nodes()), List.of());
                assertThat(e.decision()).isEqualTo(fresh);
                publishing += fresh.ingress() != null && !fresh.ingress().isEmpty() ? 1 : 0;
              }
              coverage.sample();
              coverage.count("two or more Services publish", publishing > 1);
            });
    coverage.requireShare("two or more Services publish", 0.01).print();
  }

  private static Service renamed(Service s, String name) {
    return Service.builder()
        .namespace(s.namespace())
        .name(name)
        .labels(s.labels())
        .annotations(s.annotations())
        .type(s.type())
        .loadBalancerClass(s.loadBalancerClass())
        .externalTrafficPolicy(s.externalTrafficPolicy())
        .ipFamilies(s.ipFamilies())
        .ipFamilyPolicy(s.ipFamilyPolicy())
        .clusterIps(s.clusterIps())
        .externalIps(s.externalIps())
        .ports(s.ports())
        .selector(s.selector())
        .ingress(s.ingress())
        .deleting(s.deleting())
        .source(s.source())
        .build();
  }
}
