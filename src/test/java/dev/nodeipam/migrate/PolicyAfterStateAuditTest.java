package dev.nodeipam.migrate;

import static dev.nodeipam.migrate.MigrationFixtures.example;
import static dev.nodeipam.migrate.MigrationFixtures.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.FindingType;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migration's after-state audit, on nodeipam's own policy analyser. */
class PolicyAfterStateAuditTest {
  private static final AfterStateAudit AUDIT =
      new PolicyAfterStateAudit(Map.of(), NodeIpamOptions.reference());

  static MigrationPlan audited(String example) {
    return MigrationPlanner.plan(
        example(example), MigrationPlanner.Options.defaults(), AUDIT, MigrateRenderer.COMMAND_TEXT);
  }

  @Test
  void anIpBlockAllowThatTheMigrationBreaksIsFoundAndItsCompanionComesFirst() {
    MigrationPlan plan = audited("policy-trap");

    assertThat(only(plan).exact()).isTrue();
    assertThat(plan.audit().ran()).isTrue();
    assertThat(plan.audit().findings())
        .isNotEmpty()
        .allSatisfy(
            f -> {
              assertThat(f)
                  .containsEntry("type", "IDENTITY_TRAP")
                  .containsEntry("service", "web/site");
              assertThat(f).containsEntry("source", "shop/checkout-5c8b-p9w2m");
              // A LoadBalancer address is translated under kube-proxy replacement: certain, not
              // latent.
              assertThat(f).containsEntry("active", true).containsEntry("targetPort", 8443);
            });
    assertThat(plan.audit().companionPolicies())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p).containsEntry("kind", "CiliumClusterwideNetworkPolicy");
              assertThat(p.toString()).contains("io.kubernetes.pod.namespace=web").contains("8443");
            });
    assertThat(plan.audit().remaining()).isEmpty();
    Step first = plan.steps().get(0);
    assertThat(first.kind()).isEqualTo(StepKind.APPLY_POLICY);
    assertThat(first.command()).contains("allow-egress-to-web-site");
    assertThat(plan.steps())
        .anyMatch(s -> s.kind() == StepKind.VERIFY && s.command().contains("nodeipam audit"));
  }

  @Test
  void theTrapIsTheMigrationsDoingTheBeforeStateHasNoActiveOne() {
    ClusterSnapshot before = example("policy-trap");
    List<Finding> active =
        Audit.run(before, Map.of(), AuditOptions.defaults()).findings().stream()
            .filter(f -> f.type() == FindingType.IDENTITY_TRAP && f.active())
            .toList();
    assertThat(active).isEmpty();
  }

  @Test
  void theAfterStateIsCleanWithTheCompanionsCheckedByAnIndependentAuditRun() {
    for (String example :
        List.of("seed", "extra-address", "internal-only", "local", "policy-trap")) {
      MigrationPlan plan = audited(example);
      assertThat(plan.audit().remaining()).as(example).isEmpty();
      ClusterSnapshot.Builder b = ClusterSnapshot.builder();
      ClusterSnapshot after = plan.after();
      after.nodes().forEach(b::node);
      after.services().forEach(b::service);
      after.endpointSlices().forEach(b::endpointSlice);
      after.pods().forEach(b::pod);
      after.namespaces().forEach(b::namespace);
      after.policies().forEach(b::policy);
      after.ciliumConfig().ifPresent(b::ciliumConfig);
      ClusterSnapshot withoutCompanions = b.build();
      for (Map<String, Object> p : plan.audit().companionPolicies()) {
        @SuppressWarnings("unchecked")
        String name = (String) ((Map<String, Object>) p.get("metadata")).get("name");
        b.policy(
            new RawObject("cilium.io/v2", "CiliumClusterwideNetworkPolicy", null, name, p, "test"));
      }
      List<String> migrated =
          plan.services().stream()
              .filter(ServiceMigration::steppable)
              .flatMap(m -> m.after().stream())
              .map(p -> p.service().key())
              .toList();
      List<Finding> traps =
          Audit.run(b.build(), Map.of(), AuditOptions.defaults()).findings().stream()
              .filter(f -> f.type() == FindingType.IDENTITY_TRAP && migrated.contains(f.service()))
              .toList();
      assertThat(traps).as(example).isEmpty();
      if (example.equals("policy-trap")) {
        // Not vacuous: the same run without the companions finds the trap.
        assertThat(Audit.run(withoutCompanions, Map.of(), AuditOptions.defaults()).findings())
            .anyMatch(f -> f.type() == FindingType.IDENTITY_TRAP && migrated.contains(f.service()));
      }
    }
  }

  @Test
  void aClusterWithoutPoliciesHasNothingToFixAndSaysSo() {
    MigrationPlan plan = audited("seed");
    assertThat(plan.audit().ran()).isTrue();
    assertThat(plan.audit().findings()).isEmpty();
    assertThat(plan.audit().companionPolicies()).isEmpty();
    assertThat(plan.steps()).noneMatch(s -> s.kind() == StepKind.APPLY_POLICY);
    assertThat(plan.audit().note()).contains("no NetworkPolicy or Cilium policy");
  }

  /**
   * The policy-trap example plus an active trap the plan leaves in place: a LoadBalancer address
   * of another controller's class, translated under kube-proxy replacement, that checkout may
   * reach only by an ipBlock. The after-state audit is {@code audit} of the after-state: it
   * reports that trap, writes no companion for a Service the plan does not change, and does not
   * call the after-state clean.
   */
  @Test
  void aTrapThePlanLeavesInPlaceIsReportedNotCalledClean(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("api.yaml"), """
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: edge}
        spec:
          type: LoadBalancer
          loadBalancerClass: example.com/metal
          selector: {app: api}
          ports: [{name: https, port: 443, targetPort: 8443}]
        status: {loadBalancer: {ingress: [{ip: 203.0.113.20}]}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api-1, namespace: edge, labels: {app: api}}
        spec:
          nodeName: node-a
          containers: [{name: api, image: x, ports: [{name: https, containerPort: 8443}]}]
        status:
          podIP: 10.244.0.30
          podIPs: [{ip: 10.244.0.30}]
          conditions: [{type: Ready, status: "True"}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: checkout-to-api, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: checkout}}
          policyTypes: [Egress]
          egress:
          - to: [{ipBlock: {cidr: 203.0.113.20/32}}]
            ports: [{port: 443, protocol: TCP}]
        """);
    ClusterSnapshot tree =
        ManifestLoader.load(List.of(Path.of("examples/migration/policy-trap"), dir));
    List<Finding> audited = Audit.run(tree, Map.of(), AuditOptions.defaults()).findings().stream()
        .filter(f -> f.type() == FindingType.IDENTITY_TRAP && f.active()).toList();
    assertThat(audited).as("audit of the tree").singleElement()
        .satisfies(f -> assertThat(f.service()).isEqualTo("edge/api"));

    MigrationPlan plan = MigrationPlanner.plan(
        tree, MigrationPlanner.Options.defaults(), AUDIT, MigrateRenderer.COMMAND_TEXT);

    assertThat(plan.audit().findings()).extracting(f -> f.get("service"))
        .containsExactlyInAnyOrder("web/site", "edge/api");
    assertThat(plan.audit().companionPolicies()).singleElement()
        .satisfies(p -> assertThat(p.toString()).contains("io.kubernetes.pod.namespace=web"));
    assertThat(plan.audit().remaining()).singleElement()
        .satisfies(f -> assertThat(f).containsEntry("service", "edge/api")
            .containsEntry("active", true));
    assertThat(plan.audit().note()).contains("2 trapped flows in the after-state")
        .contains("1 at Services the plan does not change: left in place");
    String text = MigrateRenderer.text(plan);
    assertThat(text).contains("Policy audit: 2 trapped flows in the after-state")
        .contains("1 finding remains with the companions")
        .doesNotContain("clean with the companions");
  }
}
