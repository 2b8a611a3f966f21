package dev.nodeipam.controller;

import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.reconcile.ReleaseRule;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the informers' events do: update the record cache and queue the Services a change can affect
 * (E1, E3), and mark Services whose status E11 clears.
 */
final class ClusterEvents {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");

  private final RecordCache cache;
  private final WorkQueue queue;
  private final ControllerSettings settings;
  private final NodeIpam ipam;
  private final BooleanSupplier routing;
  private final Consumer<Node> invalidAddresses;

  /**
   * @param routing whether node events route to Services yet; before, everything that happens is
   *     covered by queueing every Service once
   * @param invalidAddresses told of a node whose {@code nodeipam.dev/external-ips} annotation
   *     turned invalid (E13)
   */
  ClusterEvents(
      RecordCache cache,
      WorkQueue queue,
      ControllerSettings settings,
      BooleanSupplier routing,
      Consumer<Node> invalidAddresses) {
    this.cache = cache;
    this.queue = queue;
    this.settings = settings;
    this.ipam = new NodeIpam(settings.options());
    this.routing = routing;
    this.invalidAddresses = invalidAddresses;
  }

  /** E11 across a restart: marks the Services {@link ReleaseRule#releasedWhileDown} finds. */
  void markReleasedWhileDown() {
    Set<String> nodeAddresses = ReleaseRule.nodeAddresses(cache.nodes());
    for (Service service : cache.services()) {
      if (ReleaseRule.releasedWhileDown(service, nodeAddresses, settings.options())) {
        LOG.info(
            "released service={} class={} ingress={}: node addresses of a Service no longer owned,"
                + " to be cleared (--clear-released-status)",
            service.key(),
            service.loadBalancerClass(),
            service.ingressAddresses());
        cache.markReleased(service.key());
      }
    }
  }

  void onService(io.fabric8.kubernetes.api.model.Service s) {
    Service service = KubeConverters.service(s, NodeIpamController.SOURCE);
    Service previous =
        cache.putService(
            service, RecordCache.resourceVersion(s.getMetadata().getResourceVersion()));
    if (previous == service || service.equals(previous)) {
      // Older than what the controller itself wrote, or nothing the decision reads changed.
      return;
    }
    if (settings.clearReleasedStatus()
        && ReleaseRule.leavesOwnership(previous, service, settings.options())) {
      cache.markReleased(service.key());
    }
    queue.add(service.key());
  }

  void onServiceDeleted(io.fabric8.kubernetes.api.model.Service s) {
    String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    cache.removeService(key);
    cache.clearReleased(key);
    queue.add(key);
  }

  void onNode(io.fabric8.kubernetes.api.model.Node n) {
    Node node = KubeConverters.node(n, NodeIpamController.SOURCE);
    Node old = cache.putNode(node);
    if (node.annotatedAddresses().isInvalid()
        && (old == null
            || !Objects.equals(
                old.annotatedAddresses().value(), node.annotatedAddresses().value()))) {
      invalidAddresses.accept(node);
    }
    route(old, node);
  }

  void onNodeDeleted(io.fabric8.kubernetes.api.model.Node n) {
    Node old = cache.removeNode(n.getMetadata().getName());
    route(old, null);
  }

  /**
   * E1 and E3: queue the Services whose candidates can contain the node before or after the change.
   * A change the records do not see (a heartbeat, a condition timestamp) queues nothing; a change
   * they see waits the settle delay, which the rest of a burst joins.
   */
  private void route(Node before, Node after) {
    if (!routing.getAsBoolean() || Objects.equals(before, after)) {
      return;
    }
    for (Service service : cache.services()) {
      if (ipam.nodeEventMayAffect(service, before, after, () -> cache.slicesOf(service.key()))) {
        queue.addSettled(service.key());
      }
    }
  }

  void onSlice(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice e) {
    EndpointSlice slice = KubeConverters.endpointSlice(e, NodeIpamController.SOURCE);
    EndpointSlice old = cache.putSlice(slice);
    if (Objects.equals(old, slice)) {
      return;
    }
    if (old != null
        && old.serviceName() != null
        && !old.serviceName().equals(slice.serviceName())) {
      queue.addSettled(old.namespace() + "/" + old.serviceName());
    }
    if (slice.serviceName() != null) {
      queue.addSettled(slice.namespace() + "/" + slice.serviceName());
    }
  }

  void onSliceDeleted(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice e) {
    EndpointSlice slice = KubeConverters.endpointSlice(e, NodeIpamController.SOURCE);
    cache.removeSlice(slice);
    if (slice.serviceName() != null) {
      queue.addSettled(slice.namespace() + "/" + slice.serviceName());
    }
  }
}
