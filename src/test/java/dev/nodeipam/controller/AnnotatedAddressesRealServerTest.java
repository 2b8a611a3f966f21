package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.reconcile.Notice;
import dev.nodeipam.snapshot.AnnotatedAddresses;
import io.fabric8.kubernetes.api.model.Event;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * E13 on the real API server: a node's {@code nodeipam.dev/external-ips} annotation publishes its
 * NAT'd address; an invalid value is ignored and the leader records a Warning Event on the Node
 * (in {@code default}, where the kubelet records its node's Events); correcting it publishes it.
 */
class AnnotatedAddressesRealServerTest {
  private final ControllerFixture f = new ControllerFixture();
  private final String bad = "nat-bad-" + UUID.randomUUID().toString().substring(0, 6);

  @AfterEach
  void close() {
    f.close();
  }

  private List<Event> nodeWarnings() {
    return f.client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> Notice.INVALID_NODE_ADDRESSES.equals(e.getReason()))
        .filter(e -> bad.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private void annotate(String node, String value) {
    f.client
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put(AnnotatedAddresses.ANNOTATION, value);
              return n;
            });
  }

  @Test
  void theAnnotationPublishesANatAddressAndAnInvalidValueIsAWarningOnTheNode() {
    f.client
        .nodes()
        .resource(
            ControllerFixture.node("nat-good", Map.of("pool", "nat"), "10.0.0.1", null)
                .editMetadata()
                .addToAnnotations(AnnotatedAddresses.ANNOTATION, "203.0.113.7")
                .endMetadata()
                .build())
        .create();
    f.client
        .nodes()
        .resource(
            ControllerFixture.node(bad, Map.of("pool", "nat"), "10.0.0.2", null)
                .editMetadata()
                .addToAnnotations(AnnotatedAddresses.ANNOTATION, "203.0.113.8,gateway")
                .endMetadata()
                .build())
        .create();
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool=nat"));
    f.started();

    // ExternalThenInternal (R22): the annotated ExternalIP hides both InternalIPs.
    f.awaitIngress("web", "site", List.of("203.0.113.7"));
    await().atMost(LIMIT).until(() -> !nodeWarnings().isEmpty());
    Event warning = nodeWarnings().get(0);
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getInvolvedObject().getKind()).isEqualTo("Node");
    assertThat(warning.getMessage())
        .isEqualTo(
            "annotation nodeipam.dev/external-ips ignored: \"gateway\" is not an IP address");

    annotate(bad, "203.0.113.8");
    f.awaitIngress("web", "site", List.of("203.0.113.7", "203.0.113.8"));
    assertThat(nodeWarnings()).as("a valid value is no warning").hasSize(1);
  }
}
