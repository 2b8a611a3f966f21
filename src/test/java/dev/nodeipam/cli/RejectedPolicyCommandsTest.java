package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CiliumNetworkPolicy the agent rejects (section 9 of the policy model) is a POLICY_REJECTED
 * finding in every format of {@code audit}, an item of {@code diff}, not bad input, and the
 * identity trap follows it: a rejected policy enforces nothing, so it traps nothing. The policy
 * combines toCIDR with toEndpoints in one egress entry, as Cilium's training repository's
 * invalid-policy.yaml combines toEndpoints with toEntities ({@code EgressCommonRule.Validate},
 * {@code pkg/policy/api/rule_validation.go}).
 */
class RejectedPolicyCommandsTest {
  private static final String CLUSTER = """
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.1}]
        conditions: [{type: Ready, status: "True"}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client-1, namespace: app, labels: {app: client}}
      spec: {nodeName: n1}
      status: {phase: Running, podIP: 10.0.1.10, podIPs: [{ip: 10.0.1.10}]}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web-1, namespace: edge, labels: {app: web}}
      spec:
        nodeName: n1
        containers: [{name: web, ports: [{name: https, containerPort: 8443}]}]
      status: {phase: Running, podIP: 10.0.2.10, podIPs: [{ip: 10.0.2.10}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: edge}
      spec:
        clusterIP: 10.96.0.50
        selector: {app: web}
        ports: [{name: https, port: 443, targetPort: https}]
        externalIPs: [198.51.100.7]
      """;

  private static String policy(boolean valid) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: client-egress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toCIDR: [0.0.0.0/0]
        %s    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
        """.formatted(valid ? "" : "    toEndpoints: [{matchLabels: {app: dns}}]\n");
  }

  private static Path state(Path dir, String name, String... docs) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("cluster.yaml"), String.join("\n---\n", docs));
    return d;
  }

  @Test
  void auditReportsTheRejectedPolicyInEveryFormatAndNoTrap(@TempDir Path dir) throws Exception {
    Path rejected = state(dir, "rejected", CLUSTER, policy(false));
    String f = rejected.toString();
    CliRun text = CliRun.of("audit", "-f", f, "--set", "kube-proxy-replacement=true");
    assertThat(text.exitCode()).as(text.err()).isEqualTo(3);
    assertThat(text.out().replaceAll("\\s+", " "))
        .contains("POLICY_REJECTED")
        .contains("CiliumNetworkPolicy app/client-egress is not enforced")
        .contains("combining ToCIDR and ToEndpoints is not supported yet")
        .doesNotContain("IDENTITY_TRAP");
    assertThat(text.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));

    JsonNode json = new ObjectMapper().readTree(
        CliRun.of("audit", "-f", f, "--set", "kube-proxy-replacement=true", "-o", "json").out());
    JsonNode finding = json.path("findings").get(types(json.path("findings"))
        .indexOf("POLICY_REJECTED"));
    assertThat(finding.path("type").asText()).isEqualTo("POLICY_REJECTED");
    assertThat(finding.path("severity").asText()).isEqualTo("error");
    assertThat(finding.path("reason").asText()).isEqualTo("PEER_KINDS_COMBINED");
    assertThat(finding.path("path").asText()).isEqualTo("spec.egress[0]");
    assertThat(finding.path("policies").get(0).path("name").asText()).isEqualTo("client-egress");
    assertThat(types(json.path("findings")))
        .containsExactlyInAnyOrder("POLICY_REJECTED", "EXTERNAL_IPS");
    assertThat(json.path("summary").path("error").asInt()).isEqualTo(1);

    String sarif = CliRun.of("audit", "-f", f, "--set", "kube-proxy-replacement=true",
        "-o", "sarif").out();
    assertThat(sarif).contains("nodeipam/audit/policy-rejected").contains("\"error\"");
    String markdown = CliRun.of("audit", "-f", f, "--set", "kube-proxy-replacement=true",
        "-o", "markdown").out();
    assertThat(markdown).contains("POLICY_REJECTED");
  }

  @Test
  void theSamePolicyAcceptedTrapsTheServiceAddress(@TempDir Path dir) throws Exception {
    Path valid = state(dir, "valid", CLUSTER, policy(true));
    JsonNode json = new ObjectMapper().readTree(CliRun.of("audit", "-f", valid.toString(),
        "--set", "kube-proxy-replacement=true", "-o", "json").out());
    assertThat(types(json.path("findings")))
        .containsExactlyInAnyOrder("IDENTITY_TRAP", "EXTERNAL_IPS");
  }

  @Test
  void diffReportsANewlyRejectedPolicyAndNoTrap(@TempDir Path dir) throws Exception {
    Path before = state(dir, "before", CLUSTER);
    Path rejected = state(dir, "rejected", CLUSTER, policy(false));
    Path valid = state(dir, "valid", CLUSTER, policy(true));
    JsonNode broken = new ObjectMapper().readTree(CliRun.of("diff", "--before",
        before.toString(), "--after", rejected.toString(), "--set",
        "kube-proxy-replacement=true", "-o", "json").out());
    assertThat(types(broken.path("items"))).containsExactly("POLICY_REJECTED");
    CliRun text = CliRun.of("diff", "--before", before.toString(), "--after",
        rejected.toString(), "--set", "kube-proxy-replacement=true");
    assertThat(text.exitCode()).isEqualTo(3);
    assertThat(text.out().replaceAll("\\s+", " "))
        .contains("Policies the agent rejects (1) ERROR CiliumNetworkPolicy app/client-egress")
        .contains("why Invalid CiliumNetworkPolicy spec: combining ToCIDR and ToEndpoints");
    JsonNode fixed = new ObjectMapper().readTree(CliRun.of("diff", "--before",
        rejected.toString(), "--after", valid.toString(), "--set",
        "kube-proxy-replacement=true", "-o", "json").out());
    assertThat(types(fixed.path("items"))).contains("TRAP_INTRODUCED")
        .doesNotContain("POLICY_REJECTED");
  }

  private static List<String> types(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.path("type").asText()));
    return out;
  }

  @Test
  void traceNamesTheRejectedPolicy(@TempDir Path dir) throws Exception {
    Path rejected = state(dir, "rejected", CLUSTER, policy(false));
    CliRun run = CliRun.of("trace", "-f", rejected.toString(), "--from", "app/client-1",
        "--to", "198.51.100.7:443", "--set", "kube-proxy-replacement=true");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().replaceAll("\\s+", " "))
        .contains("not enforced: CiliumNetworkPolicy app/client-egress")
        .contains("the agent rejects it: Invalid CiliumNetworkPolicy spec: combining ToCIDR");
  }
}
