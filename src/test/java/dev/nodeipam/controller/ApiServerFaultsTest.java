package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.ServiceAnnotations;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults on the real API server: a restart, a second writer, a write the server refuses. */
class ApiServerFaultsTest {
  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void anApiServerRestartedOverTheSameEtcdIsFollowedWithoutRestartingTheController(
      @TempDir Path dir) throws Exception {
    try (RestartableApiServer api = RestartableApiServer.prepare(dir)) {
      api.startApiServer();
      try (KubernetesClient admin = api.admin();
          KubernetesClient own = api.admin()) {
        admin
            .namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("web").endMetadata().build())
            .create();
        admin
            .nodes()
            .resource(ControllerFixture.node("n1", Map.of(), "10.0.0.1", null).build())
            .create();
        admin.resource(ControllerFixture.lb("web", "site", Map.of()).build()).create();
        try (NodeIpamController c =
            new NodeIpamController(
                own,
                ControllerFixture.settings("restart"),
                new ControllerMetrics(new PrometheusRegistry()),
                x -> {})) {
          c.start();
          await().atMost(LIMIT).until(() -> ingress(admin).equals(List.of("10.0.0.1")));
          awaitIdle(c);

          Instant down = Instant.now();
          api.stopApiServer();
          api.startApiServer();
          Instant up = Instant.now();
          admin
              .nodes()
              .resource(ControllerFixture.node("n2", Map.of(), "10.0.0.2", null).build())
              .create();
          Instant change = Instant.now();
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> ingress(admin).equals(List.of("10.0.0.1", "10.0.0.2")));
          Instant right = Instant.now();
          awaitIdle(c);
          System.out.printf(
              "api server restart: down and ready again in %d ms; status right %d ms after the"
                  + " first change%n",
              Duration.between(down, up).toMillis(), Duration.between(change, right).toMillis());
          // The same controller: the first publication and the change, nothing written twice
          // when the informers listed everything again.
          assertThat(c.metrics().statusWrites()).isEqualTo(2);
          assertThat(c.isReady()).isTrue();
        }
      }
    }
  }

  private static List<String> ingress(KubernetesClient admin) {
    Service s = admin.services().inNamespace("web").withName("site").get();
    return s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  @Test
  void aSecondWriterIsOverruledOncePerWriteAndNothingLoops() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "!marker"));
    f.createLb("ops", "marker", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "marker=yes"));
    NodeIpamController c = f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    awaitIdle(c);
    assertThat(c.metrics().statusWrites()).isEqualTo(1);
    for (int i = 1; i <= 5; i++) {
      f.setIngress("web", "site", "192.0.2." + i);
      f.awaitIngress("web", "site", List.of("10.0.0.1"));
    }
    awaitIdle(c);
    assertThat(c.metrics().statusWrites()).isEqualTo(6);
    // Settled: the next change elsewhere costs its one write, and web/site none.
    f.createNode("m1", Map.of("marker", "yes"), "10.9.9.1", null);
    f.awaitIngress("ops", "marker", List.of("10.9.9.1"));
    awaitIdle(c);
    assertThat(c.metrics().statusWrites()).isEqualTo(7);
    assertThat(f.ingress("web", "site")).containsExactly("10.0.0.1");
  }

  @Test
  void aStatusTheServerRefusesGetsOneWarningAndBackoffThenGoesThroughWhenAllowed()
      throws Exception {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    try (RejectingWebhook hook =
        new RejectingWebhook(f.client, f.real.certificates(), f.ns("web"))) {
      await()
          .atMost(LIMIT)
          .until(
              () -> {
                try {
                  f.setIngress("web", "site", "192.0.2.1");
                  return false;
                } catch (KubernetesClientException e) {
                  return e.getCode() == 422;
                }
              });
      int before = hook.calls().size();
      NodeIpamController c = f.started();
      await().atMost(LIMIT).until(() -> hook.calls().size() >= before + 6);
      List<Instant> calls = hook.calls().subList(before, before + 6);
      assertThat(f.events("web", EventRecorder.REJECTED))
          .singleElement()
          .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"))
          .satisfies(e -> assertThat(e.getMessage()).contains(RejectingWebhook.MESSAGE));
      assertThat(c.metrics().statusWrites()).isZero();
      assertThat(f.ingress("web", "site")).isEmpty();
      // Backoff, not a loop: 6 attempts at 50 ms doubling take at least 50+100+200+400+800 ms.
      assertThat(Duration.between(calls.get(0), calls.get(5)))
          .isGreaterThan(Duration.ofMillis(1400));

      hook.remove();
      f.awaitIngress("web", "site", List.of("10.0.0.1"));
      awaitIdle(c);
      assertThat(c.metrics().statusWrites()).isEqualTo(1);
      assertThat(f.events("web", EventRecorder.REJECTED)).hasSize(1);
    }
  }
}
