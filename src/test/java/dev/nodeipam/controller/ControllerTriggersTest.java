package dev.nodeipam.controller;

import static dev.nodeipam.controller.ControllerFixture.LIMIT;
import static dev.nodeipam.controller.ControllerFixture.awaitIdle;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * R29 and E1 on the real API server: every kind of event that can change a result reaches the
 * Service's status, written by the controller as the nodeipam ServiceAccount.
 */
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
    f.createSlice(ControllerFixture.slice("web", "site-a", "site", "n1", true));
    f.awaitIngress("web", "site", List.of("10.0.0.1"));

    f.updateSlice(ControllerFixture.slice("web", "site-a", "site", "n1", false, "n2", true));
    f.awaitIngress("web", "site", List.of("10.0.0.2"));

    f.client.discovery().v1().endpointSlices().inNamespace(f.ns("web")).withName("site-a").delete();
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
                          new TaintBuilder()
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
        .inNamespace(f.ns("web"))
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
    Service s = f.service("web", "site");
    assertThat(s.getStatus().getConditions())
        .extracting(c -> c.getType() + "=" + c.getStatus())
        // Another controller's condition stays first and as it was; the controller adds only its
        // own (docs/controller.md, status conditions).
        .containsExactly("example.com/Healthy=True", "nodeipam.dev/AddressesPublished=True");
    assertThat(s.getStatus().getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(s.getSpec().getLoadBalancerClass()).isEqualTo(NodeIpamOptions.DEFAULT_CLASS);
  }

  @Test
  void r28_noFinalizerIsAdded() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    f.started();
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    Service s = f.service("web", "site");
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
  void e11_aLoadBalancerClassCannotChangeAndATypeChangeClearsTheStatusOnTheServer() {
    f.createNode("n1", Map.of(), "10.0.0.1", null);
    f.createLb("web", "site", Map.of());
    NodeIpamController c = f.started(settings().withClearReleasedStatus(true));
    f.awaitIngress("web", "site", List.of("10.0.0.1"));
    // The mock server accepted a class change; the real one refuses it (may not change once set),
    // so a Service leaves our class only by leaving type LoadBalancer...
    assertThatThrownBy(
            () ->
                f.editService(
                    "web",
                    "site",
                    s -> {
                      s.getSpec().setLoadBalancerClass("example.com/other");
                      return s;
                    }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("may not change once set");
    f.editService(
        "web",
        "site",
        s -> {
          s.getSpec().setType("ClusterIP");
          s.getSpec().setLoadBalancerClass(null);
          s.getSpec().setExternalTrafficPolicy(null);
          s.getSpec().setAllocateLoadBalancerNodePorts(null);
          s.getSpec().getPorts().forEach(port -> port.setNodePort(null));
          return s;
        });
    // ... and then the API server itself empties status.loadBalancer: nothing left to clear.
    assertThat(f.ingress("web", "site")).isEmpty();
    awaitIdle(c);
    assertThat(c.metrics().statusWrites()).isEqualTo(1);
  }

  @Test
  void e11_servicesReleasedWhileNoReplicaRanAreClearedAtStartUpOnlyWhenAsked() {
    f.createNode("n1", Map.of(), "10.0.0.1", "42.0.0.1");
    f.createService(
        ControllerFixture.lb("web", "classless", Map.of())
            .editSpec()
            .withLoadBalancerClass(null)
            .endSpec());
    f.createService(
        ControllerFixture.lb("web", "metallb", Map.of())
            .editSpec()
            .withLoadBalancerClass("example.com/metallb")
            .endSpec());
    f.setIngress("web", "metallb", "198.51.100.7");
    NodeIpamController before =
        f.started(settings().withOptions(NodeIpamOptions.reference().withDefaultClass(true)));
    f.awaitIngress("web", "classless", List.of("42.0.0.1"));
    awaitIdle(before);
    before.close();

    // --default-class turned off while no replica ran: without the flag the status stays...
    NodeIpamController plain = f.started(settings());
    awaitIdle(plain);
    assertThat(f.ingress("web", "classless")).containsExactly("42.0.0.1");
    assertThat(plain.metrics().statusWrites()).isZero();
    plain.close();

    // ... with it, the one that lists only node addresses is cleared; another owner's is not.
    NodeIpamController clearing = f.started(settings().withClearReleasedStatus(true));
    f.awaitIngress("web", "classless", List.of());
    awaitIdle(clearing);
    assertThat(f.ingress("web", "metallb")).containsExactly("198.51.100.7");
    assertThat(clearing.metrics().reconciles("cleared")).isEqualTo(1);
    assertThat(clearing.metrics().statusWrites()).isEqualTo(1);
  }

  @Test
  void e11_onTheMockServerAClassChangeWhileRunningIsClearedOnlyWhenAsked() {
    // The real server refuses a class change; the mock accepts one, which is how the controller's
    // handling of an ownership change it watches (type or class) is checked on its own.
    try (ControllerFixture m = ControllerFixture.mock()) {
      m.createNode("n1", Map.of(), "10.0.0.1", null);
      m.createLb("web", "kept", Map.of());
      m.createLb("web", "cleared", Map.of());
      NodeIpamController plain = m.started();
      m.awaitIngress("web", "kept", List.of("10.0.0.1"));
      m.awaitIngress("web", "cleared", List.of("10.0.0.1"));
      m.editService("web", "kept", s -> withClass(s, "example.com/other"));
      awaitIdle(plain);
      assertThat(m.ingress("web", "kept")).containsExactly("10.0.0.1");
      assertThat(plain.metrics().reconciles("cleared")).isZero();
      plain.close();

      NodeIpamController clearing =
          m.started(ControllerFixture.settings("clearing").withClearReleasedStatus(true));
      // kept was released while no replica ran: cleared at start-up (node addresses only).
      m.awaitIngress("web", "kept", List.of());
      m.editService("web", "cleared", s -> withClass(s, "example.com/other"));
      m.awaitIngress("web", "cleared", List.of());
      awaitIdle(clearing);
      assertThat(clearing.metrics().reconciles("cleared")).isEqualTo(2);
    }
  }

  private static Service withClass(Service s, String loadBalancerClass) {
    s.getSpec().setLoadBalancerClass(loadBalancerClass);
    return s;
  }

  private ControllerSettings settings() {
    return ControllerFixture.settings("triggers");
  }
}
