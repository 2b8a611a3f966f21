package dev.nodeipam.controller;

import dev.nodeipam.reconcile.Notice;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits core/v1 Events on Services (E4) and on Nodes (E13). An Event that cannot be written is
 * logged, not retried.
 */
final class EventRecorder {
  static final String UPDATED = Notice.UPDATED;
  static final String UNAVAILABLE = Notice.UNAVAILABLE;
  static final String INVALID_SELECTOR = Notice.INVALID_SELECTOR;
  static final String INVALID_ANNOTATION = Notice.INVALID_ANNOTATION;
  static final String REJECTED = Notice.REJECTED;

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final String identity;
  private final ControllerMetrics metrics;

  EventRecorder(KubernetesClient client, String identity, ControllerMetrics metrics) {
    this.client = client;
    this.identity = identity;
    this.metrics = metrics;
  }

  void normal(Service service, String reason, String message) {
    emit(service, "Normal", reason, message);
  }

  void warning(Service service, String reason, String message) {
    emit(service, "Warning", reason, message);
  }

  /**
   * A Warning on a Node, in the {@code default} namespace with the node's name as the reference's
   * uid, as the kubelet records its node's Events (pkg/kubelet/kubelet.go, the node reference).
   */
  void nodeWarning(String node, String reason, String message) {
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Node")
            .withName(node)
            .withUid(node)
            .build();
    emit("default", ref, "Warning", reason, message, "node=" + node);
  }

  private void emit(Service service, String type, String reason, String message) {
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Service")
            .withNamespace(service.namespace())
            .withName(service.name())
            .withUid(service.uid())
            .build();
    emit(service.namespace(), ref, type, reason, message, "service=" + service.key());
  }

  private void emit(
      String namespace,
      ObjectReference ref,
      String type,
      String reason,
      String message,
      String what) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(ref.getName() + "." + Long.toHexString(System.nanoTime()))
            .endMetadata()
            .withInvolvedObject(ref)
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent(ControllerSettings.COMPONENT)
            .endSource()
            .withReportingComponent(ControllerSettings.COMPONENT)
            .withReportingInstance(identity)
            .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
      metrics.event(reason);
    } catch (KubernetesClientException e) {
      LOG.warn("event not recorded {} reason={} error=\"{}\"", what, reason, e.getMessage());
    }
  }
}
