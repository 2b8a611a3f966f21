package dev.nodeipam.controller;

import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.testing.RealApiServer;
import dev.nodeipam.testing.RequestLog;
import dev.nodeipam.tools.demo.InProcessApiServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.assertj.core.api.Assertions;

/**
 * A Kubernetes API server, a client for the test's own changes, and controllers started against it.
 * By default the real kube-apiserver of {@link RealApiServer#shared()}: the controllers then
 * authenticate as the {@code nodeipam} ServiceAccount bound only by the RBAC of {@code deploy/},
 * every request they make is logged, and {@link #close()} fails the test on any 403. The test's
 * namespaces ("web", "ops") are fresh ones of its own ({@link #ns}). {@link #mock()} is fabric8's
 * in-process server, for the faults a real server cannot be made to show (injected responses).
 */
final class ControllerFixture implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(30);
  static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  final InProcessApiServer api;
  final RealApiServer real;
  final KubernetesClient client;
  final RequestLog requests = new RequestLog();
  private final String suffix = UUID.randomUUID().toString().substring(0, 6);
  private final Set<String> namespaces = ConcurrentHashMap.newKeySet();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  final List<PublishedChange> changes = new CopyOnWriteArrayList<>();

  /** On the real API server. */
  ControllerFixture() {
    this.api = null;
    this.real = RealApiServer.shared();
    real.applyDeployManifests();
    real.deleteAllNodes();
    this.client = real.admin();
  }

  private ControllerFixture(InProcessApiServer api) {
    this.api = api;
    this.real = null;
    this.client = api.newClient();
  }

  /** On fabric8's in-process mock server. */
  static ControllerFixture mock() {
    return new ControllerFixture(InProcessApiServer.start());
  }

  /** The real namespace that stands for {@code logical} in this test (created on first use). */
  String ns(String logical) {
    if (real == null) {
      return logical;
    }
    String name = logical + "-" + suffix;
    if (namespaces.add(name)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    }
    return name;
  }

  /** The work-queue key of a Service of a logical namespace. */
  String key(String logical, String name) {
    return ns(logical) + "/" + name;
  }

  static ControllerSettings settings(String identity) {
    return ControllerSettings.defaults(NodeIpamOptions.reference(), identity)
        .withLeaderElection(
            false,
            "nodeipam-system",
            "nodeipam-" + identity,
            Duration.ofSeconds(3),
            Duration.ofSeconds(2),
            Duration.ofMillis(300))
        .withWorkers(2)
        .withRetry(Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  /** A client for a controller: the ServiceAccount on the real server. */
  KubernetesClient controllerClient() {
    return real != null ? real.clientAs("nodeipam-system", "nodeipam", requests) : api.newClient();
  }

  /** A controller with its own client, not yet started. */
  NodeIpamController controller(ControllerSettings settings) {
    KubernetesClient own = controllerClient();
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
    return started(settings("test-" + suffix));
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
    Service service = builder.build();
    service.getMetadata().setNamespace(ns(service.getMetadata().getNamespace()));
    return client.resource(service).create();
  }

  EndpointSlice createSlice(EndpointSlice slice) {
    slice.getMetadata().setNamespace(ns(slice.getMetadata().getNamespace()));
    return client.resource(slice).create();
  }

  EndpointSlice updateSlice(EndpointSlice slice) {
    slice.getMetadata().setNamespace(ns(slice.getMetadata().getNamespace()));
    return client.resource(slice).update();
  }

  /** The Service as the API server has it. */
  Service service(String namespace, String name) {
    return client.services().inNamespace(ns(namespace)).withName(name).get();
  }

  /** Edits the Service (its spec or metadata). */
  Service editService(String namespace, String name, UnaryOperator<Service> edit) {
    return client.services().inNamespace(ns(namespace)).withName(name).edit(edit);
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
    Service s = service(namespace, name);
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
                Assertions.assertThat(ingress(namespace, name))
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
        .inNamespace(ns(namespace))
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
        .inNamespace(ns(namespace))
        .withName(name)
        .patch(MERGE, "{\"metadata\":{\"annotations\":{\"" + key + "\":" + v + "}}}");
  }

  List<Event> events(String namespace, String reason) {
    return client.v1().events().inNamespace(ns(namespace)).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  static void awaitIdle(NodeIpamController controller) {
    await().atMost(LIMIT).until(controller::isIdle);
  }

  /**
   * Stops the controllers, fails on any request the RBAC of deploy/ forbade them, and leaves the
   * shared server as it found it (no Services in the test's namespaces, no Nodes).
   */
  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        // best effort: the server goes next anyway
      }
    }
    if (api != null) {
      client.close();
      api.close();
      return;
    }
    for (String namespace : namespaces) {
      client.services().inNamespace(namespace).delete();
      client.discovery().v1().endpointSlices().inNamespace(namespace).delete();
    }
    real.deleteAllNodes();
    Assertions.assertThat(requests.forbidden())
        .as("requests the RBAC of deploy/ forbade the controller")
        .isEmpty();
  }
}
