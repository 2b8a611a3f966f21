package dev.nodeipam.migrate;

import static dev.nodeipam.migrate.MigrationFixtures.planOfAfterState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.LabelSyntax;
import dev.nodeipam.net.IpText;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planner's promises, checked on many random small clusters (fixed seeds, so a failure names
 * the seed that reproduces it): what it claims is published is what the Node IPAM core computes on
 * its after-state, added and lost are the value differences, and its selectors pick its nodes.
 */
class MigrationPropertiesTest {
  private static final String[] V4 = {
    "198.51.100.1", "198.51.100.2", "198.51.100.3", "10.0.0.1", "10.0.0.2", "10.0.0.3"
  };
  private static final String[] V6 = {
    "2001:db8::1", "2001:db8::2", "2001:db8::3", "fd00::1", "fd00::2"
  };

  static List<Long> seeds() {
    List<Long> seeds = new ArrayList<>();
    for (long s = 1; s <= 300; s++) {
      seeds.add(s);
    }
    return seeds;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void publishedIsTheCoreResultOnTheAfterStateAndTheDifferencesAreByValue(long seed) {
    for (boolean annotations : new boolean[] {false, true}) {
      ClusterSnapshot before = randomCluster(new Random(seed));
      MigrationPlan plan =
          MigrationPlanner.plan(
              before,
              new MigrationPlanner.Options("io.cilium/node", List.of(), annotations),
              AfterStateAudit.UNAVAILABLE,
              MigrateRenderer.COMMAND_TEXT);
      for (ServiceMigration m : plan.services()) {
        Set<String> old = values(m.before().externalIps());
        boolean allOwned = old.stream().allMatch(v -> owned(before, v));
        assertThat(m.migratable())
            .as("migratable iff every address is a node's")
            .isEqualTo(allOwned);
        if (!m.migratable()) {
          assertThat(m.manifests()).isEmpty();
          continue;
        }
        assertThat(m.published()).isEqualTo(planOfAfterState(plan, m));
        Set<String> published = values(m.published());
        Set<String> lost = new TreeSet<>(old);
        lost.removeAll(published);
        Set<String> added = new TreeSet<>(published);
        added.removeAll(old);
        assertThat(values(m.lost())).isEqualTo(lost);
        assertThat(values(m.added())).isEqualTo(added);
        for (PlannedService p : m.after()) {
          if (!p.publishes()) {
            assertThat(p.service().externalIps()).isEmpty();
            continue;
          }
          assertThat(LabelSyntax.keyError(p.label().key())).isNull();
          assertThat(selected(plan.after(), p.service())).isEqualTo(new TreeSet<>(p.nodes()));
          assertThat(p.service().externalIps()).isEmpty();
          if (!annotations) {
            assertThat(p.service().annotations())
                .doesNotContainKey(ServiceAnnotations.ADDRESS_POLICY);
          }
        }
      }
      assertThat(MigrationFixtures.plan(plan.after()).services())
          .as("re-run on the after-state")
          .allMatch(m -> !m.migratable());
      List<StepKind> kinds = plan.steps().stream().map(Step::kind).toList();
      for (int i = 1; i < kinds.size(); i++) {
        assertThat(kinds.get(i).ordinal()).isGreaterThanOrEqualTo(kinds.get(i - 1).ordinal());
      }
    }
  }

  private static Set<String> selected(ClusterSnapshot after, Service s) {
    LabelSelector selector = NodeIpam.selectorOf(s);
    Set<String> names = new TreeSet<>();
    after.nodes().stream()
        .filter(n -> selector.matches(n.labels()))
        .forEach(n -> names.add(n.name()));
    return names;
  }

  private static boolean owned(ClusterSnapshot s, String value) {
    for (Node n : s.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        if (value.equals(IpText.canonical(a.address()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<String> values(List<String> texts) {
    Set<String> out = new TreeSet<>();
    texts.forEach(t -> out.add(IpText.canonical(t) == null ? t : IpText.canonical(t)));
    return out;
  }

  private static ClusterSnapshot randomCluster(Random r) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    int nodeCount = 1 + r.nextInt(4);
    List<String> all = new ArrayList<>();
    List<String> nodeNames = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      String name = "node-" + i;
      nodeNames.add(name);
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("kubernetes.io/hostname", name);
      if (r.nextBoolean()) {
        labels.put("edge", "true");
      }
      if (r.nextInt(8) == 0) {
        labels.put("node.kubernetes.io/exclude-from-external-load-balancers", "");
      }
      List<Node.NodeAddress> addresses = new ArrayList<>();
      int count = 1 + r.nextInt(4);
      for (int k = 0; k < count; k++) {
        String ip = r.nextBoolean() ? V4[r.nextInt(V4.length)] : V6[r.nextInt(V6.length)];
        addresses.add(new Node.NodeAddress(r.nextBoolean() ? "ExternalIP" : "InternalIP", ip));
        all.add(ip);
      }
      b.node(
          Node.builder()
              .name(name)
              .labels(labels)
              .addresses(addresses)
              .taints(List.of())
              .deleting(false)
              .ready("True")
              .unschedulable(false)
              .podCidrs(List.of())
              .source("random")
              .build());
    }
    int services = 1 + r.nextInt(3);
    for (int j = 0; j < services; j++) {
      String name = "svc-" + j;
      Set<String> ips = new HashSet<>();
      int count = 1 + r.nextInt(3);
      for (int k = 0; k < count; k++) {
        ips.add(r.nextInt(10) == 0 ? "192.0.2.99" : variant(all.get(r.nextInt(all.size())), r));
      }
      List<IpFamily> families =
          switch (r.nextInt(4)) {
            case 0 -> List.of(IpFamily.IPV4);
            case 1 -> List.of(IpFamily.IPV6);
            case 2 -> List.of(IpFamily.IPV4, IpFamily.IPV6);
            default -> List.of(IpFamily.IPV6, IpFamily.IPV4);
          };
      ServiceType type =
          new ServiceType[] {
            ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER
          }[r.nextInt(3)];
      TrafficPolicy etp = r.nextInt(3) == 0 ? TrafficPolicy.LOCAL : TrafficPolicy.CLUSTER;
      b.service(
          Service.builder()
              .namespace("ns")
              .name(name)
              .type(type)
              .externalTrafficPolicy(etp)
              .ipFamilies(families)
              .ipFamilyPolicy(
                  families.size() == 2
                      ? IpFamilyPolicy.REQUIRE_DUAL_STACK
                      : IpFamilyPolicy.SINGLE_STACK)
              .externalIps(new ArrayList<>(new TreeSet<>(ips)))
              .ports(List.of(new Service.ServicePort("http", "TCP", 80, PortRef.of(8080), null)))
              .selector(Map.of("app", name))
              .source("random")
              .build());
      if (etp == TrafficPolicy.LOCAL) {
        List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();
        for (String node : nodeNames) {
          if (r.nextBoolean()) {
            endpoints.add(
                new EndpointSlice.Endpoint(
                    List.of("10.244.0.1"), r.nextBoolean(), null, null, node, null));
          }
        }
        b.endpointSlice(
            new EndpointSlice("ns", name + "-x", name, "IPv4", endpoints, List.of(), "random"));
      }
    }
    return b.build();
  }

  /** The same address in another spelling, sometimes: Kubernetes compares values, not text. */
  private static String variant(String ip, Random r) {
    if (ip.contains(":") && r.nextInt(4) == 0) {
      return ip.toUpperCase().replace("::", ":0::");
    }
    return ip;
  }
}
