package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.testing.DeployManifests;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl apply -k deploy/} on an empty cluster (a real API server of its own, nothing
 * applied before): one command, no error, every object there, and applying again changes nothing.
 */
class DeployApplyTest {
  private static RealApiServer empty;
  private static Path kubectl;
  private static Path admin;
  private static String firstApply;

  @BeforeAll
  static void emptyCluster(@TempDir Path dir) throws Exception {
    kubectl = DeployManifests.kubectl();
    if (kubectl == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("kubectl is not on the PATH; CI needs it for this test");
      }
      Assumptions.abort("kubectl is not on the PATH");
    }
    empty = RealApiServer.start();
    admin = empty.writeAdminKubeconfig(dir.resolve("admin.yaml"));
    firstApply = kubectl(admin, "apply", "-k", "deploy/");
  }

  @AfterAll
  static void stop() {
    if (empty != null) {
      empty.close();
    }
  }

  private static String kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("kubectl %s:%n%s", String.join(" ", args), out).isZero();
    return out;
  }

  @Test
  void oneCommandAppliesEverythingAndASecondChangesNothing() throws Exception {
    List<HasMetadata> objects = DeployManifests.render();
    List<String> versions = new ArrayList<>();
    for (HasMetadata o : objects) {
      HasMetadata live = empty.admin().resource(o).get();
      assertThat(live).as("%s/%s", o.getKind(), o.getMetadata().getName()).isNotNull();
      versions.add(live.getMetadata().getResourceVersion());
    }
    // The namespace first: everything else is created in one go after it.
    assertThat(firstApply.lines().findFirst()).hasValue("namespace/nodeipam-system created");
    assertThat(firstApply.lines().filter(l -> l.endsWith(" created")).count())
        .isEqualTo(objects.size());

    kubectl(admin, "apply", "-k", "deploy/");
    // kubectl may say "configured" where its patch is a no-op (the PodDisruptionBudget's
    // selector is always sent); what counts is that no object changed.
    List<String> after = new ArrayList<>();
    for (HasMetadata o : objects) {
      after.add(empty.admin().resource(o).get().getMetadata().getResourceVersion());
    }
    assertThat(after).isEqualTo(versions);
  }

  @Test
  void theServiceAccountMayDoWhatTheControllerDoesAndNoMore() throws Exception {
    String as = "--as=system:serviceaccount:nodeipam-system:nodeipam";
    assertThat(canI(admin, as, "patch", "leases", "-n", "nodeipam-system")).isTrue();
    assertThat(canI(admin, as, "patch", "services", "--subresource=status", "-A")).isTrue();
    assertThat(canI(admin, as, "watch", "nodes")).isTrue();
    assertThat(canI(admin, as, "patch", "services", "-A")).isFalse();
    assertThat(canI(admin, as, "get", "secrets", "-A")).isFalse();
    assertThat(canI(admin, as, "update", "nodes")).isFalse();
  }

  private static boolean canI(Path kubeconfig, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "auth", "can-i"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    // The last line is the answer; kubectl may warn above it.
    String out = all.substring(all.lastIndexOf('\n') + 1).trim();
    assertThat(out).as("kubectl auth can-i %s", String.join(" ", args)).isIn("yes", "no");
    return out.equals("yes");
  }
}
