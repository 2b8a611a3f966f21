package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.tools.demo.InProcessApiServer;
import dev.nodeipam.ipam.NodeIpamOptions;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetyChecksTest {
  private static final NodeIpamOptions REFERENCE = NodeIpamOptions.reference();

  @Test
  void e12_ciliumNodeIpamForTheSameClassIsAConflict() {
    assertThat(SafetyChecks.ciliumConflict(Map.of("enable-node-ipam", "true"), REFERENCE))
        .contains("enable-node-ipam")
        .contains("io.cilium/node");
  }

  @Test
  void e12_ciliumNodeIpamOffOrAnotherClassIsNoConflict() {
    assertThat(SafetyChecks.ciliumConflict(Map.of("enable-node-ipam", "false"), REFERENCE))
        .isNull();
    assertThat(SafetyChecks.ciliumConflict(Map.of(), REFERENCE)).isNull();
    assertThat(SafetyChecks.ciliumConflict(null, REFERENCE)).isNull();
    assertThat(
            SafetyChecks.ciliumConflict(
                Map.of("enable-node-ipam", "true"),
                REFERENCE.withLoadBalancerClass("example.com/node")))
        .isNull();
  }

  @Test
  void e12_defaultClassConflictsWhenCiliumAlsoTakesClasslessServices() {
    NodeIpamOptions other =
        REFERENCE.withLoadBalancerClass("example.com/node").withDefaultClass(true);
    assertThat(
            SafetyChecks.ciliumConflict(
                Map.of("enable-node-ipam", "true", "default-lb-service-ipam", "nodeipam"), other))
        .contains("--default-class");
    assertThat(
            SafetyChecks.ciliumConflict(
                Map.of("enable-node-ipam", "true", "default-lb-service-ipam", "lbipam"), other))
        .isNull();
  }

  @Test
  void kubeProxyInIpvsModeIsWarnedAbout() {
    assertThat(
            SafetyChecks.ipvsWarnings(
                Map.of(
                    "config.conf",
                    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nmode: \"ipvs\"\n"),
                new ArrayList<>()))
        .singleElement()
        .asString()
        .contains("IPVS");
    assertThat(
            SafetyChecks.ipvsWarnings(
                Map.of("config.conf", "mode: iptables\nipvs:\n  scheduler: rr\n"),
                new ArrayList<>()))
        .isEmpty();
  }

  @Test
  void theChecksReadTheClustersConfigMaps() {
    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      assertThat(SafetyChecks.check(client, REFERENCE).conflict()).isNull();
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace("kube-system")
                  .withName("cilium-config")
                  .endMetadata()
                  .addToData("enable-node-ipam", "true")
                  .build())
          .create();
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withNamespace("kube-system")
                  .withName("kube-proxy")
                  .endMetadata()
                  .addToData("config.conf", "mode: ipvs\n")
                  .build())
          .create();
      SafetyChecks.Findings findings = SafetyChecks.check(client, REFERENCE);
      assertThat(findings.conflict()).contains("enable-node-ipam");
      assertThat(findings.warnings()).hasSize(1);
    }
  }
}
