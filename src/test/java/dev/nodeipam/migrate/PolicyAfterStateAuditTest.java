package dev.nodeipam.migrate;

import static dev.nodeipam.migrate.MigrationFixtures.example;
import static dev.nodeipam.migrate.MigrationFixtures.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.Finding;
import dev.nodeipam.audit.FindingType;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
