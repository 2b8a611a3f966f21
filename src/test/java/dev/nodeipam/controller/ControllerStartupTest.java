package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nodeipam controller} started while its API server does not answer (its own JVM, a real
 * kube-apiserver started later on the port it was given): it waits with one short line per attempt,
 * serves /healthz and keeps /readyz false, and runs the safety checks once the server answers,
 * before its first write.
 */
class ControllerStartupTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static void seed(RestartableApiServer api, Map<String, String> configMaps)
      throws Exception {
    api.startApiServer();
    try (KubernetesClient admin = api.admin()) {
      for (String ns : List.of("web", "nodeipam-system")) {
        admin
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      configMaps.forEach(
          (name, data) ->
              admin
                  .configMaps()
                  .inNamespace("kube-system")
                  .resource(
                      new ConfigMapBuilder()
                          .withNewMetadata()
                          .withName(name)
                          .endMetadata()
                          .addToData(
                              name.equals("kube-proxy") ? "config.conf" : "enable-node-ipam", data)
                          .build())
                  .create());
      admin
          .nodes()
          .resource(ControllerFixture.node("n1", Map.of(), "10.0.0.1", null).build())
          .create();
      admin.resource(ControllerFixture.lb("web", "site", Map.of()).build()).create();
    }
    api.stopApiServer();
  }

  /** Waits for three attempts and checks how they were reported. */
  private static void waitsPolitely(ReplicaProcess replica) {
    await().atMost(WAIT).until(() -> attempts(replica).size() >= 3);
    List<ReplicaProcess.Line> attempts = attempts(replica);
    assertThat(attempts)
        .allSatisfy(l -> assertThat(l.text()).hasSizeLessThan(200).contains("Connection refused"));
    for (int i = 1; i < attempts.size(); i++) {
      Duration gap = Duration.between(attempts.get(i - 1).at(), attempts.get(i).at());
      assertThat(gap).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(5));
    }
    assertThat(replica.lines())
        .as("no stack trace while waiting")
        .noneSatisfy(l -> assertThat(l.text()).matches("^\\s+at .*|.*Exception.*"));
    assertThat(replica.status("/healthz")).isEqualTo(200);
    assertThat(replica.status("/readyz")).isEqualTo(503);
  }

  private static List<ReplicaProcess.Line> attempts(ReplicaProcess replica) {
    return replica.lines().stream().filter(l -> l.text().contains("not answering")).toList();
  }

  private static List<String> ingress(KubernetesClient admin) {
    Service s = admin.services().inNamespace("web").withName("site").get();
    return s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  @Test
  void ciliumsOwnNodeIpamFoundOnceTheServerAnswersStopsItBeforeAnyWrite(@TempDir Path dir)
      throws Exception {
    try (RestartableApiServer api = RestartableApiServer.prepare(dir)) {
      seed(api, Map.of("cilium-config", "true"));
      try (ReplicaProcess replica =
          ReplicaProcess.start("early", api.adminKubeconfig(dir.resolve("admin.yaml")))) {
        waitsPolitely(replica);
        api.startApiServer();
        await().atMost(WAIT).until(() -> !replica.isAlive());
        assertThat(replica.exitCode()).isEqualTo(2);
        assertThat(replica.lines())
            .anySatisfy(
                l -> assertThat(l.text()).contains("enable-node-ipam").contains("refusing"));
        try (KubernetesClient admin = api.admin()) {
          assertThat(ingress(admin)).isEmpty();
        }
      }
    }
  }

  @Test
  void theIpvsWarningComesOnceTheServerAnswersBeforeTheFirstWrite(@TempDir Path dir)
      throws Exception {
    try (RestartableApiServer api = RestartableApiServer.prepare(dir)) {
      seed(api, Map.of("kube-proxy", "mode: ipvs\n"));
      try (ReplicaProcess replica =
          ReplicaProcess.start("early", api.adminKubeconfig(dir.resolve("admin.yaml")))) {
        waitsPolitely(replica);
        api.startApiServer();
        try (KubernetesClient admin = api.admin()) {
          await().atMost(WAIT).until(() -> ingress(admin).equals(List.of("10.0.0.1")));
        }
        await().atMost(WAIT).until(() -> replica.status("/readyz") == 200);
        Instant warned = replica.logged("IPVS mode", Instant.EPOCH);
        Instant wrote = replica.writes().get(0);
        assertThat(warned).isNotNull().isBefore(wrote);
      }
    }
  }
}
