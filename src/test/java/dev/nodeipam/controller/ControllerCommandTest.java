package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.cli.CliRun;
import dev.nodeipam.tools.demo.InProcessApiServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line of {@code nodeipam controller} and {@code nodeipam demo}. */
class ControllerCommandTest {
  @Test
  void helpListsTheContractedFlags() {
    CliRun run = CliRun.of("controller", "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("--kubeconfig", "--load-balancer-class", "--default-class", "--leader-elect")
        .contains("--lease-namespace", "--lease-name", "--http-address", "--dry-run")
        .contains("--address-policy", "--canonical-addresses", "--ready-nodes-only")
        .contains("--terminating-fallback", "--ip-mode", "--clear-released-status")
        .contains("--allow-cilium-node-ipam", "--workers", "--settle-delay");
    assertThat(run.out().replaceAll("\\s+", " "))
        .as("the bounded pool of status writers and its default")
        .contains("Status writers: reconcile threads")
        .contains("1 to 64 (default: 8)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "65", "-1"})
  void aNumberOfWorkersOutsideTheBoundIsAUsageError(String workers) {
    CliRun run = CliRun.of("controller", "--workers", workers);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--workers must be 1 to 64").doesNotContain("\tat ");
  }

  @Test
  void aBadHttpAddressIsAUsageError() {
    CliRun run = CliRun.of("controller", "--http-address", "nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--http-address");
  }

  @Test
  void e12_refusesToStartWhereCiliumRunsNodeIpamForTheSameClass(@TempDir Path dir)
      throws Exception {
    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace("kube-system")
                  .withName("cilium-config")
                  .endMetadata()
                  .addToData("enable-node-ipam", "true")
                  .build())
          .create();
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(
          kubeconfig,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: mock",
              "  cluster: {server: \"" + client.getConfiguration().getMasterUrl() + "\"}",
              "contexts:",
              "- name: mock",
              "  context: {cluster: mock, user: mock}",
              "current-context: mock",
              "users:",
              "- name: mock",
              "  user: {token: x}",
              ""));
      CliRun run =
          CliRun.of("controller", "--kubeconfig", kubeconfig.toString(), "--http-address", "");
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err().strip())
          .startsWith("nodeipam: kube-system/cilium-config has enable-node-ipam")
          .contains("--allow-cilium-node-ipam")
          .doesNotContain("Exception");
    }
  }

  @Test
  void theDemoRunsTheScriptAndPrintsEveryPublishedChange() {
    CliRun run = CliRun.of("demo", "--step-delay", "0");
    assertThat(run.exitCode()).isZero();
    String text = run.out();
    assertThat(text)
        .contains("web/site  [] -> [198.51.100.1, 2001:db8::1, 2001:db8::2]")
        .contains("-> [198.51.100.1, 198.51.100.4, 2001:db8::1, 2001:db8::2]")
        .contains("-> [198.51.100.4, 2001:db8::2]   excluded: node-a (exclude-label)")
        .contains("[198.51.100.4, 2001:db8::2] -> [2001:db8::2]")
        .contains("[2001:db8::2] -> [2001:db8::2, 203.0.113.7]")
        .contains("done: 5 status writes");
  }
}
