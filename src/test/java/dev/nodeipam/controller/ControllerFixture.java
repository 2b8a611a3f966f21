package dev.nodeipam.controller;

import static org.awaitility.Awaitility.await;

import dev.nodeipam.controller.demo.InProcessApiServer;
import dev.nodeipam.ipam.NodeIpamOptions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process API server in CRUD mode, a client for the test's own changes, and controllers
 * started against it. The mock server defaults nothing, so the objects here carry what a real API
 * server would fill in (ipFamilies, externalTrafficPolicy, the Ready condition).
 */
final class ControllerFixture implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(30);
  static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  final InProcessApiServer api = InProcessApiServer.start();
  final KubernetesClient client = api.newClient();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  final List<PublishedChange> changes = new CopyOnWriteArrayList<>();

  static ControllerSettings settings(String identity) {
    return ControllerSettings.defaults(NodeIpamOptions.reference(), identity)
        .withLeaderElection(
            false,
            "nodeipam-system",
            "nodeipam",
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofMillis(300))
        .withWorkers(2)
        .withRetry(Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  /** A controller with its own client, not yet started. */
  NodeIpamController controller(ControllerSettings settings) {
    KubernetesClient own = api.newClient();
    NodeIpamController controller =
        new NodeIpamController(
            own, settings, new ControllerMetrics(new PrometheusRegistry()), changes::add);
    closeables.add(own);
    closeables.add(controller);
    return controller;
  }

  NodeIpamController started(ControllerSettings settings) {
    NodeIpamController controller = controller(settings);
    controller.start();
    return controller;
  }

  NodeIpamController started() {
    return started(settings("test"));
  }

  static NodeBuilder node(
      String name, Map<String, String> labels, String internal, String external) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .addToLabels("kubernetes.io/hostname", name)
            .addToLabels(labels)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    var status = b.withNewStatus();
    if (internal != null) {
      status.addNewAddress().withType("InternalIP").withAddress(internal).endAddress();
    }
    if (external != null) {
      status.addNewAddress().withType("ExternalIP").withAddress(external).endAddress();
    }
    status
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .withLastHeartbeatTime("2026-01-01T00:00:00Z")
        .endCondition();
    return status.endStatus();
  }

  Node createNode(String name, Map<String, String> labels, String internal, String external) {
    return client.nodes().resource(node(name, labels, internal, external).build()).create();
  }

  static ServiceBuilder lb(String namespace, String name, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withLoadBalancerClass(NodeIpamOptions.DEFAULT_CLASS)
        .withExternalTrafficPolicy("Cluster")
        .withIpFamilies("IPv4")
        .withIpFamilyPolicy("SingleStack")
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withProtocol("TCP")
        .endPort()
        .endSpec();
  }

  Service createService(ServiceBuilder builder) {
    return client.resource(builder.build()).create();
  }

  Service createLb(String namespace, String name, Map<String, String> annotations) {
    return createService(lb(namespace, name, annotations));
  }

  static EndpointSlice slice(
      String namespace, String name, String service, Object... nodeAndReady) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4");
    for (int i = 0; i < nodeAndReady.length; i += 2) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses("10.244.0." + (i + 10))
              .withNodeName((String) nodeAndReady[i])
              .withNewConditions()
              .withReady((Boolean) nodeAndReady[i + 1])
              .endConditions()
              .build());
    }
    return b.build();
  }

  /** The ips of the Service's status.loadBalancer.ingress as the API server has it. */
  List<String> ingress(String namespace, String name) {
    Service s = client.services().inNamespace(namespace).withName(name).get();
    if (s == null
        || s.getStatus() == null
        || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return s.getStatus().getLoadBalancer().getIngress().stream()
        .map(LoadBalancerIngress::getIp)
        .toList();
  }

  void awaitIngress(String namespace, String name, List<String> expected) {
    await()
        .atMost(LIMIT)
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(ingress(namespace, name))
                    .isEqualTo(expected));
  }

  /** Sets the ingress as another writer would, through the status subresource. */
  void setIngress(String namespace, String name, String... ips) {
    StringBuilder list = new StringBuilder();
    for (String ip : ips) {
      list.append(list.length() == 0 ? "" : ",").append("{\"ip\":\"").append(ip).append("\"}");
    }
    client
        .services()
        .inNamespace(namespace)
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/status/loadBalancer/ingress\",\"value\":["
                + list
                + "]}]");
  }

  /**
   * Sets a node label, or removes it when value is null (edit: the mock keeps merge-patch nulls).
   */
  void labelNode(String name, String key, String value) {
    client
        .nodes()
        .withName(name)
        .edit(
            n -> {
              if (value == null) {
                n.getMetadata().getLabels().remove(key);
              } else {
                n.getMetadata().getLabels().put(key, value);
              }
              return n;
            });
  }

  void annotateService(String namespace, String name, String key, String value) {
    String v = value == null ? "null" : "\"" + value + "\"";
    client
        .services()
        .inNamespace(namespace)
        .withName(name)
        .patch(MERGE, "{\"metadata\":{\"annotations\":{\"" + key + "\":" + v + "}}}");
  }

  List<Event> events(String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  static void awaitIdle(NodeIpamController controller) {
    await().atMost(LIMIT).until(controller::isIdle);
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // best effort: the server goes next anyway
      }
    }
    client.close();
    api.close();
  }
}
