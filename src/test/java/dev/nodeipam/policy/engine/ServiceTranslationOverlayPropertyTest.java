package dev.nodeipam.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.testing.Theories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * A translation table overlaid by the Services that differ ({@code ServiceTranslation(snapshot,
 * like)}, what the after-state of a guard's judgement makes) is the table made from scratch:
 * every address's entries, in the same order (the first of a conflict wins a hit). The seed's
 * cluster ({@code examples/pr-externalip/before}) with one to three of its Services changed:
 * externalIPs drawn from other Services' ClusterIPs and a node's address (conflicts), made a
 * LoadBalancer with those addresses as status, an ExternalName, or without frontends.
 */
class ServiceTranslationOverlayPropertyTest {
  private static final ClusterSnapshot SEED =
      ManifestLoader.load(List.of(Path.of("examples/pr-externalip/before")));
  private static final List<String> ADDRESSES = addresses();

  /** One Service changed: its place, how, and an address drawn. */
  record Edit(int service, int how, int address) {}

  @Test
  void anOverlaidTableIsTheTableFromScratch() {
    Coverage coverage = new Coverage("overlaid translation = from scratch");
    Gen<Edit> edit = integers().between(0, SEED.services().size() - 1)
        .zip(integers().between(0, 4), integers().between(0, ADDRESSES.size() - 1), Edit::new);
    Theories.qt(200, 20).forAll(lists().of(edit).ofSizeBetween(1, 3)).checkAssert(edits -> {
      coverage.sample();
      List<Service> services = new ArrayList<>(SEED.services());
      for (Edit e : edits) {
        services.set(e.service(), edited(services.get(e.service()), e));
      }
      ClusterSnapshot after = SEED.toBuilder().services(services).build();
      ServiceTranslation fresh = new ServiceTranslation(after);
      ServiceTranslation overlaid =
          new ServiceTranslation(after, new ServiceTranslation(SEED));
      coverage.count("an address shared by two Services",
          fresh.frontends().values().stream().anyMatch(l -> l.stream()
              .map(f -> f.service().key()).distinct().count() > 1));
      coverage.count("an address gone", fresh.frontends().size()
          < new ServiceTranslation(SEED).frontends().size());
      assertThat(overlaid.frontends()).as(edits.toString()).isEqualTo(fresh.frontends());
    });
    coverage.requireShare("an address shared by two Services", 0.2)
        .requireShare("an address gone", 0.1);
    System.out.println(coverage.summary());
  }

  private static Service edited(Service s, Edit e) {
    String a = ADDRESSES.get(e.address());
    return switch (e.how()) {
      case 0 -> s.toBuilder().externalIps(List.of(a)).build();
      case 1 -> s.toBuilder().type(ServiceType.LOAD_BALANCER)
          .ingress(List.of(new Service.LoadBalancerIngress(a, null, null),
              new Service.LoadBalancerIngress(ADDRESSES.get(0), null, "Proxy"))).build();
      case 2 -> s.toBuilder().type(ServiceType.EXTERNAL_NAME).build();
      case 3 -> s.toBuilder().clusterIps(List.of()).externalIps(List.of()).build();
      default -> s.toBuilder().externalIps(List.of(a, ADDRESSES.get(0))).build();
    };
  }

  /** Every Service's ClusterIPs and the first node's address: frontends other Services have. */
  private static List<String> addresses() {
    List<String> out = new ArrayList<>();
    SEED.services().forEach(s -> out.addAll(s.clusterIps()));
    out.add(SEED.nodes().get(0).addresses().get(0).address());
    return List.copyOf(out);
  }
}
