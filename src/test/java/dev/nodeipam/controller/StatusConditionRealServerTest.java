package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.testing.DeployManifests;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code nodeipam.dev/AddressesPublished} condition on the real API server (Kubernetes 1.24
 * accepts it in {@code status.conditions}): a pending Service says why, in the API and in {@code
 * kubectl describe service} (through the Warning Event that carries the condition's reason); it
 * turns True when a node matches; a restart writes nothing.
 */
class StatusConditionRealServerTest {
  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  private Condition condition(String namespace, String name) {
    var status = f.service(namespace, name).getStatus();
    if (status == null || status.getConditions() == null) {
      return null;
    }
    return status.getConditions().stream()
        .filter(c -> PublishStatus.TYPE.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void aPendingServiceSaysWhyAndTheConditionFollowsTheNodes(@TempDir Path dir) throws Exception {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "role=edge"));
    NodeIpamController c = f.started();

    await().atMost(LIMIT).until(() -> condition("web", "site") != null);
    Condition pending = condition("web", "site");
    assertThat(pending.getStatus()).isEqualTo("False");
    assertThat(pending.getReason()).isEqualTo("NoNodeMatchesSelector");
    assertThat(pending.getMessage()).contains("\"role=edge\"").contains("1 not matched");
    assertThat(pending.getObservedGeneration())
        .isEqualTo(f.service("web", "site").getMetadata().getGeneration());
    assertThat(f.ingress("web", "site")).isEmpty();

    // kubectl describe prints a Service's Events, not its status.conditions: the Warning carries
    // the condition's reason and message.
    await().atMost(LIMIT).until(() -> !f.events("web", EventRecorder.UNAVAILABLE).isEmpty());
    assertThat(f.events("web", EventRecorder.UNAVAILABLE).get(0).getMessage())
        .contains("NoNodeMatchesSelector");
    Path kubectl = DeployManifests.kubectl();
    if (kubectl != null) {
      String described = describe(kubectl, f.real.writeAdminKubeconfig(dir.resolve("a.yaml")));
      assertThat(described).contains("NoNodeMatchesSelector").contains("role=edge");
    }

    f.labelNode("n1", "role", "edge");
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    await().atMost(LIMIT).until(() -> "True".equals(condition("web", "site").getStatus()));
    Condition published = condition("web", "site");
    assertThat(published.getReason()).isEqualTo("Published");
    assertThat(published.getMessage()).isEqualTo("Published 1 address (IPv4) from 1 node.");
    awaitIdle(c);
    c.close();

    // A restart finds everything said: no write of either kind.
    NodeIpamController second = f.started(ControllerFixture.settings("second"));
    await().atMost(LIMIT).until(() -> second.metrics().reconciles("unchanged") >= 1);
    awaitIdle(second);
    assertThat(second.metrics().statusWrites()).isZero();
    assertThat(second.metrics().conditionWrites()).isZero();
    assertThat(condition("web", "site").getLastTransitionTime())
        .isEqualTo(published.getLastTransitionTime());
  }

  private String describe(Path kubectl, Path kubeconfig) throws Exception {
    Process p =
        new ProcessBuilder(
                kubectl.toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "describe",
                "service",
                "-n",
                f.ns("web"),
                "site")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
