package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code default-lb-service-ipam} read from cilium-config by plan, audit, diff and migrate, as the
 * controller's safety check reads it (docs/spec/node-ipam.md#R2, cilium/cilium#33282).
 */
class ClasslessLoadBalancerTest {
  private static final String NODES = Trees.TWO_NODES + """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: LoadBalancer
        selector: {app: web}
        ports: [{port: 80, targetPort: 8080}]
      """;

  private static String ciliumConfig(String enable, String value) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cilium-config, namespace: kube-system}
        data:
          enable-node-ipam: "%s"
          default-lb-service-ipam: %s
        """.formatted(enable, value);
  }

  private static Path tree(Path dir, String name, String config) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Files.writeString(d.resolve("nodes.yaml"), NODES);
    if (config != null) {
      Files.writeString(d.resolve("cilium.yaml"), config);
    }
    return d;
  }

  @Test
  void plan_ciliumConfigMakesClasslessLoadBalancersNodeIpams(@TempDir Path dir) throws Exception {
    Path on = tree(dir, "on", ciliumConfig("true", "nodeipam"));

    CliRun run = CliRun.of("plan", "-f", on.toString(), "-o", "json");

    assertThat(run.exitCode()).isZero();
    JsonNode doc = new ObjectMapper().readTree(run.out());
    JsonNode web = doc.get("services").get(0);
    assertThat(web.get("name").asText()).isEqualTo("web");
    assertThat(web.toString()).contains("198.51.100.1").contains("198.51.100.2");
    assertThat(doc.get("classlessLoadBalancers").get("owned").asBoolean()).isTrue();
    assertThat(doc.get("classlessLoadBalancers").get("source").asText())
        .isEqualTo("CILIUM_CONFIG");
    assertThat(run.err()).contains("default-lb-service-ipam: nodeipam")
        .contains("cilium.yaml");
  }

  @Test
  void plan_lbipamOrNoConfig_leavesThemAlone_andSaysNothing(@TempDir Path dir) throws Exception {
    for (Path tree : new Path[] {tree(dir, "lbipam", ciliumConfig("true", "lbipam")),
        tree(dir, "none", null)}) {
      CliRun run = CliRun.of("plan", "-f", tree.toString(), "-o", "json");

      assertThat(run.exitCode()).isZero();
      JsonNode doc = new ObjectMapper().readTree(run.out());
      assertThat(doc.get("services").get(0).toString()).doesNotContain("198.51.100.1");
      assertThat(doc.has("classlessLoadBalancers")).isFalse();
      assertThat(run.err()).doesNotContain("default-lb-service-ipam");
    }
  }

  @Test
  void plan_nodeipamWithoutEnable_saysNobodyPublishes(@TempDir Path dir) throws Exception {
    CliRun run = CliRun.of("plan", "-f", tree(dir, "off", ciliumConfig("false", "nodeipam"))
        .toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).contains("Cilium's Node IPAM is off");
  }

  @Test
  void audit_and_migrate_sayHowClasslessLoadBalancersWereDecided(@TempDir Path dir)
      throws Exception {
    Path on = tree(dir, "on", ciliumConfig("true", "nodeipam"));

    CliRun audit = CliRun.of("audit", "-f", on.toString());
    CliRun migrate = CliRun.of("migrate", "-f", on.toString());

    assertThat(audit.exitCode()).isZero();
    assertThat(audit.err()).contains("decided as Node IPAM's");
    assertThat(migrate.exitCode()).isZero();
    assertThat(migrate.err()).contains("decided as Node IPAM's");
  }

  @Test
  void diff_changingTheDefault_publishesTheNodeAddresses(@TempDir Path dir) throws Exception {
    Path before = tree(dir, "before", ciliumConfig("true", "lbipam"));
    Path after = tree(dir, "after", ciliumConfig("true", "nodeipam"));

    CliRun run = CliRun.of("diff", "--before", before.toString(), "--after", after.toString(),
        "-o", "json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("ADDRESS_PUBLISHED").contains("198.51.100.1")
        .contains("198.51.100.2");
    assertThat(run.err()).contains("after: LoadBalancers without a loadBalancerClass");
  }
}
