package dev.nodeipam.migrate;

import static dev.nodeipam.migrate.MigrationFixtures.cluster;
import static dev.nodeipam.migrate.MigrationFixtures.example;
import static dev.nodeipam.migrate.MigrationFixtures.externalIpService;
import static dev.nodeipam.migrate.MigrationFixtures.only;
import static dev.nodeipam.migrate.MigrationFixtures.plan;
import static dev.nodeipam.migrate.MigrationFixtures.planOfAfterState;
import static dev.nodeipam.migrate.MigrationFixtures.service;
import static dev.nodeipam.render.MigrateWarningText.sentences;
import static dev.nodeipam.testing.Objects.node;
import static dev.nodeipam.testing.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.labels.LabelSyntax;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import dev.nodeipam.testing.Objects;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MigrationPlannerTest {
  private static final List<IpFamily> V4 = List.of(IpFamily.IPV4);

  @Test
  void seed_threeAddressesOnTwoNodesArePreservedExactlyWithTheExistingLabel() {
    MigrationPlan plan = plan(example("seed"));
    ServiceMigration m = only(plan);

    assertThat(m.migratable()).isTrue();
    assertThat(m.published()).containsExactly("198.51.100.1", "2001:db8::1", "2001:db8::2");
    assertThat(m.added()).isEmpty();
    assertThat(m.lost()).isEmpty();
    assertThat(m.after()).hasSize(1);
    PlannedService site = m.after().get(0);
    assertThat(site.role()).isEqualTo(PlannedService.IN_PLACE);
    assertThat(site.label()).isEqualTo(new NodeLabel("ingress-ready", "true", true));
    assertThat(site.nodes()).containsExactly("node-a", "node-b");
    // node-c's own public address must not appear, and nobody gets a new label.
    assertThat(m.published()).doesNotContain("203.0.113.7");
    assertThat(plan.nodeLabels()).isEmpty();
  }

  @Test
  void seed_manifestIsACompleteCiliumNodeIpamLoadBalancerWithoutExternalIps() {
    ServiceMigration m = only(plan(example("seed")));
    Map<String, Object> manifest = m.manifests().get(0);
    assertThat(manifest).containsEntry("apiVersion", "v1").containsEntry("kind", "Service");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) manifest.get("metadata");
    assertThat(metadata).containsEntry("name", "site").containsEntry("namespace", "web");
    assertThat(metadata.get("annotations"))
        .isEqualTo(Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "ingress-ready=true"));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) manifest.get("spec");
    assertThat(spec)
        .containsEntry("type", "LoadBalancer")
        .containsEntry("loadBalancerClass", "io.cilium/node")
        .containsEntry("externalTrafficPolicy", "Cluster")
        .containsEntry("ipFamilies", List.of("IPv4", "IPv6"))
        .containsEntry("ipFamilyPolicy", "RequireDualStack")
        .containsEntry("selector", Map.of("app", "site"))
        .doesNotContainKey("externalIPs");
    assertThat((List<?>) spec.get("ports")).hasSize(2);
  }

  @Test
  void publishedIsWhatTheNodeIpamCoreComputesOnTheAfterState() {
    for (String example :
        List.of("seed", "extra-address", "internal-only", "local", "policy-trap")) {
      MigrationPlan plan = plan(example(example));
      for (ServiceMigration m : plan.services()) {
        assertThat(m.published())
            .as(example + " " + m.before().key())
            .isEqualTo(planOfAfterState(plan, m));
      }
    }
  }

  @Test
  void extraPublicAddressOfAnotherFamilyIsAvoidedBySplittingByFamily() {
    MigrationPlan plan = plan(example("extra-address"));
    ServiceMigration m = only(plan);

    assertThat(m.exact()).isTrue();
    assertThat(m.published()).doesNotContain("198.51.100.2");
    assertThat(m.after())
        .extracting(PlannedService::role)
        .containsExactly(PlannedService.ORIGINAL, PlannedService.NEW, PlannedService.NEW);
    PlannedService v4 = m.after().get(1);
    PlannedService v6 = m.after().get(2);
    assertThat(v4.service().name()).isEqualTo("site-v4");
    assertThat(v4.service().ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(v4.nodes()).containsExactly("node-a");
    assertThat(v4.label().existing()).isFalse();
    assertThat(v6.service().name()).isEqualTo("site-v6");
    assertThat(v6.nodes()).containsExactly("node-a", "node-b");
    assertThat(v6.label().selector()).isEqualTo("ingress-ready=true");
    // The original keeps serving in-cluster clients, without the addresses.
    Service kept = m.after().get(0).service();
    assertThat(kept.type()).isEqualTo(ServiceType.CLUSTER_IP);
    assertThat(kept.externalIps()).isEmpty();
    assertThat(plan.nodeLabels())
        .containsExactly(new NodeLabels("node-a", Map.of(v4.label().key(), "true")));
  }

  @Test
  void extraPublicAddressOfTheSameFamilyIsReportedAsAddedAndGetsNoSteps() {
    Node a =
        node("node-a")
            .internal("10.0.0.10")
            .external("198.51.100.1")
            .external("198.51.100.9")
            .build();
    Node b = node("node-b").internal("10.0.0.11").external("198.51.100.2").build();
    ClusterSnapshot snapshot =
        cluster(
            List.of(a, b),
            List.of(externalIpService(
                "web", "site", ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1")));
    MigrationPlan plan = plan(snapshot);
    ServiceMigration m = only(plan);

    assertThat(m.migratable()).isTrue();
    assertThat(m.added()).containsExactly("198.51.100.9");
    assertThat(m.lost()).isEmpty();
    assertThat(sentences(m.warnings()))
        .anyMatch(w -> w.contains("newly exposed: 198.51.100.9"));
    assertThat(plan.steps()).isEmpty();
    assertThat(plan.nodeLabels()).isEmpty();
  }

  @Test
  void addressNoNodeOwnsIsNotMigratableWithAddressPoolAdvice() {
    MigrationPlan plan = plan(example("unowned-address"));
    for (ServiceMigration m : plan.services()) {
      assertThat(m.migratable()).isFalse();
      assertThat(m.manifests()).isEmpty();
      assertThat(m.published()).isEmpty();
      assertThat(sentences(m.warnings()))
          .anyMatch(w -> w.contains("LB-IPAM") && w.contains("MetalLB"));
    }
    assertThat(service(plan, "web/legacy").lost()).containsExactly("192.0.2.50");
    assertThat(service(plan, "web/mixed").lost()).containsExactly("192.0.2.51");
    assertThat(plan.steps()).isEmpty();
  }

  @Test
  void internalIpOnANodeWithAnExternalIpIsReportedBecauseNodeIpamPublishesTheExternalIp() {
    ServiceMigration wiki = service(plan(example("internal-only")), "intranet/wiki");

    assertThat(wiki.published()).containsExactly("198.51.100.1");
    assertThat(wiki.lost()).containsExactly("10.0.0.10");
    assertThat(wiki.added()).containsExactly("198.51.100.1");
    assertThat(sentences(wiki.warnings()))
        .anyMatch(
            w ->
                w.contains("nodeipam.dev/address-policy: InternalOnly")
                    && w.contains("--nodeipam-annotations"));
  }

  @Test
  void internalOnlyAnnotationReproducesTheInternalIpButOnlyWhenAllowedAndSaysCiliumIgnoresIt() {
    MigrationPlan plan =
        plan(
            example("internal-only"),
            new MigrationPlanner.Options("io.cilium/node", List.of("intranet/wiki"), true));
    ServiceMigration wiki = only(plan);

    assertThat(wiki.exact()).isTrue();
    assertThat(wiki.published()).containsExactly("10.0.0.10");
    assertThat(wiki.after().get(0).service().annotations())
        .containsEntry(ServiceAnnotations.ADDRESS_POLICY, "InternalOnly");
    assertThat(sentences(wiki.warnings()))
        .anyMatch(w -> w.contains("Cilium's Node IPAM ignores it"));
  }

  @Test
  void externalAndInternalAddressesOfOneFamilyOnDifferentNodesSplitByAddressType() {
    ServiceMigration git = service(plan(example("internal-only")), "intranet/git");

    assertThat(git.exact()).isTrue();
    assertThat(git.after())
        .filteredOn(PlannedService::publishes)
        .extracting(p -> p.service().name())
        .containsExactly("git-v4-external", "git-v4-internal");
    assertThat(git.after())
        .filteredOn(PlannedService::publishes)
        .extracting(PlannedService::published)
        .containsExactly(List.of("198.51.100.1"), List.of("10.0.0.11"));
  }

  @Test
  void dualStackServiceKeepsItsFamilyOrderAndPolicy() {
    Node a =
        node("node-a")
            .internal("10.0.0.10")
            .external("198.51.100.1")
            .external("2001:db8::1")
            .build();
    Service site =
        externalIpService(
            "web",
            "site",
            ServiceType.CLUSTER_IP,
            TrafficPolicy.CLUSTER,
            List.of(IpFamily.IPV6, IpFamily.IPV4),
            "2001:db8::1",
            "198.51.100.1");
    ServiceMigration m = only(plan(cluster(List.of(a), List.of(site))));

    assertThat(m.exact()).isTrue();
    Service after = m.after().get(0).service();
    assertThat(after.ipFamilies()).containsExactly(IpFamily.IPV6, IpFamily.IPV4);
    assertThat(after.ipFamilyPolicy()).isEqualTo(IpFamilyPolicy.REQUIRE_DUAL_STACK);
    assertThat(m.published()).containsExactly("198.51.100.1", "2001:db8::1");
  }

  @Test
  void dualStackServiceWithOnlyIpv4AddressesBecomesSingleStackAndSaysSo() {
    Node a = node("node-a").external("198.51.100.1").external("2001:db8::1").build();
    Service site =
        externalIpService(
            "web", "site",
            ServiceType.CLUSTER_IP,
            TrafficPolicy.CLUSTER,
            List.of(IpFamily.IPV4, IpFamily.IPV6),
            "198.51.100.1");
    ServiceMigration m = only(plan(cluster(List.of(a), List.of(site))));

    assertThat(m.exact()).isTrue();
    assertThat(m.after().get(0).service().ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(sentences(m.warnings())).anyMatch(w -> w.contains("IPv6 ClusterIP is released"));
  }

  @Test
  void primaryFamilyMissingFromTheAddressesMovesThemToANewService() {
    Node a = node("node-a").external("198.51.100.1").external("2001:db8::1").build();
    Service site = externalIpService(
        "web", "site", ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "2001:db8::1");
    ServiceMigration m = only(plan(cluster(List.of(a), List.of(site))));

    assertThat(m.exact()).isTrue();
    assertThat(m.after()).extracting(p -> p.service().name()).containsExactly("site", "site-v6");
    assertThat(m.after().get(1).service().ipFamilies()).containsExactly(IpFamily.IPV6);
  }

  @Test
  void etpLocalIsKeptAndPublishesOnlyNodesWithReadyEndpoints() {
    ServiceMigration m = only(plan(example("local")));

    Service after = m.after().get(0).service();
    assertThat(after.externalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
    assertThat(m.after().get(0).nodes()).containsExactly("node-a", "node-b");
    assertThat(m.published()).containsExactly("198.51.100.1");
    assertThat(m.lost()).containsExactly("198.51.100.2");
    assertThat(m.added()).isEmpty();
    assertThat(sentences(m.warnings()))
        .anyMatch(w -> w.contains("ready endpoint") && w.contains("now node-a"));
  }

  @Test
  void etpLocalWithEndpointsOnEveryNodeIsExact() {
    Node a = node("node-a").external("198.51.100.1").build();
    Node b = node("node-b").external("198.51.100.2").build();
    Service front =
        externalIpService(
            "default", "front",
            ServiceType.CLUSTER_IP, TrafficPolicy.LOCAL, V4, "198.51.100.1", "198.51.100.2");
    ServiceMigration m =
        only(
            plan(
                cluster(
                    List.of(a, b),
                    List.of(front),
                    slice("front").ready("node-a").ready("node-b").build())));

    assertThat(m.exact()).isTrue();
    assertThat(m.published()).containsExactly("198.51.100.1", "198.51.100.2");
  }

  @Test
  void reRunningOnTheMigratedClusterIsANoOp() {
    for (String example :
        List.of("seed", "extra-address", "internal-only", "local", "policy-trap")) {
      MigrationPlan first = plan(example(example));
      MigrationPlan second = plan(first.after());
      assertThat(second.isEmpty()).as(example).isTrue();
      assertThat(second.steps()).isEmpty();
      assertThat(second.nodeLabels()).isEmpty();
    }
  }

  @Test
  void addressesAreComparedByValueNotByText() {
    Node a = node("node-a").external("2001:db8::1").build();
    Service site =
        externalIpService(
            "web", "site",
            ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, List.of(IpFamily.IPV6), "2001:DB8:0::1");
    ServiceMigration m = only(plan(cluster(List.of(a), List.of(site))));

    assertThat(m.migratable()).isTrue();
    assertThat(m.exact()).isTrue();
    assertThat(m.published()).containsExactly("2001:db8::1");
  }

  @Test
  void anExistingLabelIsReusedOnlyWhenItSelectsExactlyTheNeededNodes() {
    Node a = node("node-a").label("edge", "true").external("198.51.100.1").build();
    Node b = node("node-b").label("edge", "true").external("198.51.100.2").build();
    Service site = externalIpService(
        "web", "site", ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1");
    MigrationPlan plan = plan(cluster(List.of(a, b), List.of(site)));
    PlannedService p = only(plan).after().get(0);

    assertThat(p.label().existing()).isFalse();
    assertThat(p.label().key()).isEqualTo("nodeipam.dev/web.site");
    assertThat(plan.nodeLabels())
        .containsExactly(new NodeLabels("node-a", Map.of("nodeipam.dev/web.site", "true")));
    assertThat(only(plan).published()).containsExactly("198.51.100.1");
  }

  @Test
  void machineDescribingLabelsAreNotReusedEvenWhenTheyMatch() {
    Node a =
        node("node-a").label("kubernetes.io/hostname", "node-a").external("198.51.100.1").build();
    Node b =
        node("node-b").label("kubernetes.io/hostname", "node-b").external("198.51.100.2").build();
    Service site = externalIpService(
        "web", "site", ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1");
    PlannedService p = only(plan(cluster(List.of(a, b), List.of(site)))).after().get(0);

    assertThat(p.label().key()).isEqualTo("nodeipam.dev/web.site");
  }

  @Test
  void newLabelKeysAndServiceNamesStayValidForLongNames() {
    String ns = "n".repeat(63);
    String name1 = "s".repeat(60) + "one";
    String name2 = "s".repeat(60) + "two";
    String key1 = Names.labelKey(ns, name1, 1);
    String key2 = Names.labelKey(ns, name2, 1);
    assertThat(LabelSyntax.keyError(key1)).isNull();
    assertThat(LabelSyntax.keyError(key2)).isNull();
    assertThat(key1).isNotEqualTo(key2);
    String service = Names.serviceName(name1, "v4-external", Set.of());
    assertThat(service).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
  }

  @Test
  void anOwnerNodeThatNodeIpamExcludesLosesItsAddressWithAWarning() {
    Node a = node("node-a").external("198.51.100.1").build();
    Node b =
        node("node-b")
            .label("node.kubernetes.io/exclude-from-external-load-balancers", "")
            .external("198.51.100.2")
            .build();
    Service site =
        externalIpService(
            "web", "site",
            ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1", "198.51.100.2");
    ServiceMigration m = only(plan(cluster(List.of(a, b), List.of(site))));

    assertThat(m.lost()).containsExactly("198.51.100.2");
    assertThat(sentences(m.warnings()))
        .anyMatch(w -> w.contains("node-b") && w.contains("exclude-label"));
  }

  @Test
  void onlyTheServicesAskedForAreMigrated() {
    MigrationPlan plan =
        plan(
            example("internal-only"),
            new MigrationPlanner.Options("io.cilium/node", List.of("intranet/git"), false));
    assertThat(plan.services()).extracting(m -> m.before().key()).containsExactly("intranet/git");
  }

  @Test
  void theLoadBalancerClassCanBeChosen() {
    ServiceMigration m =
        only(
            plan(
                example("seed"),
                new MigrationPlanner.Options("example.com/nodes", List.of(), false)));
    assertThat(m.after().get(0).service().loadBalancerClass()).isEqualTo("example.com/nodes");
    assertThat(m.published()).containsExactly("198.51.100.1", "2001:db8::1", "2001:db8::2");
  }

  @Test
  void newLabelsThatChangeAnotherNodeIpamServiceAreReported() {
    Node a = node("node-a").external("198.51.100.1").build();
    Node b = node("node-b").external("198.51.100.2").build();
    Service site = externalIpService(
        "web", "site", ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1");
    Service other =
        Objects.lb("other")
            .namespace("web")
            .selector("!nodeipam.dev/web.site")
            .build();
    MigrationPlan plan = plan(cluster(List.of(a, b), List.of(site, other)));

    assertThat(sentences(plan.warnings()))
        .containsExactly(
            "the new node labels change what Node IPAM publishes for web/other:"
                + " [198.51.100.1, 198.51.100.2] becomes [198.51.100.2]");
  }

  @Test
  void labelsThatTouchNoOtherServiceGiveNoPlanWarning() {
    assertThat(sentences(plan(example("extra-address")).warnings())).isEmpty();
  }

  @Test
  void aNodeThatAlreadyCarriesTheNewLabelIsNotRelabelledButAStaleValueIs() {
    Node a = node("node-a").label("nodeipam.dev/web.site", "true").external("198.51.100.1").build();
    Node b =
        node("node-b").label("nodeipam.dev/web.site", "false").external("198.51.100.2").build();
    Node c = node("node-c").external("198.51.100.3").build();
    Service site =
        externalIpService(
            "web", "site",
            ServiceType.CLUSTER_IP, TrafficPolicy.CLUSTER, V4, "198.51.100.1", "198.51.100.2");
    MigrationPlan plan = plan(cluster(List.of(a, b, c), List.of(site)));

    assertThat(only(plan).after().get(0).label().selector())
        .isEqualTo("nodeipam.dev/web.site=true");
    assertThat(plan.nodeLabels())
        .containsExactly(new NodeLabels("node-b", Map.of("nodeipam.dev/web.site", "true")));
    assertThat(only(plan).exact()).isTrue();
  }
}
