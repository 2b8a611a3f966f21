package dev.nodeipam.audit;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.range;

import dev.nodeipam.audit.Audit.Target;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.DatapathServices;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.tools.generate.ClusterShape;
import dev.nodeipam.tools.generate.SyntheticCluster;
import dev.nodeipam.tools.generate.SyntheticPolicies;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit holds published addresses compactly ({@link CompactAddresses}: one index per
 * address into the distinct ones, shared by the Node IPAM Services that publish a node's
 * address) and builds each {@link ServiceAddress} as it is read. That may change nothing: over
 * generated clusters (several nodes, Node IPAM, other-class and externalIPs Services, CIDR
 * policies), the compact list is, element by element, the addresses as the definition lists them
 * (every Service in namespace/name order, its externalIPs then its status's ingress IPs, each
 * parsed on its own), and the targets and address classes built from it are those built from
 * that materialised list.
 */
class CompactAddressesPropertyTest {
  record Shape(int nodes, int services, int namespaces, long seed) {}

  @Test
  void compactAddressesAndClassesAreTheMaterialisedOnes() {
    Coverage coverage = new Coverage("compactAddressesAndClassesAreTheMaterialisedOnes");
    qt(40, 40)
        .forAll(range(2, 12).zip(range(2, 24), range(1, 3), range(0, 1000),
            (n, s, ns, seed) -> new Shape(n, s, ns, seed)))
        .checkAssert(shape -> {
          ClusterSnapshot cluster = SyntheticCluster.generate(
              ClusterShape.defaults().withNodes(shape.nodes()).withServices(shape.services())
                  .withPodsPerService(2).withNamespaces(shape.namespaces())
                  .withSeed(shape.seed()),
              List.of(SyntheticPolicies.of(4)));
          PublishedAddresses published =
              PublishedAddresses.of(cluster, AuditOptions.defaults().nodeIpam());
          List<ServiceAddress> materialised = definition(cluster, published.snapshot());
          assertThat(published.addresses()).isInstanceOf(CompactAddresses.class);
          assertThat(published.addresses()).containsExactlyElementsOf(materialised);

          PolicyEngine engine = PolicyEngine.of(published.snapshot());
          Map<String, String> overrides = Map.of("kube-proxy-replacement", "true");
          TrapSearch search = new TrapSearch(engine, engine.settings(overrides),
              IdentityTrap.translating(engine, overrides), true);
          AddressClasses classes = new AddressClasses(search);
          List<List<String>> compact = described(
              classes.classes(Audit.targets(published.addresses(), engine)));
          List<List<String>> plain =
              described(classes.classes(Audit.targets(materialised, engine)));
          assertThat(compact).isEqualTo(plain);

          coverage.sample();
          int distinct = ((CompactAddresses) published.addresses()).distinctCount();
          coverage.count("node addresses shared by several Services",
              distinct < materialised.size());
          coverage.count("Node IPAM addresses", materialised.stream()
              .anyMatch(a -> ServiceAddress.NODE_IPAM.equals(a.frontend())));
          coverage.count("other frontends", materialised.stream()
              .anyMatch(a -> !ServiceAddress.NODE_IPAM.equals(a.frontend())));
          coverage.count("a class of several addresses",
              compact.stream().anyMatch(c -> c.size() > 1));
          coverage.count("several classes", compact.size() > 1);
        });
    // Not vacuous: generated clusters share node addresses among Node IPAM Services and split
    // their addresses into classes of several members.
    coverage.requireShare("node addresses shared by several Services", 0.5);
    coverage.requireShare("Node IPAM addresses", 0.5);
    coverage.requireShare("other frontends", 0.2);
    coverage.requireShare("a class of several addresses", 0.5);
    coverage.requireShare("several classes", 0.5);
    coverage.print();
  }

  /** Each class as the texts of its targets, in order. */
  private static List<List<String>> described(AddressClasses.Classes split) {
    List<List<String>> out = new ArrayList<>();
    for (List<Target> members : split.members()) {
      out.add(members.stream().map(t -> t.address().service().key() + " "
          + t.address().frontend() + " " + t.address().address().toCanonicalString() + ":"
          + t.port().port() + "/" + t.protocol()).toList());
    }
    return out;
  }

  /**
   * The addresses a pod can dial besides ClusterIPs, read off the snapshot with the planned
   * statuses written in ({@code published}), one object per published address.
   */
  private static List<ServiceAddress> definition(ClusterSnapshot cluster,
      ClusterSnapshot published) {
    List<Service> services = new ArrayList<>(published.services());
    services.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    List<ServiceAddress> out = new ArrayList<>();
    for (Service s : services) {
      if (s.type() == ServiceType.EXTERNAL_NAME || s.deleting()
          || !DatapathServices.hasFrontends(s)) {
        continue;
      }
      for (String ip : s.externalIps()) {
        add(out, s, ip, ServiceAddress.EXTERNAL_IP);
      }
      if (s.type() == ServiceType.LOAD_BALANCER) {
        // A status the cluster had is a LoadBalancer frontend; one written in, Node IPAM's plan.
        boolean planned = cluster.services().stream()
            .filter(o -> o.key().equals(s.key()))
            .allMatch(o -> o.ingress().stream().noneMatch(i -> i.ip() != null));
        for (Service.LoadBalancerIngress in : s.ingress()) {
          if (in.ip() != null) {
            add(out, s, in.ip(),
                planned ? ServiceAddress.NODE_IPAM : ServiceAddress.LOAD_BALANCER);
          }
        }
      }
    }
    return out;
  }

  private static void add(List<ServiceAddress> out, Service s, String ip, String frontend) {
    IPAddress a = IpText.parse(ip);
    if (a != null) {
      out.add(new ServiceAddress(s, a, frontend));
    }
  }
}
