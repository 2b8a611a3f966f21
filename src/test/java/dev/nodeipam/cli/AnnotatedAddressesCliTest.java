package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * E13 through the commands: a VPS whose public address is NAT'd to it (cilium/cilium#32133) has it
 * only in its {@code nodeipam.dev/external-ips} annotation; a second node's annotation is invalid.
 */
class AnnotatedAddressesCliTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String WARNING =
      "nodeipam: warning: node vps-2: annotation nodeipam.dev/external-ips ignored: \"gateway\" is"
          + " not an IP address";

  private static final String NODES = """
      apiVersion: v1
      kind: Node
      metadata:
        name: vps-1
        labels: {kubernetes.io/hostname: vps-1, edge: "yes"}
        annotations: {nodeipam.dev/external-ips: "203.0.113.7"}
      status:
        addresses: [{type: InternalIP, address: 10.0.0.1}]
      ---
      apiVersion: v1
      kind: Node
      metadata:
        name: vps-2
        labels: {kubernetes.io/hostname: vps-2}
        annotations: {nodeipam.dev/external-ips: "203.0.113.8,gateway"}
      status:
        addresses: [{type: InternalIP, address: 10.0.0.2}]
      """;

  /** The text with its wrapping undone. */
  private static String oneLine(String text) {
    return text.replaceAll("\\s+", " ");
  }

  private static Path tree(Path dir, String services) throws IOException {
    Files.writeString(dir.resolve("cluster.yaml"), NODES + "---\n" + services);
    return dir;
  }

  @Test
  void planNotesTheServiceThatDependsOnTheAnnotationAndWarnsOfTheInvalidOne(@TempDir Path dir)
      throws IOException {
    tree(dir, """
        apiVersion: v1
        kind: Service
        metadata:
          name: site
          namespace: web
          annotations: {io.cilium.nodeipam/match-node-labels: "edge=yes"}
        spec:
          type: LoadBalancer
          loadBalancerClass: io.cilium/node
          ports: [{port: 80}]
        """);
    CliRun text = CliRun.of("plan", "-f", dir.toString());
    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).contains("ingress    203.0.113.7");
    assertThat(text.out()).contains("note       publishes 203.0.113.7 by nodeipam's own extension");
    assertThat(oneLine(text.out()))
        .contains("(annotation nodeipam.dev/external-ips), which Cilium's Node IPAM ignores");
    assertThat(text.errLines()).contains(WARNING);

    CliRun json = CliRun.of("plan", "-f", dir.toString(), "-o", "json");
    JsonNode site = MAPPER.readTree(json.out()).get("services").get(0);
    assertThat(site.get("ingress").get(0).asText()).isEqualTo("203.0.113.7");
    assertThat(site.get("fromAnnotation").get(0).asText()).isEqualTo("203.0.113.7");

    CliRun audit = CliRun.of("audit", "-f", dir.toString());
    assertThat(audit.errLines()).contains(WARNING);
  }

  @Test
  void migrateMovesAnExternalIpThatOnlyANodesAnnotationCarries(@TempDir Path dir)
      throws IOException {
    tree(dir, """
        apiVersion: v1
        kind: Service
        metadata: {name: site, namespace: web}
        spec:
          type: ClusterIP
          selector: {app: site}
          externalIPs: [203.0.113.7]
          ports: [{port: 80}]
        """);
    CliRun run = CliRun.of("migrate", "-f", dir.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).doesNotContain("not an address of any node");
    assertThat(run.out()).contains("result       addresses preserved exactly");
    assertThat(oneLine(run.out()))
        .contains("web/site publishes 203.0.113.7 by nodeipam's own extension (annotation"
            + " nodeipam.dev/external-ips), which Cilium's Node IPAM ignores: it needs nodeipam's"
            + " controller");
    assertThat(run.errLines()).contains(WARNING);
  }
}
