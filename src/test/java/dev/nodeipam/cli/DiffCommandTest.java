package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nodeipam diff} on the example that replays the second seed article as a pull request:
 * the before state without the externalIP, the after state with it (examples/pr-externalip).
 */
class DiffCommandTest {
  static final String BEFORE = "examples/pr-externalip/before";
  static final String AFTER = "examples/pr-externalip/after";
  static final String SERVICE_FILE = AFTER + "/istio-system.yaml";
  /** The seven egress policies of the article: source workload, file, line of its rule. */
  static final List<String> BROKEN = List.of(
      "coffee/brewer", "coffee/roaster", "hermes/hermes-atlas", "hermes/hermes-relay",
      "hermes/hermes-scribe", "monitoring/blackbox", "monitoring/uptime");

  @Test
  void article_namesTheBrokenFlows_thePolicies_theLine_andTheCompanion() {
    CliRun run = CliRun.of("diff", "--before", BEFORE, "--after", AFTER);
    assertThat(run.exitCode()).isEqualTo(AuditCommand.EXIT_FINDINGS);
    String out = run.out();
    assertThat(out).contains("Flows newly denied (7)");
    for (String source : BROKEN) {
      assertThat(out).contains("ERROR  " + source + " -> 24.85.233.58:443/TCP");
    }
    // The line that adds the address: "  - 24.85.233.58" in the after state.
    assertThat(out).contains("cause " + SERVICE_FILE + ":20:5");
    // Text is wrapped at 100 columns: phrases are looked for with the line breaks undone.
    String flat = out.replaceAll("\\s*\n\\s*", " ");
    assertThat(flat).contains("why translation appeared: 24.85.233.58 became a frontend"
        + " (externalIP) of istio-system/istio-ingressgateway");
    assertThat(flat).contains("rule NetworkPolicy hermes/hermes-atlas-allow-egress spec.egress[0]"
        + " at " + AFTER + "/hermes.yaml:69:5");
    assertThat(out).contains("fix: companion allow-egress-to-istio-system-istio-ingressgateway");
    assertThat(out).contains("Services newly using externalIPs (1)");
    assertThat(out).contains("kind: \"CiliumClusterwideNetworkPolicy\"").contains("port: \"8443\"");
    assertThat(run.err()).isEmpty();
  }

  /** A pod whose only egress allow is toFQDNs, in both states of the example. */
  private static final String FQDN_CLIENT = """
      apiVersion: v1
      kind: Pod
      metadata: {name: grinder, namespace: coffee, labels: {app: grinder}}
      spec:
        nodeName: node-bgp-2
        containers: [{name: main, image: registry.example/grinder:1.0}]
      status:
        phase: Running
        podIP: 10.244.1.77
        podIPs: [{ip: 10.244.1.77}]
        conditions: [{type: Ready, status: "True"}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: grinder-to-partner, namespace: coffee}
      spec:
        endpointSelector: {matchLabels: {app: grinder}}
        egress:
        - toFQDNs: [{matchName: partner.example.com}]
          toPorts: [{ports: [{port: "443", protocol: TCP}]}]
      """;

