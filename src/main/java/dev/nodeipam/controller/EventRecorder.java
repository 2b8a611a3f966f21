package dev.nodeipam.controller;

import dev.nodeipam.reconcile.Notice;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits core/v1 Events on Services (E4). An Event that cannot be written is logged, not retried.
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

  private void emit(Service service, String type, String reason, String message) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(service.namespace())
            .withName(service.name() + "." + Long.toHexString(System.nanoTime()))
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Service")
                    .withNamespace(service.namespace())
                    .withName(service.name())
                    .withUid(service.uid())
                    .build())
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
      client.v1().events().inNamespace(service.namespace()).resource(event).create();
      metrics.event(reason);
    } catch (KubernetesClientException e) {
      LOG.warn(
          "event not recorded service={} reason={} error=\"{}\"",
          service.key(),
          reason,
          e.getMessage());
    }
  }
}
