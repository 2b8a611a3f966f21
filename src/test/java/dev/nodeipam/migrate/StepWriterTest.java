package dev.nodeipam.migrate;

import static dev.nodeipam.migrate.MigrationFixtures.cluster;
import static dev.nodeipam.migrate.MigrationFixtures.example;
import static dev.nodeipam.migrate.MigrationFixtures.externalIpService;
import static dev.nodeipam.migrate.MigrationFixtures.plan;
import static dev.nodeipam.testing.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATCH = Pattern.compile("--type=json -p '([^']*)'");
  private static final Pattern MERGE = Pattern.compile("--type=merge -p '([^']*)'");

  /** A stand-in for the policy audit: one companion policy, clean with it. */
  private static final AfterStateAudit ONE_COMPANION =
      (before, after, migrated) ->
          new AuditOutcome(
              true,
              null,
              List.of(Map.of("service", migrated.get(0))),
              List.of(
                  Map.of(
                      "apiVersion",
                      "cilium.io/v2",
                      "kind",
                      "CiliumClusterwideNetworkPolicy",
                      "metadata",
                      Map.of("name", "allow-egress-to-web-site"))),
              List.of(),
              List.of());

  @Test
  void stepsGoPoliciesFirstThenLabelsThenServicesThenChecksThenRollback() {
    MigrationPlan plan =
        MigrationPlanner.plan(
            example("extra-address"),
            MigrationPlanner.Options.defaults(),
            ONE_COMPANION,
            MigrateRenderer.COMMAND_TEXT);
    List<StepKind> kinds = plan.steps().stream().map(Step::kind).toList();

    assertThat(kinds)
        .containsExactly(
            StepKind.APPLY_POLICY,
            StepKind.LABEL_NODES,
            StepKind.MIGRATE_SERVICE,
            StepKind.VERIFY,
            StepKind.VERIFY,
            StepKind.ROLLBACK,
            StepKind.ROLLBACK);
    assertThat(plan.steps().get(0).command())
        .startsWith("kubectl apply -f - <<'NODEIPAM_EOF'\n")
        .contains("kind: \"CiliumClusterwideNetworkPolicy\"")
        .endsWith("\nNODEIPAM_EOF");
    assertThat(plan.steps().get(4).command()).isEqualTo("nodeipam plan\nnodeipam audit");
  }

  @Test
  void theAuditSeesTheServicesTheStepsChangeAndOnlyThose() {
    List<List<String>> seen = new ArrayList<>();
    List<ClusterSnapshot> states = new ArrayList<>();
    AfterStateAudit recording =
        (before, after, migrated) -> {
          seen.add(migrated);
          states.add(after);
          return AuditOutcome.notRun("recording");
        };
    MigrationPlanner.plan(
        example("internal-only"),
        MigrationPlanner.Options.defaults(),
        recording,
        MigrateRenderer.COMMAND_TEXT);

    // wiki would expose a new address and gets no steps: the audit must see it unchanged.
    assertThat(seen)
        .containsExactly(
            List.of("intranet/git", "intranet/git-v4-external", "intranet/git-v4-internal"));
    assertThat(states.get(0).service("intranet", "wiki").orElseThrow().externalIps())
        .containsExactly("10.0.0.10");
    assertThat(states.get(0).service("intranet", "git").orElseThrow().externalIps()).isEmpty();
  }

  @Test
  void withoutThePolicyAuditTheChecksSayItWasNotRun() {
    MigrationPlan plan = plan(example("seed"));
    assertThat(plan.audit().ran()).isFalse();
    assertThat(plan.steps()).noneMatch(s -> s.kind() == StepKind.APPLY_POLICY);
    assertThat(plan.steps())
        .anyMatch(s -> s.kind() == StepKind.VERIFY && s.description().contains("was not run"));
  }

  @Test
  void loadBalancerWithoutClassPassesThroughNodePortBecauseTheClassCannotBeAdded()
      throws IOException {
    Step migrate = step(plan(example("seed")), StepKind.MIGRATE_SERVICE);
    List<List<Map<String, Object>>> patches = patches(migrate.command());

    assertThat(patches).hasSize(2);
    assertThat(patches.get(0)).contains(op("replace", "/spec/type", "NodePort"));
    assertThat(patches.get(1))
        .contains(
            op("test", "/spec/externalIPs", List.of("198.51.100.1", "2001:db8::1", "2001:db8::2")),
            op("replace", "/spec/type", "LoadBalancer"),
            op("add", "/spec/loadBalancerClass", "io.cilium/node"),
            Map.of("op", "remove", "path", "/spec/externalIPs"));
  }

  @Test
  void aServiceWithoutAnnotationsInTheManifestGetsItsSelectorKeyByKeyNeverAWholeMap()
      throws IOException {
    Step migrate = step(plan(example("seed")), StepKind.MIGRATE_SERVICE);
    List<Map<String, Object>> merges = new ArrayList<>();
    Matcher m = MERGE.matcher(migrate.command());
    while (m.find()) {
      merges.add(JSON.readValue(m.group(1), Map.class));
    }

    // The live Service may have annotations the manifest lacks: a merge patch adds one key to
    // them (creating the map only if there is none), and it runs before the type changes.
    assertThat(merges)
        .containsExactly(
            Map.of(
                "metadata",
                Map.of(
                    "annotations",
                    Map.of("io.cilium.nodeipam/match-node-labels", "ingress-ready=true"))));
    assertThat(migrate.command().indexOf("--type=merge"))
        .isLessThan(migrate.command().indexOf("--type=json"));
    List<List<Map<String, Object>>> patches = patches(migrate.command());
    assertThat(patches.get(patches.size() - 1))
        .contains(
            op(
                "test",
                "/metadata/annotations/io.cilium.nodeipam~1match-node-labels",
                "ingress-ready=true"));
    assertThat(patches)
        .flatMap(p -> p)
        .noneMatch(op -> "/metadata/annotations".equals(op.get("path")))
        .noneMatch(op -> "/metadata/labels".equals(op.get("path")))
        .noneMatch(op -> "/metadata".equals(op.get("path")));
  }

  @Test
  void clusterIpServiceBecomesALoadBalancerThatOpensNoNodePorts() throws IOException {
    ClusterSnapshot snapshot =
        cluster(
            List.of(node("node-a").external("198.51.100.1").build()),
            List.of(
                externalIpService(
                    "web", "site",
                    ServiceType.CLUSTER_IP,
                    TrafficPolicy.CLUSTER,
                    List.of(IpFamily.IPV4),
                    "198.51.100.1")));
    MigrationPlan plan = plan(snapshot);
    List<List<Map<String, Object>>> patches =
        patches(step(plan, StepKind.MIGRATE_SERVICE).command());

    assertThat(patches).hasSize(1);
    assertThat(patches.get(0)).contains(op("add", "/spec/allocateLoadBalancerNodePorts", false));
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) plan.services().get(0).manifests().get(0).get("spec");
    assertThat(spec).containsEntry("allocateLoadBalancerNodePorts", false);
  }

  @Test
  void annotationKeysAreEscapedInJsonPointersWhenTheServiceHasAnnotations() throws IOException {
    Service annotated =
        Service.builder()
            .namespace("web")
            .name("site")
            .annotations(Map.of("team", "web"))
            .type(ServiceType.CLUSTER_IP)
            .ipFamilies(List.of(IpFamily.IPV4))
            .ipFamilyPolicy(IpFamilyPolicy.SINGLE_STACK)
            .externalIps(List.of("198.51.100.1"))
            .ports(List.of(new Service.ServicePort(null, "TCP", 80, PortRef.of(80), null)))
            .selector(Map.of("app", "site"))
            .source("test")
            .build();
    MigrationPlan plan =
        plan(cluster(List.of(node("node-a").external("198.51.100.1").build()), List.of(annotated)));
    List<List<Map<String, Object>>> patches =
        patches(step(plan, StepKind.MIGRATE_SERVICE).command());

    assertThat(patches.get(0))
        .contains(
            op(
                "add",
                "/metadata/annotations/io.cilium.nodeipam~1match-node-labels",
                "nodeipam.dev/web.site=true"));
    List<List<Map<String, Object>>> undo = patches(step(plan, StepKind.ROLLBACK).command());
    assertThat(undo.get(0))
        .contains(
            Map.of(
                "op",
                "remove",
                "path",
                "/metadata/annotations/io.cilium.nodeipam~1match-node-labels"))
        .contains(op("replace", "/spec/type", "ClusterIP"))
        .contains(op("add", "/spec/externalIPs", List.of("198.51.100.1")));
  }

  @Test
  void splitTakesExternalIpsOffTheOriginalThenCreatesTheNewServicesAndRollbackDeletesThem()
      throws IOException {
    MigrationPlan plan = plan(example("extra-address"));
    Step migrate = step(plan, StepKind.MIGRATE_SERVICE);
    String[] parts = migrate.command().split("\n", 2);

    assertThat(patches(parts[0]).get(0))
        .contains(Map.of("op", "remove", "path", "/spec/externalIPs"));
    assertThat(parts[1])
        .startsWith("kubectl apply -f - <<'NODEIPAM_EOF'")
        .contains("name: \"site-v4\"")
        .contains("name: \"site-v6\"")
        .contains("nodeipam.dev/migrated-from: \"web/site\"");
    Step rollback =
        plan.steps().stream()
            .filter(s -> s.kind() == StepKind.ROLLBACK && s.subject().equals("web/site"))
            .findFirst()
            .orElseThrow();
    assertThat(rollback.command()).startsWith("kubectl delete service -n web site-v4 site-v6\n");
    assertThat(patches(rollback.command()).get(0))
        .contains(
            op("add", "/spec/externalIPs", List.of("198.51.100.1", "2001:db8::1", "2001:db8::2")));
  }

  @Test
  void labelRollbackRemovesOnlyTheLabelsThePlanAdded() {
    MigrationPlan plan = plan(example("extra-address"));
    List<Step> labels =
        plan.steps().stream().filter(s -> s.kind() == StepKind.LABEL_NODES).toList();
    assertThat(labels)
        .extracting(Step::command)
        .containsExactly("kubectl label node --overwrite node-a nodeipam.dev/web.site-v4=true");
    assertThat(plan.steps().get(plan.steps().size() - 1).command())
        .isEqualTo("kubectl label node node-a nodeipam.dev/web.site-v4-");
  }

  @Test
  void everyStepIsValidShell(@TempDir Path dir) throws Exception {
    for (String example :
        List.of("seed", "extra-address", "internal-only", "local", "policy-trap")) {
      MigrationPlan plan = plan(example(example));
      for (Step s : plan.steps()) {
        Path script = dir.resolve("step.sh");
        Files.writeString(script, MigrateRenderer.script(s));
        Process p =
            new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(example + " " + s.kind() + ": " + out).isZero();
      }
    }
  }

  @Test
  void shellQuotingKeepsWordsWholeAndSingleQuotesEscaped() {
    assertThat(StepWriter.shell("node-a")).isEqualTo("node-a");
    assertThat(StepWriter.shell("a b")).isEqualTo("'a b'");
    assertThat(StepWriter.shell("it's")).isEqualTo("'it'\\''s'");
  }

  private static Step step(MigrationPlan plan, StepKind kind) {
    return plan.steps().stream().filter(s -> s.kind() == kind).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static List<List<Map<String, Object>>> patches(String command) throws IOException {
    List<List<Map<String, Object>>> out = new ArrayList<>();
    Matcher m = PATCH.matcher(command);
    while (m.find()) {
      out.add(JSON.readValue(m.group(1), List.class));
    }
    return out;
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    return Map.of("op", op, "path", path, "value", value);
  }
}
