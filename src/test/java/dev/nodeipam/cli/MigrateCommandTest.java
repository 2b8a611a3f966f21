package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.Json;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MigrateCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();



  /**
   * Under Cilium 1.19 the Node IPAM addresses migrate publishes are node addresses with wildcard
   * service entries (cilium/cilium#40684, #43206): NODE_IP_AS_LB_VIP comes before the steps, with
   * the fixing PRs; 1.18 has none.
   */
  @Test
  void nodeAddressVipsUnderCilium119ComeBeforeTheSteps() throws IOException {
    // Node IPAM's own class is no wildcard candidate in 1.19.0+ (cilium/cilium#43565); a class
    // Cilium announces itself is.
    CliRun nodeIpam =
        CliRun.of("migrate", "-f", "examples/migration/seed", "--cilium-version", "1.19");
    assertThat(nodeIpam.exitCode()).isZero();
    assertThat(nodeIpam.out()).doesNotContain("NODE_IP_AS_LB_VIP");
    CliRun text = CliRun.of("migrate", "-f", "examples/migration/seed", "--cilium-version", "1.19",
        "--load-balancer-class", "io.cilium/l2-announcer");
    assertThat(text.exitCode()).isZero();
    int error = text.out().indexOf("error: NODE_IP_AS_LB_VIP");
    assertThat(error).isNotNegative().isLessThan(text.out().indexOf("Steps:"));
    assertThat(text.out()).contains("#45572");
    JsonNode doc = MAPPER.readTree(
        CliRun.of("migrate", "-f", "examples/migration/seed", "-o", "json",
            "--cilium-version", "1.19",
            "--load-balancer-class", "io.cilium/l2-announcer").out());
    assertThat(names(doc)).containsSubsequence("nodeAddressFindings", "steps");
    assertThat(doc.get("ciliumVersion").get("from").asText()).isEqualTo("--cilium-version");
    assertThat(text.out()).contains("Cilium 1.19 (--cilium-version)");
    assertThat(doc.get("nodeAddressFindings")).isNotEmpty().allSatisfy(
        f -> assertThat(f.get("type").asText()).isEqualTo("NODE_IP_AS_LB_VIP"));
    JsonNode older = MAPPER.readTree(
        CliRun.of("migrate", "-f", "examples/migration/seed", "-o", "json",
            "--cilium-version", "1.18")
            .out());
    assertThat(older.get("nodeAddressFindings")).isEmpty();
  }

  /**
   * The after-state audit judges toFQDNs rules with --dns / --dns-file answers, as audit and trace
   * do: a toFQDNs allow of the address Node IPAM publishes is a trap source like a CIDR allow
   * (Cilium allows the answers' addresses as CIDR identities, pkg/fqdn; after translation the
   * backend's identity is judged instead).
   */
  @Test
  void theAfterStateAuditJudgesToFqdnsWithTheDnsAnswers(@TempDir Path dir) throws IOException {
    String cluster = Files.readString(Path.of("examples/migration/policy-trap/cluster.yaml"));
    int np = cluster.indexOf("apiVersion: networking.k8s.io/v1");
    assertThat(np).isPositive();
    Files.writeString(dir.resolve("cluster.yaml"), cluster.substring(0, np) + """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: checkout-egress, namespace: shop}
        spec:
          endpointSelector: {matchLabels: {app: checkout}}
          egress:
          - toFQDNs: [{matchName: site.example.com}]
            toPorts: [{ports: [{port: "443", protocol: TCP}]}]
        """);
    Path answers = dir.resolve("answers.txt");
    Files.writeString(answers, "# name address\nsite.example.com 198.51.100.1\n");
    String f = dir.resolve("cluster.yaml").toString();

    JsonNode withDns = MAPPER.readTree(
        CliRun.of("migrate", "-f", f, "-o", "json", "--dns", "site.example.com=198.51.100.1")
            .out());
    assertThat(withDns.get("policyAudit").get("findings")).isNotEmpty().allSatisfy(t -> {
      assertThat(t.get("type").asText()).isEqualTo("IDENTITY_TRAP");
      assertThat(t.get("source").asText()).isEqualTo("shop/checkout-5c8b-p9w2m");
    });
    assertThat(withDns.get("companionPolicies")).isNotEmpty();
    assertThat(withDns.get("policyAudit").get("remainingWithCompanions")).isEmpty();

    JsonNode fromFile = MAPPER.readTree(
        CliRun.of("migrate", "-f", f, "-o", "json", "--dns-file", answers.toString()).out());
    assertThat(fromFile.get("policyAudit").get("findings")).isEqualTo(withDns.get("policyAudit").get("findings"));

    // Without answers the toFQDNs rule allows no address, so nothing it allows can be trapped.
    JsonNode without = MAPPER.readTree(CliRun.of("migrate", "-f", f, "-o", "json").out());
    assertThat(without.get("policyAudit").get("findings")).isEmpty();

    CliRun bad = CliRun.of("migrate", "-f", f, "--dns", "site.example.com");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--dns site.example.com: expected NAME=IP");
    assertThat(bad.out()).isEmpty();
  }

  @Test
  void verboseIsTakenOnlyWhereTheTextListsTheDatapathSettings() {
    // migrate, diff and guard print no datapath settings: a --verbose there would do nothing.
    for (String[] args : List.of(
        new String[] {"migrate", "-f", "examples/migration/seed", "--verbose"},
        new String[] {"diff", "--before", "examples/pr-externalip/before", "--after",
            "examples/pr-externalip/after", "--verbose"})) {
      CliRun r = CliRun.of(args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).contains("--verbose");
    }
    CliRun audit = CliRun.of("audit", "-f", "examples/istio-trap/cluster", "--verbose");
    assertThat(audit.exitCode()).isNotEqualTo(2);
    assertThat(audit.out()).contains("enable-ipv6=false");
  }

  @Test
  void jsonFollowsTheContract() throws IOException {
    CliRun r = CliRun.of("migrate", "-f", "examples/migration/extra-address", "-o", "json");
    assertThat(r.exitCode()).isZero();
    JsonNode doc = MAPPER.readTree(r.out());

    assertThat(names(doc))
        .containsSubsequence("services", "nodeLabels", "companionPolicies", "steps");
    JsonNode s = doc.get("services").get(0);
    assertThat(names(s))
        .containsSubsequence(
            "namespace",
            "name",
            "externalIPs",
            "migratable",
            "published",
            "added",
            "lost",
            "warnings",
            "manifests");
    assertThat(s.get("namespace").asText()).isEqualTo("web");
    assertThat(s.get("name").asText()).isEqualTo("site");
    assertThat(s.get("migratable").asBoolean()).isTrue();
    assertThat(texts(s.get("published")))
        .containsExactly("198.51.100.1", "2001:db8::1", "2001:db8::2");
    assertThat(s.get("added")).isEmpty();
    assertThat(s.get("lost")).isEmpty();
    for (JsonNode manifest : s.get("manifests")) {
      assertThat(manifest.get("apiVersion").asText()).isEqualTo("v1");
      assertThat(manifest.get("kind").asText()).isEqualTo("Service");
      assertThat(names(manifest.get("metadata"))).contains("name", "namespace");
      assertThat(manifest.get("spec").has("externalIPs")).isFalse();
      assertThat(manifest.get("spec").get("ports").get(0).get("port").isInt()).isTrue();
    }
    JsonNode labels = doc.get("nodeLabels").get(0);
    assertThat(labels.get("node").asText()).isEqualTo("node-a");
    assertThat(labels.get("labels").get("nodeipam.dev/web.site-v4").asText()).isEqualTo("true");
    Set<String> kinds =
        Set.of("apply-policy", "label-nodes", "migrate-service", "verify", "rollback");
    for (JsonNode step : doc.get("steps")) {
      assertThat(names(step)).containsExactly("kind", "description", "command");
      assertThat(kinds).contains(step.get("kind").asText());
    }
  }

  @Test
  void yamlQuotesStringsAndKeepsNumbersNumbers() {
    CliRun r = CliRun.of("migrate", "-f", "examples/migration/seed", "-o", "yaml");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("io.cilium.nodeipam/match-node-labels: \"ingress-ready=true\"")
        .contains("- \"198.51.100.1\"")
        .contains("port: 80")
        .contains("migratable: true");
  }

  /**
   * The contract of the issue: once the labels and manifests are applied, {@code nodeipam plan}
   * prints exactly what {@code migrate} promised. Checked through YAML: the manifests as written,
   * the nodes with the labels added, read back by the loader, planned by the plan command.
   */
  @ParameterizedTest
  @ValueSource(strings = {"seed", "extra-address", "internal-only", "local", "policy-trap"})
  void whatMigratePromisesIsWhatPlanPrintsOnTheAppliedManifests(String example, @TempDir Path dir)
      throws IOException {
    Path input = Path.of("examples/migration", example);
    JsonNode plan =
        MAPPER.readTree(CliRun.of("migrate", "-f", input.toString(), "-o", "json").out());
    ClusterSnapshot before = ManifestLoader.load(List.of(input));

    Map<String, Map<String, String>> added = new HashMap<>();
    for (JsonNode n : plan.get("nodeLabels")) {
      Map<String, String> labels = new TreeMap<>();
      n.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      added.put(n.get("node").asText(), labels);
    }
    List<Object> objects = new ArrayList<>();
    for (Node n : before.nodes()) {
      Map<String, String> labels = new TreeMap<>(n.labels());
      labels.putAll(added.getOrDefault(n.name(), Map.of()));
      List<Object> addresses = new ArrayList<>();
      n.addresses().forEach(a -> addresses.add(Map.of("type", a.type(), "address", a.address())));
      objects.add(
          Map.of(
              "apiVersion",
              "v1",
              "kind",
              "Node",
              "metadata",
              Map.of("name", n.name(), "labels", labels),
              "status",
              Map.of("addresses", addresses)));
    }
    List<JsonNode> steppable = new ArrayList<>();
    for (JsonNode s : plan.get("services")) {
      if (s.get("migratable").asBoolean() && s.get("added").isEmpty()) {
        steppable.add(s);
        for (JsonNode m : s.get("manifests")) {
          objects.add(MAPPER.convertValue(m, Map.class));
        }
      }
    }
    Files.writeString(dir.resolve("after.yaml"), Json.yamlDocuments(objects));
    Files.writeString(
        dir.resolve("slices.yaml"),
        Files.exists(input.resolve("cluster.yaml")) ? slicesOf(input.resolve("cluster.yaml")) : "");
    JsonNode planned = MAPPER.readTree(CliRun.of("plan", "-f", dir.toString(), "-o", "json").out());
    Map<String, List<String>> ingress = new HashMap<>();
    for (JsonNode s : planned.get("services")) {
      ingress.put(
          s.get("namespace").asText() + "/" + s.get("name").asText(),
          s.get("ingress").isNull() ? null : texts(s.get("ingress")));
    }
    assertThat(steppable).isNotEmpty();
    for (JsonNode s : steppable) {
      List<String> fromPlan = new ArrayList<>();
      for (JsonNode part : s.get("services")) {
        if (!part.get("role").asText().equals("original")) {
          String key = s.get("namespace").asText() + "/" + part.get("name").asText();
          assertThat(ingress.get(key)).as(key).isEqualTo(texts(part.get("published")));
          fromPlan.addAll(ingress.get(key));
        }
      }
      assertThat(fromPlan).isEqualTo(texts(s.get("published")));
    }
  }

  /**
   * The EndpointSlices of an example (ETP Local needs them), copied and renamed for new Services.
   */
  private static String slicesOf(Path file) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String doc : Files.readString(file).split("(?m)^---$")) {
      if (doc.contains("kind: EndpointSlice")) {
        out.append("---").append(doc).append("\n");
      }
    }
    return out.toString();
  }

  @Test
  void outWritesOneScriptPerStepAReadmeAndThePlan(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("plan");
    CliRun r =
        CliRun.of(
            "migrate",
            "-f",
            "examples/migration/extra-address",
            "-o",
            "json",
            "--out",
            dir.toString());
    assertThat(r.exitCode()).isZero();
    JsonNode doc = MAPPER.readTree(r.out());
    List<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(p -> p.getFileName().toString()).sorted().toList();
    }
    int steps = doc.get("steps").size();
    // The steps, README, plan, and the optional lock step: a script and its two manifests.
    assertThat(files).hasSize(steps + 2 + 3).contains("README.md", "plan.json",
        String.format("%02d-lock-externalips.sh", steps + 1),
        "lock-externalips-admission-policy.yaml", "lock-externalips-kyverno.yaml");
    assertThat(files.get(0)).isEqualTo("01-label-nodes-node-a.sh");
    assertThat(files).contains("02-migrate-service-web.site.sh");
    assertThat(Files.readString(dir.resolve("02-migrate-service-web.site.sh")))
        .startsWith("#!/bin/sh\n# migrate-service: ")
        .contains(doc.get("steps").get(1).get("command").asText());
    assertThat(Files.readString(dir.resolve("plan.json"))).isEqualTo(r.out());
    assertThat(Files.readString(dir.resolve("README.md")))
        .contains("| `web/site` | yes |")
        .contains("`01-label-nodes-node-a.sh`");
    assertThat(r.err()).contains("wrote " + (steps + 2 + 3) + " files"); // and the lock step
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("plan");
    }
  }

  @Test
  void outRefusesANonEmptyDirectoryAndForceReplacesOnlyThePlanFiles(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("plan");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Files.writeString(dir.resolve("09-verify-old.sh"), "old");

    CliRun refused = CliRun.of("migrate", "-f", "examples/migration/seed", "--out", dir.toString());
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("not empty").contains("--force");
    assertThat(refused.out()).isEmpty();

    CliRun forced =
        CliRun.of("migrate", "-f", "examples/migration/seed", "--out", dir.toString(), "--force");
    assertThat(forced.exitCode()).isZero();
    try (Stream<Path> list = Files.list(dir)) {
      List<String> files = list.map(p -> p.getFileName().toString()).toList();
      assertThat(files)
          .contains("notes.txt", "README.md", "plan.json", "01-migrate-service-web.site.sh")
          .doesNotContain("09-verify-old.sh");
    }
    assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
  }

  @Test
  void outThatCannotBeWrittenLeavesNothingBehind(@TempDir Path tmp) throws IOException {
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    CliRun r =
        CliRun.of("migrate", "-f", "examples/migration/seed",
            "--out", file.resolve("plan").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    try (Stream<Path> list = Files.list(tmp)) {
      assertThat(list.map(p -> p.getFileName().toString())).containsExactly("a-file");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "migrate -f examples/migration/no-such-dir",
        "migrate -f examples/migration/seed --service not-a-key",
        "migrate -f examples/migration/seed --service web/nope",
        "migrate -f examples/migration/seed -o markdown",
        "migrate -f examples/migration/seed --force",
        "migrate -f examples/migration/seed --out"
      })
  void badInputOrUsageExitsTwoWithOneLineAndNoStackTrace(String line) {
    CliRun r = CliRun.of(line.split(" "));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("nodeipam: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anAlreadyMigratedClusterIsANoOp() throws IOException {
    CliRun text = CliRun.of("migrate", "-f", "examples/seed");
    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).isEqualTo("Nothing to migrate: no Service uses spec.externalIPs.\n");
    JsonNode doc = MAPPER.readTree(CliRun.of("migrate", "-f", "examples/seed", "-o", "json").out());
    assertThat(doc.get("services")).isEmpty();
    assertThat(doc.get("steps")).isEmpty();
    assertThat(doc.get("nodeLabels")).isEmpty();
  }

  @Test
  void serviceFlagMigratesOnlyTheNamedServices() throws IOException {
    JsonNode doc =
        MAPPER.readTree(
            CliRun.of(
                    "migrate",
                    "-f",
                    "examples/migration/internal-only",
                    "--service",
                    "intranet/git",
                    "-o",
                    "json")
                .out());
    assertThat(doc.get("services")).hasSize(1);
    assertThat(doc.get("services").get(0).get("name").asText()).isEqualTo("git");
  }

  @Test
  void companionPoliciesOfTheAfterStateAuditAreInTheJsonAndTheFirstStep() throws IOException {
    JsonNode doc =
        MAPPER.readTree(
            CliRun.of("migrate", "-f", "examples/migration/policy-trap", "-o", "json").out());
    assertThat(doc.get("companionPolicies")).hasSize(1);
    assertThat(doc.get("companionPolicies").get(0).get("kind").asText())
        .isEqualTo("CiliumClusterwideNetworkPolicy");
    assertThat(doc.get("steps").get(0).get("kind").asText()).isEqualTo("apply-policy");
    assertThat(doc.get("policyAudit").get("ran").asBoolean()).isTrue();
    assertThat(doc.get("policyAudit").get("remainingWithCompanions")).isEmpty();
    CliRun text = CliRun.of("migrate", "-f", "examples/migration/policy-trap");
    assertThat(text.out())
        .contains(
            "Policy audit: 1 trapped flow in the after-state, 1 companion policy, clean with"
                + " the companions");
  }

  @Test
  void noAuditSaysPlainlyThatThePolicyAuditWasNotRun() throws IOException {
    CliRun r = CliRun.of("migrate", "-f", "examples/migration/policy-trap", "--no-audit");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Policy audit: NOT RUN: the policy audit was skipped");
    JsonNode doc =
        MAPPER.readTree(
            CliRun.of("migrate", "-f", "examples/migration/policy-trap", "--no-audit", "-o", "json")
                .out());
    assertThat(doc.get("policyAudit").get("ran").asBoolean()).isFalse();
    assertThat(doc.get("companionPolicies")).isEmpty();
  }

  @Test
  void anUnknownDatapathSettingIsAUsageError() {
    CliRun r = CliRun.of("migrate", "-f", "examples/migration/seed", "--set", "no-such-key=1");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--set no-such-key");
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
