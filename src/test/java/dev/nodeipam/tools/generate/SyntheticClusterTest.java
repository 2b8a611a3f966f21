package dev.nodeipam.tools.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticClusterTest {
  private static final ClusterShape SMALL =
      ClusterShape.defaults()
          .withNodes(60)
          .withServices(150)
          .withPodsPerService(3)
          .withNamespaces(4);

  @Test
  void theSameSeedGivesTheSameCluster() {
    ClusterSnapshot a = SyntheticCluster.generate(SMALL);
    ClusterSnapshot b = SyntheticCluster.generate(SMALL);
    assertThat(a.nodes()).isEqualTo(b.nodes());
    assertThat(a.services()).isEqualTo(b.services());
    assertThat(a.endpointSlices()).isEqualTo(b.endpointSlices());
    assertThat(a.pods()).isEqualTo(b.pods());
    assertThat(a.namespaces()).isEqualTo(b.namespaces());
  }

  @Test
  void anotherSeedGivesAnotherCluster() {
    ClusterSnapshot a = SyntheticCluster.generate(SMALL);
    ClusterSnapshot b = SyntheticCluster.generate(SMALL.withSeed(7));
    assertThat(a.nodes()).isNotEqualTo(b.nodes());
    assertThat(a.services()).isNotEqualTo(b.services());
  }

  @Test
  void sizesAreTheOnesAskedFor() {
    ClusterSnapshot c = SyntheticCluster.generate(SMALL);
    assertThat(c.nodes()).hasSize(60);
    assertThat(c.services()).hasSize(150);
    assertThat(c.namespaces()).hasSize(4);
    assertThat(c.pods()).hasSize(150 * 3);
    long slices = c.services().stream().mapToLong(s -> s.ipFamilies().size()).sum();
    assertThat(c.endpointSlices()).hasSize((int) slices);
  }

  @Test
  void theDefaultShapeIsTheIssueTarget() {
    ClusterShape d = ClusterShape.defaults();
    assertThat(d.nodes()).isEqualTo(5_000);
    assertThat(d.services()).isEqualTo(10_000);
    assertThat(d.localFraction()).isEqualTo(1.0 / 3);
  }

  @Test
  void objectsSizingLandsNearTheAskedCount() {
    ClusterShape shape = ClusterShape.ofObjects(100_000);
    ClusterSnapshot c = SyntheticCluster.generate(shape);
    int objects =
        c.nodes().size()
            + c.namespaces().size()
            + c.services().size()
            + c.endpointSlices().size()
            + c.pods().size();
    assertThat(objects).isBetween(90_000, 110_000);
  }

  @Test
  void theMixHasWhatTheBenchmarksNeed() {
    ClusterSnapshot c =
        SyntheticCluster.generate(ClusterShape.defaults().withNodes(500).withServices(3000));
    List<Service> nodeIpam =
        c.services().stream()
            .filter(s -> SyntheticCluster.NODE_IPAM_CLASS.equals(s.loadBalancerClass()))
            .toList();
    long local = nodeIpam.stream().filter(s -> s.externalTrafficPolicy() == TrafficPolicy.LOCAL).count();
    assertThat((double) local / nodeIpam.size()).isBetween(0.28, 0.39);
    Set<String> selectors =
        nodeIpam.stream()
            .map(s -> s.annotations().get(ServiceAnnotations.MATCH_NODE_LABELS))
            .filter(s -> s != null)
            .collect(Collectors.toSet());
    assertThat(selectors).containsExactlyInAnyOrderElementsOf(SyntheticCluster.NODE_SELECTORS);
    assertThat(nodeIpam)
        .anyMatch(s -> !s.annotations().containsKey(ServiceAnnotations.MATCH_NODE_LABELS));
    assertThat(c.services()).anyMatch(s -> s.ipFamilies().equals(List.of(IpFamily.IPV4, IpFamily.IPV6)));
    assertThat(c.services()).anyMatch(s -> s.ipFamilies().equals(List.of(IpFamily.IPV6)));
    assertThat(c.services())
        .anyMatch(s -> s.type() == ServiceType.CLUSTER_IP && s.externalIps().isEmpty());
    assertThat(c.services())
        .anyMatch(s -> SyntheticCluster.OTHER_CLASS.equals(s.loadBalancerClass()));
    Set<String> nodeAddresses =
        c.nodes().stream()
            .flatMap(n -> n.addresses().stream())
            .map(Node.NodeAddress::address)
            .collect(Collectors.toSet());
    List<Service> withExternalIps =
        c.services().stream().filter(s -> !s.externalIps().isEmpty()).toList();
    assertThat(withExternalIps).isNotEmpty();
    assertThat(withExternalIps)
        .allSatisfy(s -> assertThat(nodeAddresses).containsAll(s.externalIps()));
    assertThat(c.nodes()).anyMatch(Node::deleting);
    assertThat(c.nodes())
        .anyMatch(
            n -> n.labels().containsKey("node.kubernetes.io/exclude-from-external-load-balancers"));
    assertThat(c.nodes())
        .anyMatch(
            n ->
                n.taints().stream()
                    .anyMatch(t -> t.key().equals("ToBeDeletedByClusterAutoscaler")));
    assertThat(c.nodes())
        .anyMatch(n -> n.addresses().stream().anyMatch(a -> a.type().equals("ExternalIP")));
    assertThat(c.nodes())
        .anyMatch(n -> n.addresses().stream().anyMatch(a -> a.address().contains(":")));
  }

  @Test
  void slicesNameTheNodesOfTheServicesPods() {
    ClusterSnapshot c = SyntheticCluster.generate(SMALL);
    Map<String, Pod> pods =
        c.pods().stream().collect(Collectors.toMap(Pod::key, Function.identity()));
    for (EndpointSlice slice : c.endpointSlices()) {
      Service service = c.service(slice.namespace(), slice.serviceName()).orElseThrow();
      for (EndpointSlice.Endpoint e : slice.endpoints()) {
        Pod pod = pods.get(slice.namespace() + "/" + e.podName());
        assertThat(pod.nodeName()).isEqualTo(e.nodeName());
        assertThat(c.node(e.nodeName())).isPresent();
        assertThat(pod.labels()).containsAllEntriesOf(service.selector());
        assertThat(pod.ips()).containsAll(e.addresses());
      }
    }
  }

  @Test
  void everyServiceOfTheGeneratedClusterIsDecidedWithoutError() {
    ClusterSnapshot c = SyntheticCluster.generate(SMALL);
    List<ClusterPlan.Entry> plan = ClusterPlan.compute(c, NodeIpamOptions.reference());
    assertThat(plan).hasSize(150);
    assertThat(plan).noneMatch(e -> e.decision().isError());
    assertThat(plan).anyMatch(e -> e.decision().handled() && !e.decision().ingress().isEmpty());
  }

  @Test
  void additionsSeeTheBaseClusterAndLeaveItUnchanged() {
    SyntheticCluster.Addition policies =
        (base, random, out) ->
            base.namespaces()
                .forEach(
                    n ->
                        out.policy(
                            new RawObject(
                                "networking.k8s.io/v1",
                                "NetworkPolicy",
                                n.name(),
                                "deny-" + random.nextInt(9),
                                Map.of(
                                    "apiVersion",
                                    "networking.k8s.io/v1",
                                    "kind",
                                    "NetworkPolicy",
                                    "metadata",
                                    Map.of("name", "deny", "namespace", n.name()),
                                    "spec",
                                    Map.of("podSelector", Map.of())),
                                null)));
    ClusterSnapshot plain = SyntheticCluster.generate(SMALL);
    ClusterSnapshot extended = SyntheticCluster.generate(SMALL, List.of(policies));
    assertThat(extended.services()).isEqualTo(plain.services());
    assertThat(extended.nodes()).isEqualTo(plain.nodes());
    assertThat(extended.policies()).hasSize(plain.namespaces().size());
  }

  @Test
  void theWrittenTreeLoadsBackIntoTheSameCluster(@TempDir Path dir) throws IOException {
    ClusterSnapshot generated = SyntheticCluster.generate(SMALL);
    ManifestTreeWriter.Written written = ManifestTreeWriter.write(generated, dir);
    ClusterSnapshot loaded = ManifestLoader.load(List.of(dir));

    assertThat(sorted(loaded.nodes(), Node::name, SourceFree::node))
        .isEqualTo(sorted(generated.nodes(), Node::name, SourceFree::node));
    assertThat(sorted(loaded.services(), Service::key, SourceFree::service))
        .isEqualTo(sorted(generated.services(), Service::key, SourceFree::service));
    assertThat(
            sorted(loaded.endpointSlices(), e -> e.namespace() + "/" + e.name(), SourceFree::slice))
        .isEqualTo(
            sorted(
                generated.endpointSlices(),
                e -> e.namespace() + "/" + e.name(),
                SourceFree::slice));
    assertThat(sorted(loaded.pods(), Pod::key, SourceFree::pod))
        .isEqualTo(sorted(generated.pods(), Pod::key, SourceFree::pod));
    assertThat(sorted(loaded.namespaces(), Namespace::name, SourceFree::namespace))
        .isEqualTo(sorted(generated.namespaces(), Namespace::name, SourceFree::namespace));
    assertThat(written.objects())
        .isEqualTo(
            generated.nodes().size()
                + generated.services().size()
                + generated.endpointSlices().size()
                + generated.pods().size()
                + generated.namespaces().size());
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> yaml = files.filter(Files::isRegularFile).toList();
      assertThat(yaml).hasSize(written.files()).hasSizeGreaterThan(5);
      assertThat(yaml).allMatch(p -> p.toString().endsWith(".yaml"));
    }
    assertThat(Files.readString(dir.resolve("nodes/nodes.yaml")))
        .startsWith("---")
        .contains("\n---\n");
  }

  @Test
  void aShapeRejectsImpossibleSizes() {
    assertThatThrownBy(() -> ClusterShape.defaults().withNodes(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterShape.defaults().withNamespaces(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClusterShape.defaults().withServiceMix(0.5, 0.5, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static <T> List<T> sorted(List<T> items, Function<T, String> key, Function<T, T> strip) {
    return items.stream().sorted(Comparator.comparing(key)).map(strip).toList();
  }

  /** The records without the {@code source} field, which names where they were read from. */
  static final class SourceFree {
    static Node node(Node n) {
      return Node.builder()
          .name(n.name())
          .labels(n.labels())
          .addresses(n.addresses())
          .taints(n.taints())
          .deleting(n.deleting())
          .ready(n.ready())
          .unschedulable(n.unschedulable())
          .podCidrs(n.podCidrs())
          .source(null)
          .build();
    }

    static Service service(Service s) {
      return Service.builder()
          .namespace(s.namespace())
          .name(s.name())
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
          .build();
    }

    static EndpointSlice slice(EndpointSlice e) {
      return new EndpointSlice(
          e.namespace(),
          e.name(),
          e.serviceName(),
          e.addressType(),
          e.endpoints(),
          e.ports(),
          null);
    }

    static Pod pod(Pod p) {
      return Pod.builder()
          .namespace(p.namespace())
          .name(p.name())
          .labels(p.labels())
          .serviceAccount(p.serviceAccount())
          .nodeName(p.nodeName())
          .hostNetwork(p.hostNetwork())
          .ips(p.ips())
          .ports(p.ports())
          .ready(p.ready())
          .deleting(p.deleting())
          .workload(p.workload())
          .source(null)
          .build();
    }

    static Namespace namespace(Namespace n) {
      return new Namespace(n.name(), n.labels(), null);
    }
  }
}
