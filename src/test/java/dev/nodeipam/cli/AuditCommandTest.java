package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nodeipam audit}: exit codes, the JSON contract, formats, --companions-only. */
class AuditCommandTest {
  private static final String CLUSTER = "examples/istio-trap/cluster";
  private static final String AUDIT = "examples/istio-trap/audit";



  @Test
  void activeTrap_exits3_byDefault_and0_withFailOnNever() {
    assertThat(CliRun.of("audit", "-f", CLUSTER).exitCode()).isEqualTo(3);
    assertThat(CliRun.of("audit", "-f", CLUSTER, "--fail-on", "never").exitCode()).isZero();
  }

  @Test
  void latentTrapsAreWarnings_exit0_onError_and3_onWarning() {
    assertThat(
            CliRun.of("audit", "-f", CLUSTER, "--set", "bpf-lb-sock-hostns-only=false")
                .exitCode())
        .isZero();
    assertThat(CliRun.of("audit", "-f", CLUSTER, "--set", "bpf-lb-sock-hostns-only=false",
        "--fail-on", "warning").exitCode()).isEqualTo(3);
  }

  @Test
  void cleanCluster_exits0_evenWithFailOnWarning() {
    assertThat(CliRun.of("audit", "-f", "examples/istio-trap/cluster/nodes.yaml",
        "--fail-on", "warning")
        .exitCode()).isZero();
  }

  @Test
  void badInput_exits2_withOneLineNamingTheProblem() {
    CliRun missing = CliRun.of("audit", "-f", "does/not/exist.yaml");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("does/not/exist.yaml").doesNotContain("Exception");
    CliRun badSet = CliRun.of("audit", "-f", CLUSTER, "--set", "kube-proxy-replacement=maybe");
    assertThat(badSet.exitCode()).isEqualTo(2);
    assertThat(badSet.err().lines().count()).isEqualTo(1);
    assertThat(CliRun.of("audit", "-f", CLUSTER, "--fail-on", "sometimes").exitCode()).isEqualTo(2);
    assertThat(CliRun.of("audit", "-f", CLUSTER, "--set", "no-such-key=1").exitCode()).isEqualTo(2);
  }

  @Test
  void json_hasExactlyTheContractedFields() throws Exception {
    CliRun r = CliRun.of("audit", "-f", CLUSTER, "-o", "json");
    assertThat(r.exitCode()).isEqualTo(3);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    JsonNode trap = null;
    for (JsonNode f : doc.path("findings")) {
      if (f.path("source").asText().equals("hermes/hermes-atlas")) {
        trap = f;
      }
    }
    assertThat(trap).isNotNull();
    List<String> names = new ArrayList<>();
    trap.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsSubsequence("type", "severity", "active", "direction", "service",
        "address", "port", "targetPort", "protocol", "source", "policies", "message");
    assertThat(trap.path("type").asText()).isEqualTo("IDENTITY_TRAP");
    assertThat(trap.path("severity").asText()).isEqualTo("error");
    assertThat(trap.path("active").isBoolean()).isTrue();
    assertThat(trap.path("direction").asText()).isEqualTo("egress");
    assertThat(trap.path("service").asText()).isEqualTo("istio-system/istio-ingressgateway");
    assertThat(trap.path("address").asText()).isEqualTo("24.85.233.58");
    assertThat(trap.path("port").isInt()).isTrue();
    assertThat(trap.path("port").asInt()).isEqualTo(443);
    assertThat(trap.path("targetPort").asInt()).isEqualTo(8443);
    assertThat(trap.path("protocol").asText()).isEqualTo("TCP");
    JsonNode policy = trap.path("policies").get(0);
    assertThat(policy.path("kind").asText()).isEqualTo("NetworkPolicy");
    assertThat(policy.path("namespace").asText()).isEqualTo("hermes");
    assertThat(policy.path("name").asText()).isEqualTo("hermes-atlas-allow-egress");
    assertThat(trap.path("message").asText()).isNotBlank();
    JsonNode companion = doc.path("companionPolicies").get(0);
    assertThat(companion.path("apiVersion").asText()).isEqualTo("cilium.io/v2");
    assertThat(companion.path("kind").asText()).isEqualTo("CiliumClusterwideNetworkPolicy");
    assertThat(companion.path("spec").path("egress").get(0).path("toPorts").get(0).path("ports")
        .get(0).path("port").isTextual()).as("Cilium ports are strings").isTrue();
  }

  @Test
  void yamlAndMarkdown_carryTheSameFindings() throws Exception {
    JsonNode yaml =
        new YAMLMapper().readTree(CliRun.of("audit", "-f", CLUSTER, "-o", "yaml").out());
    assertThat(yaml.path("findings").size()).isEqualTo(8);
    String md = CliRun.of("audit", "-f", CLUSTER, "-o", "markdown").out();
    assertThat(md).startsWith("# nodeipam audit\n\n**7 policies in 3 namespaces"
            + " stop matching for 24.85.233.58:443/TCP — 7 active, 0 latent.**\n")
        .contains("## `24.85.233.58:443/TCP` (externalIP of `istio-system/istio-ingressgateway`)")
        .contains("| error | active | egress | NetworkPolicy hermes/hermes-atlas-allow-egress"
            + " spec.egress[0] (ipBlock 0.0.0.0/0) | hermes/hermes-atlas (pod) |")
        .contains("```yaml");
  }

  @Test
  void text_groupsByAddressThenPolicyThenSources_andEndsWithTheCompanionYaml() {
    String text = CliRun.of("audit", "-f", CLUSTER, "-f", AUDIT).out();
    int gateway = text.indexOf("\n24.85.233.58:443/TCP  externalIP of istio-system/istio-ingressgateway");
    int shop = text.indexOf("\n24.85.233.60:443/TCP  externalIP of shop/storefront");
    int companions = text.indexOf("Companion policies");
    assertThat(gateway).isNotNegative();
    assertThat(shop).isGreaterThan(gateway);
    assertThat(companions).isGreaterThan(shop);
    assertThat(text.substring(gateway, shop))
        .contains("    NetworkPolicy hermes/hermes-atlas-allow-egress spec.egress[0] (ipBlock"
            + " 0.0.0.0/0)\n      sources: hermes/hermes-atlas (pod)\n");
    assertThat(text.substring(companions)).contains("kind: \"CiliumClusterwideNetworkPolicy\"");
  }

  @Test
  void companionsOnly_printsAMultiDocumentStreamThatClearsTheTraps(@TempDir Path dir)
      throws Exception {
    CliRun r = CliRun.of("audit", "-f", CLUSTER, "-f", AUDIT, "--companions-only");
    assertThat(r.out()).startsWith("---\n");
    Iterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(r.out());
    List<String> kinds = new ArrayList<>();
    docs.forEachRemaining(d -> kinds.add(d.path("kind").asText()));
    assertThat(kinds).hasSize(3).containsOnly("CiliumClusterwideNetworkPolicy");
    Path file = dir.resolve("companions.yaml");
    Files.writeString(file, r.out());
    CliRun after =
        CliRun.of("audit", "-f", CLUSTER, "-f", AUDIT, "-f", file.toString(), "-o", "json");
    JsonNode doc = new ObjectMapper().readTree(after.out());
    for (JsonNode f : doc.path("findings")) {
      assertThat(f.path("type").asText()).isNotEqualTo("IDENTITY_TRAP");
    }
    assertThat(after.exitCode()).as("only warnings are left (externalIPs)").isZero();
  }
}
