package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * E2, E3, errors and retries, restarts and disconnects: what is written, and how often, on the real
 * API server (the mock server only where a fault must be injected).
 */
class ControllerWritesTest {
  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  /**
   * Waits until the marker Service (selecting only marker nodes) shows the marker node. Node events
   * are handled in order, so every node event made before the marker has then been routed.
   */
  private void marker(NodeIpamController controller, String ip) {
    marker(f, controller, ip);
  }

  private static void marker(ControllerFixture f, NodeIpamController controller, String ip) {
    f.createNode("marker-" + ip, Map.of("marker", "yes"), ip, null);
    f.awaitIngress("ops", "marker", List.of(ip));
    awaitIdle(controller);
  }

  private void createMarkerService() {
    createMarkerService(f);
  }

  private static void createMarkerService(ControllerFixture f) {
    f.createLb("ops", "marker", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "marker=yes"));
  }

  @Test
  void e2_nodeHeartbeatsAndUnrelatedUpdatesCostNoWrite() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "!marker"));
    createMarkerService();
    NodeIpamController c = f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
    awaitIdle(c);
    long writes = c.metrics().statusWrites();
    Set<String> reconciled = ConcurrentHashMap.newKeySet();
    c.observeReconciles(reconciled::add);

    for (int i = 0; i < 5; i++) {
      String beat = "2026-01-01T00:00:0" + i + "Z";
      f.client
          .nodes()
          .withName("n1")
          .editStatus(
              n -> {
                n.getStatus().getConditions().get(0).setLastHeartbeatTime(beat);
                return n;
              });
    }
    f.labelNode("n2", "example.com/rack", "r1");
    f.annotateService("web", "site", "example.com/owner", "team-a");
    marker(c, "10.9.9.1");

    // One write: the marker. The heartbeats were not even reconciled; web/site was (for the label
    // and the annotation) and found nothing to change.
    assertThat(c.metrics().statusWrites() - writes).isEqualTo(1);
    assertThat(f.ingress("web", "site")).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(reconciled).containsExactlyInAnyOrder(f.key("web", "site"), f.key("ops", "marker"));
  }

  @Test
  void e3_aNodeEventReconcilesOnlyTheServicesItCanAffect() {
    f.createNode("a1", Map.of("pool", "a"), "10.0.0.1", null);
    f.createNode("b1", Map.of("pool", "b"), "10.0.0.2", null);
    f.createLb("web", "a", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool=a"));
    f.createLb("web", "b", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool=b"));
    f.createLb("web", "ab", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool in (a,b)"));
    createMarkerService();
    NodeIpamController c = f.started();
    f.awaitIngress("web", "ab", List.of("10.0.0.1", "10.0.0.2"));
    awaitIdle(c);
    Set<String> reconciled = ConcurrentHashMap.newKeySet();
    c.observeReconciles(reconciled::add);

    f.labelNode("a1", "example.com/rack", "r1");
    marker(c, "10.9.9.1");

    // web/a and web/ab can contain a1; web/b cannot.
    assertThat(reconciled)
        .containsExactlyInAnyOrder(f.key("web", "a"), f.key("web", "ab"), f.key("ops", "marker"));
  }

  @Test
  void e2_aRestartOverAConvergedClusterWritesNothing() {
    for (int i = 1; i <= 5; i++) {
      f.createNode("n" + i, Map.of(), "10.0.0." + i, null);
      f.createLb("web", "s" + i, Map.of());
    }
    NodeIpamController first = f.started();
    for (int i = 1; i <= 5; i++) {
      f.awaitIngress(
          "web", "s" + i, List.of("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"));
    }
    awaitIdle(first);
    assertThat(first.metrics().statusWrites()).isEqualTo(5);
    first.close();

    NodeIpamController second = f.started(ControllerFixture.settings("second"));
    await().atMost(LIMIT).until(() -> second.metrics().reconciles("unchanged") >= 5);
    awaitIdle(second);
    assertThat(second.metrics().statusWrites()).isZero();
  }

  @Test
  void e10_anApiServerThatDropsIpModeIsWrittenOnceNotInALoop() {
    // Kubernetes 1.24 (the test server) stores no ipMode; the mock kept it, so comparing with it
    // found nothing to rewrite there, while on a real server every reconcile rewrote the status.
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "!marker"));
    createMarkerService();
    NodeIpamController c =
        f.started(
            ControllerFixture.settings("ip-mode")
                .withOptions(NodeIpamOptions.reference().withIpMode("VIP")));
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    awaitIdle(c);
    long writes = c.metrics().statusWrites();
    f.annotateService("web", "site", "example.com/owner", "team-a");
    f.labelNode("n1", "example.com/rack", "r1");
    marker(c, "10.9.9.1");
    // Only the marker: web/site was reconciled twice more and found up to date. (1.24 drops
    // ipMode; a 1.29+ server, when kube-api-test downloads one, keeps it.)
    assertThat(c.metrics().statusWrites() - writes).isEqualTo(1);
    assertThat(
            f.service("web", "site").getStatus().getLoadBalancer().getIngress().get(0).getIpMode())
        .isIn(null, "VIP");
  }

  @Test
  void r13_badSelectorLeavesStatusUnchangedWarnsAndIsRetried() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "role in (a"));
    f.setIngress("web", "site", "192.0.2.9");
    NodeIpamController c = f.started();

    await().atMost(LIMIT).until(() -> !f.events("web", EventRecorder.INVALID_SELECTOR).isEmpty());
    await().atMost(LIMIT).until(() -> c.metrics().reconciles("invalid") >= 2);
    assertThat(f.ingress("web", "site")).containsExactly("192.0.2.9");
    assertThat(c.metrics().statusWrites()).isZero();
    // One Warning for one bad value, however often it is retried.
    assertThat(f.events("web", EventRecorder.INVALID_SELECTOR)).hasSize(1);
    assertThat(f.events("web", EventRecorder.INVALID_SELECTOR).get(0).getType())
        .isEqualTo("Warning");

    f.annotateService("web", "site", ServiceAnnotations.MATCH_NODE_LABELS, "");
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
  }

  @Test
  void e4_eventsTellWhatWasPublishedAndWhenNothingCanBe() {
    f.createNode("n1", Map.of("edge", "true"), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "edge=true"));
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    await().atMost(LIMIT).until(() -> !f.events("web", EventRecorder.UPDATED).isEmpty());
    assertThat(f.events("web", EventRecorder.UPDATED).get(0).getMessage())
        .contains("[10.0.0.1]")
        .contains("was []");

    f.labelNode("n1", "edge", "false");
    f.awaitIngress("web", "site", List.of());
    await().atMost(LIMIT).until(() -> !f.events("web", EventRecorder.UNAVAILABLE).isEmpty());
    assertThat(f.events("web", EventRecorder.UNAVAILABLE).get(0).getMessage())
        .contains("edge=true");
  }

  @Test
  void e4_aNewServiceThatSelectsNoNodeGetsOneWarningWithoutAnyWrite() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    NodeIpamController c = f.started();
    f.createLb("web", "nowhere", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "role=edge"));
    await().atMost(LIMIT).until(() -> !f.events("web", EventRecorder.UNAVAILABLE).isEmpty());
    Set<String> reconciled = ConcurrentHashMap.newKeySet();
    c.observeReconciles(reconciled::add);
    f.annotateService("web", "nowhere", "example.com/owner", "team-a");
    await().atMost(LIMIT).until(() -> reconciled.contains(f.key("web", "nowhere")));
    awaitIdle(c);
    // Reconciled again for the same reason: still one Warning.
    assertThat(f.events("web", EventRecorder.UNAVAILABLE)).hasSize(1);
    assertThat(f.events("web", EventRecorder.UNAVAILABLE).get(0).getMessage())
        .contains("role=edge");
    assertThat(c.metrics().statusWrites()).isZero();
  }

  @Test
  void injectedConflictAndServerErrorOnTheStatusPatchAreRetriedAndConverge() {
    // Injected responses: only the mock server can be told to answer one request with a 409/500.
    try (ControllerFixture f = ControllerFixture.mock()) {
      injectedFailures(f);
    }
  }

  private static void injectedFailures(ControllerFixture f) {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    String path = "/api/v1/namespaces/web/services/site/status";
    f.api
        .server()
        .expect()
        .patch()
        .withPath(path)
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").build())
        .once();
    f.api
        .server()
        .expect()
        .patch()
        .withPath(path)
        .andReturn(500, new StatusBuilder().withCode(500).withReason("InternalError").build())
        .once();
    NodeIpamController c = f.started();
    f.createLb("web", "site", Map.of());
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    awaitIdle(c);
    assertThat(c.metrics().reconciles("error")).isEqualTo(2);
    assertThat(c.metrics().statusWrites()).isEqualTo(1);
  }

  @Test
  void aWatchDisconnectLosesNoEventAndWritesNothingTwice() throws Exception {
    // A relay that cuts connections in front of the plain-HTTP mock server; the real server's
    // restart is in ApiServerRestartTest.
    try (ControllerFixture f = ControllerFixture.mock()) {
      watchDisconnect(f);
    }
  }

  private static void watchDisconnect(ControllerFixture f) throws Exception {
    f.createNode("n1", Map.of("edge", "true"), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "edge=true"));
    createMarkerService(f);
    int apiPort = URI.create(f.client.getConfiguration().getMasterUrl()).getPort();
    try (CuttableProxy proxy = new CuttableProxy(apiPort)) {
      Config config =
          new ConfigBuilder(f.client.getConfiguration())
              .withMasterUrl("http://127.0.0.1:" + proxy.port())
              .build();
      try (KubernetesClient viaProxy = new KubernetesClientBuilder().withConfig(config).build();
          NodeIpamController c =
              new NodeIpamController(
                  viaProxy,
                  ControllerFixture.settings("proxied"),
                  new ControllerMetrics(new PrometheusRegistry()),
                  change -> {})) {
        c.start();
        f.awaitIngress("web", "site", List.of("10.0.0.1"));
        awaitIdle(c);

        int connections = proxy.relayed();
        proxy.cut(true);
        // While the controller cannot see the cluster: a node joins the selection, another
        // changes its address.
        f.labelNode("n2", "edge", "true");
        f.createNode("n3", Map.of("edge", "true"), "10.0.0.3", null);
        proxy.restore();

        f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));
        awaitIdle(c);
        assertThat(proxy.relayed()).as("the watches reconnected").isGreaterThan(connections);
        // One write per change of the result: the first publication and the final one (the two
        // missed events may land together or one after the other).
        assertThat(c.metrics().statusWrites()).isBetween(2L, 3L);
        long writes = c.metrics().statusWrites();
        proxy.cut(false);
        f.labelNode("n1", "example.com/rack", "r9");
        marker(f, c, "10.9.9.9");
        // After a reconnect (the mock server replays every object): only the marker's write.
        assertThat(c.metrics().statusWrites()).isEqualTo(writes + 1);
        assertThat(f.ingress("web", "site")).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
      }
    }
  }

  @Test
  void e5_healthReadinessAndMetricsAreServed() throws Exception {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.labelNode("n2", NodeEligibility.EXCLUDE_LABEL, "");
    f.createLb("web", "site", Map.of());
    NodeIpamController c =
        f.started(
            ControllerFixture.settings("http")
                .withHttpAddress(new InetSocketAddress("127.0.0.1", 0)));
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    awaitIdle(c);
    String base = "http://127.0.0.1:" + c.httpAddress().getPort();
    HttpClient http = HttpClient.newHttpClient();
    assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
    assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
    String metrics = get(http, base + "/metrics").body();
    assertThat(metrics)
        .contains("nodeipam_status_writes_total 1.0")
        .contains("nodeipam_reconcile_total{result=\"written\"} 1.0")
        .contains(
            "nodeipam_published_addresses{namespace=\"" + f.ns("web") + "\",service=\"site\"} 1.0")
        .contains("nodeipam_nodes{state=\"eligible\"} 1.0")
        .contains("nodeipam_nodes{state=\"exclude-label\"} 1.0");
  }

  @Test
  void dryRunWritesNothingButReportsWhatItWould() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    NodeIpamController c =
        f.started(
            ControllerFixture.settings("dry")
                .withDryRun(true)
                .withOptions(NodeIpamOptions.reference()));
    await().atMost(LIMIT).until(() -> !f.changes.isEmpty());
    awaitIdle(c);
    assertThat(f.changes.get(0).dryRun()).isTrue();
    assertThat(f.changes.get(0).after()).containsExactly("10.0.0.1");
    assertThat(c.metrics().statusWrites()).isZero();
    assertThat(f.ingress("web", "site")).isEmpty();
    assertThat(f.events("web", EventRecorder.UPDATED)).isEmpty();
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
