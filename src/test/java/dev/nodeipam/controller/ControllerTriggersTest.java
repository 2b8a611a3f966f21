package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** R29 and E1: every kind of event that can change a result reaches the Service's status. */
class ControllerTriggersTest {
  private final ControllerFixture f = new ControllerFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void r29_serviceCreatePublishesTheNodesAddresses() {
    f.createNode("n1", Map.of(), "10.0.0.1", "42.0.0.1");
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.started();
    f.createLb("web", "site", Map.of());
    // R22: one ExternalIP among the candidates means only ExternalIPs are published.
    f.awaitIngress("web", "site", List.of("42.0.0.1"));
  }

  @Test
  void r29_serviceUpdateOfTheSelectorIsPicked() {
    f.createNode("n1", Map.of("role", "a"), "10.0.0.1", null);
    f.createNode("n2", Map.of("role", "b"), "10.0.0.2", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "role=a"));
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    f.annotateService("web", "site", ServiceAnnotations.MATCH_NODE_LABELS, "role in (a,b)");
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
  }

  @Test
  void r29_nodeAddUpdateAndDeleteAreFollowed() {
    f.createNode("n1", Map.of("edge", "true"), "10.0.0.1", null);
    f.createLb("web", "site", Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "edge=true"));
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));

    f.createNode("n2", Map.of("edge", "true"), "10.0.0.2", null);
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));

    f.createNode("n3", Map.of(), "10.0.0.3", null);
    f.labelNode("n3", "edge", "true");
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"));

    f.labelNode("n1", "edge", null);
    f.awaitIngress("web", "site", List.of("10.0.0.2", "10.0.0.3"));

    f.client.nodes().withName("n2").delete();
    f.awaitIngress("web", "site", List.of("10.0.0.3"));
  }

  @Test
  void r29_nodeAddressChangeIsPublished() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    f.client
        .nodes()
        .withName("n1")
        .editStatus(
            n -> {
              n.getStatus().getAddresses().get(0).setAddress("10.0.0.99");
              return n;
            });
    f.awaitIngress("web", "site", List.of("10.0.0.99"));
  }

  @Test
  void r29_endpointSliceEventsDriveLocalServices() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createService(
        ControllerFixture.lb("web", "site", Map.of())
            .editSpec()
            .withExternalTrafficPolicy("Local")
            .endSpec());
    f.started();
    f.createNode("n0", Map.of(), "10.0.0.100", null);
    // R18: no endpoint yet, nothing to publish; a Local Service with no slice stays empty.
    f.client.resource(ControllerFixture.slice("web", "site-a", "site", "n1", true)).create();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));

    f.client
        .resource(ControllerFixture.slice("web", "site-a", "site", "n1", false, "n2", true))
        .update();
    f.awaitIngress("web", "site", List.of("10.0.0.2"));

    f.client.discovery().v1().endpointSlices().inNamespace("web").withName("site-a").delete();
    f.awaitIngress("web", "site", List.of());
  }

  @Test
  void e1_excludeLabelAddedWithdrawsTheNodeWhateverItsValue() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
    f.labelNode("n1", NodeEligibility.EXCLUDE_LABEL, "false");
    f.awaitIngress("web", "site", List.of("10.0.0.2"));
  }

  @Test
  void e1_autoscalerTaintWithdrawsTheNode() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
    f.client
        .nodes()
        .withName("n2")
        .edit(
            n -> {
              n.getSpec()
                  .setTaints(
                      List.of(
                          new io.fabric8.kubernetes.api.model.TaintBuilder()
                              .withKey(NodeEligibility.TO_BE_DELETED_TAINT)
                              .withValue("1700000000")
                              .withEffect("NoSchedule")
                              .build()));
              return n;
            });
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
  }

  @Test
  void e1_nodeDeletionStartedWithdrawsTheNode() {
    f.client
        .nodes()
        .resource(
            ControllerFixture.node("n1", Map.of(), "10.0.0.1", null)
                .editMetadata()
                .withFinalizers("example.com/hold")
                .endMetadata()
                .build())
        .create();
    f.createNode("n2", Map.of(), "10.0.0.2", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1", "10.0.0.2"));
    f.client.nodes().withName("n1").delete();
    // The finalizer keeps n1 with a deletionTimestamp: R6 leaves it out from now on.
    await()
        .atMost(LIMIT)
        .until(
            () ->
                f.client.nodes().withName("n1").get().getMetadata().getDeletionTimestamp() != null);
    f.awaitIngress("web", "site", List.of("10.0.0.2"));
  }

  @Test
  void r26_onlyTheIngressListIsReplacedAndOtherStatusFieldsAreKept() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    f.client
        .services()
        .inNamespace("web")
        .withName("site")
        .subresource("status")
        .patch(
            ControllerFixture.MERGE,
            "{\"status\":{\"conditions\":[{\"type\":\"example.com/Healthy\",\"status\":\"True\","
                + "\"reason\":\"Probe\",\"message\":\"ok\","
                + "\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}");
    f.setIngress("web", "site", "192.0.2.1", "192.0.2.2");
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    Service s = f.client.services().inNamespace("web").withName("site").get();
    assertThat(s.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        .containsExactly("example.com/Healthy=True");
    assertThat(s.getSpec().getLoadBalancerClass()).isEqualTo(NodeIpamOptions.DEFAULT_CLASS);
  }

  @Test
  void r28_noFinalizerIsAdded() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    Service s = f.client.services().inNamespace("web").withName("site").get();
    assertThat(s.getMetadata().getFinalizers()).isNullOrEmpty();
  }

  @Test
  void r3_r30_otherClassesAndClasslessServicesKeepTheirStatusUnlessDefaultClassIsOn() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createService(
        ControllerFixture.lb("web", "other", Map.of())
            .editSpec()
            .withLoadBalancerClass("example.com/metallb")
            .endSpec());
    f.setIngress("web", "other", "198.51.100.7");
    f.createService(
        ControllerFixture.lb("web", "classless", Map.of())
            .editSpec()
            .withLoadBalancerClass(null)
            .endSpec());
    f.setIngress("web", "classless", "198.51.100.8");
    f.createLb("web", "ours", Map.of());
    NodeIpamController off = f.started();
    f.awaitIngress("web", "ours", List.of("10.0.0.1"));
    awaitIdle(off);
    assertThat(f.ingress("web", "other")).containsExactly("198.51.100.7");
    assertThat(f.ingress("web", "classless")).containsExactly("198.51.100.8");
    assertThat(off.metrics().statusWrites()).isEqualTo(1);
    off.close();

    f.started(
        ControllerFixture.settings("default-class")
            .withOptions(NodeIpamOptions.reference().withDefaultClass(true)));
    f.awaitIngress("web", "classless", List.of("10.0.0.1"));
    assertThat(f.ingress("web", "other")).containsExactly("198.51.100.7");
  }

  @Test
  void e11_clearReleasedStatusClearsAServiceThatLeavesOurClassOnlyWhenAsked() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "kept", Map.of());
    f.createLb("web", "cleared", Map.of());
    NodeIpamController plain = f.started();
    f.awaitIngress("web", "kept", List.of("10.0.0.1"));
    f.awaitIngress("web", "cleared", List.of("10.0.0.1"));
    f.client
        .services()
        .inNamespace("web")
        .withName("kept")
        .edit(
            s -> {
              s.getSpec().setLoadBalancerClass("example.com/other");
              return s;
            });
    awaitIdle(plain);
    plain.close();

    f.started(ControllerFixture.settings("clearing").withClearReleasedStatus(true));
    f.client
        .services()
        .inNamespace("web")
        .withName("cleared")
        .edit(
            s -> {
              s.getSpec().setLoadBalancerClass("example.com/other");
              return s;
            });
    f.awaitIngress("web", "cleared", List.of());
    // Released before this controller watched it: not known to be ours, left alone.
    assertThat(f.ingress("web", "kept")).containsExactly("10.0.0.1");
  }
}