  @Test
  void dns_answersMakeAToFqdnsAllowATrapSourceAsInAudit(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("grinder.yaml"), FQDN_CLIENT);
    String both = dir.toString();
    // The name resolves to the address the change makes a frontend: its allow is trapped.
    CliRun answered = CliRun.of("diff", "--before", BEFORE, "--before", both, "--after", AFTER,
        "--after", both, "--dns", "partner.example.com=24.85.233.58");
    assertThat(answered.out()).contains("Flows newly denied (8)")
        .contains("ERROR  coffee/grinder -> 24.85.233.58:443/TCP")
        .contains("rule CiliumNetworkPolicy coffee/grinder-to-partner spec.egress[0]");
    // Unanswered, the allow covers no address: the pod was never allowed there.
    CliRun unanswered = CliRun.of("diff", "--before", BEFORE, "--before", both, "--after",
        AFTER, "--after", both);
    assertThat(unanswered.out()).contains("Flows newly denied (7)")
        .doesNotContain("coffee/grinder ->");
  }

  @Test
  void failOn_asInAudit() {
    assertThat(CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "--fail-on", "never")
        .exitCode()).isZero();
    // The reverse change only removes traps and allows flows: nothing at error or warning.
    CliRun fix = CliRun.of("diff", "--before", AFTER, "--after", BEFORE, "--fail-on", "warning");
    assertThat(fix.exitCode()).isZero();
    assertThat(fix.out()).contains("Flows newly allowed (7)").contains("Identity traps removed (7)");
    CliRun same = CliRun.of("diff", "--before", AFTER, "--after", AFTER, "--fail-on", "warning");
    assertThat(same.exitCode()).isZero();
    assertThat(same.out()).startsWith("No change to the cluster between the two states.");
  }

  @Test
  void companionInTheSameChange_breaksNothing() {
    CliRun run = CliRun.of("diff", "--before", BEFORE, "--after", AFTER,
        "examples/istio-trap/companion", "--fail-on", "error");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).doesNotContain("Flows newly denied").doesNotContain("traps introduced")
        .contains("Services newly using externalIPs (1)");
  }

  @Test
  void json_followsTheContract() throws Exception {
    CliRun run = CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "-o", "json");
    JsonNode doc = new ObjectMapper().readTree(run.out());
    assertThat(doc.path("version").asInt()).isEqualTo(2);
    assertThat(doc.path("summary").path("items").path("NEWLY_DENIED").asInt()).isEqualTo(7);
    assertThat(doc.path("summary").path("error").asInt()).isEqualTo(14);
    assertThat(doc.path("changes").path("services").get(0).asText())
        .isEqualTo("istio-system/istio-ingressgateway");
    List<String> sources = new ArrayList<>();
    for (JsonNode item : doc.path("items")) {
      if (item.path("type").asText().equals("NEWLY_DENIED")) {
        sources.add(item.path("source").asText());
        assertThat(item.path("level").asText()).isEqualTo("error");
        assertThat(item.path("address").asText()).isEqualTo("24.85.233.58");
        assertThat(item.path("port").asInt()).isEqualTo(443);
        assertThat(item.path("targetPort").asInt()).isEqualTo(8443);
        assertThat(item.path("direction").asText()).isEqualTo("egress");
        assertThat(item.path("cause").path("file").asText()).isEqualTo(SERVICE_FILE);
        assertThat(item.path("cause").path("line").asInt()).isEqualTo(20);
        assertThat(item.path("cause").path("column").asInt()).isEqualTo(5);
        JsonNode rule = item.path("rules").get(0);
        assertThat(rule.path("kind").asText()).isEqualTo("NetworkPolicy");
        assertThat(rule.path("rule").asText()).isEqualTo("spec.egress[0]");
        assertThat(rule.path("location").path("line").asInt()).isPositive();
        assertThat(item.path("reasons").get(0).asText()).startsWith("translation appeared");
      }
    }
    assertThat(sources).containsExactlyElementsOf(BROKEN);
    assertThat(doc.path("companionPolicies").get(0).path("metadata").path("name").asText())
        .isEqualTo("allow-egress-to-istio-system-istio-ingressgateway");
    assertThat(doc.path("evaluated").path("everything").asBoolean()).isFalse();
  }

  /** Version 2 items hold an address group; --per-address keeps version 1, one per address. */
  @Test
  void json_groupedByDefault_perAddressOnRequest() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode grouped = json.readTree(
        CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "-o", "json").out());
    JsonNode perAddress = json.readTree(CliRun.of("diff", "--before", BEFORE, "--after", AFTER,
        "-o", "json", "--per-address").out());
    assertThat(perAddress.path("version").asInt()).isEqualTo(1);
    assertThat(perAddress.path("summary")).isEqualTo(grouped.path("summary"));
    for (JsonNode item : grouped.path("items")) {
      if (item.path("type").asText().equals("NEWLY_DENIED")) {
        assertThat(item.path("addresses").get(0).asText()).isEqualTo("24.85.233.58");
        assertThat(item.path("addressCount").asInt()).isEqualTo(1);
        assertThat(item.path("pods").asInt()).isEqualTo(1);
        assertThat(item.path("policies").get(0).path("kind").asText())
            .isEqualTo("NetworkPolicy");
      }
    }
    for (JsonNode item : perAddress.path("items")) {
      assertThat(item.has("addresses")).isFalse();
      assertThat(item.has("pods")).isFalse();
    }
  }

  @Test
  void markdown_summaryTableFirst_detailsFolded() {
    String md = CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "-o", "markdown").out();
    assertThat(md).startsWith("### nodeipam diff\n");
    int table = md.indexOf("| | change | count |");
    int details = md.indexOf("<details");
    assertThat(table).isPositive().isLessThan(details);
    assertThat(md).contains("| :x: | Flows newly denied | 7 |");
    assertThat(md).contains("<summary><b>Identity traps introduced</b> (7)</summary>");
    assertThat(md).contains("`" + SERVICE_FILE + ":20:5`");
    assertThat(md).contains("```yaml\n---\n# allow-egress-to-istio-system-istio-ingressgateway");
  }

  @Test
  void usageAndBadInput_exit2_withOneLine() {
    CliRun none = CliRun.of("diff");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.errLines()).hasSize(1);
    assertThat(CliRun.of("diff", "--base", "HEAD", "--before", BEFORE).exitCode()).isEqualTo(2);
    assertThat(CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "-f", AFTER).exitCode())
        .isEqualTo(2);
    assertThat(CliRun.of("diff", "--before", BEFORE, "--after", AFTER, "-o", "yaml").exitCode())
        .isEqualTo(2);
    CliRun missing = CliRun.of("diff", "--before", "no/such/dir", "--after", AFTER);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("nodeipam: --before: no/such/dir: no such file or"
        + " directory\n");
  }
}
