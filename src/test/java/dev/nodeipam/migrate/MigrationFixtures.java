package dev.nodeipam.migrate;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.kube.ManifestLoader;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared inputs and helpers of the migration tests. */
final class MigrationFixtures {
  private MigrationFixtures() {}

  static ClusterSnapshot example(String name) {
    return ManifestLoader.load(List.of(Path.of("examples/migration", name)));
  }

  static MigrationPlan plan(ClusterSnapshot snapshot) {
    return plan(snapshot, MigrationPlanner.Options.defaults());
  }

  static MigrationPlan plan(ClusterSnapshot snapshot, MigrationPlanner.Options options) {
    return MigrationPlanner.plan(
        snapshot, options, AfterStateAudit.UNAVAILABLE, MigrateRenderer.COMMAND_TEXT);
  }

  static ServiceMigration only(MigrationPlan plan) {
    if (plan.services().size() != 1) {
      throw new AssertionError("expected one Service in the plan, got " + plan.services());
    }
    return plan.services().get(0);
  }

  static ServiceMigration service(MigrationPlan plan, String key) {
    return plan.services().stream()
        .filter(m -> m.before().key().equals(key))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " in the plan"));
  }

  /** A Service using externalIPs, with the API server's defaults filled in. */
  static Service externalIpService(
      String namespace,
      String name,
      ServiceType type,
      TrafficPolicy etp,
      List<IpFamily> families,
      String... externalIps) {
    return Service.builder()
        .namespace(namespace)
        .name(name)
        .labels(Map.of("app.kubernetes.io/name", name))
        .type(type)
        .externalTrafficPolicy(etp)
        .ipFamilies(families)
        .ipFamilyPolicy(
            families.size() == 2
                ? IpFamilyPolicy.REQUIRE_DUAL_STACK
                : IpFamilyPolicy.SINGLE_STACK)
        .externalIps(List.of(externalIps))
        .ports(List.of(new Service.ServicePort("http", "TCP", 80, PortRef.of(8080), null)))
        .selector(Map.of("app", name))
        .source("test")
        .build();
  }

  static ClusterSnapshot cluster(
      List<Node> nodes, List<Service> services, EndpointSlice... slices) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    nodes.forEach(b::node);
    services.forEach(b::service);
    for (EndpointSlice s : slices) {
      b.endpointSlice(s);
    }
    return b.build();
  }

  /** What {@code nodeipam plan} computes for the Services a migration publishes with, in order. */
  static List<String> planOfAfterState(MigrationPlan plan, ServiceMigration m) {
    Map<String, List<String>> ingress = new HashMap<>();
    for (ClusterPlan.Entry e : ClusterPlan.compute(plan.after(), NodeIpamOptions.reference())) {
      ingress.put(e.service().key(), e.decision().ingress());
    }
    List<String> out = new ArrayList<>();
    for (PlannedService p : m.after()) {
      if (p.publishes()) {
        out.addAll(ingress.get(p.service().key()));
      }
    }
    return out;
  }
}
