package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nodeipam trace} without -f: the same verdict from a live (mock) API server. */
@EnableKubernetesMockClient(crud = true, https = false)
class TraceLiveTest {
  static KubernetesClient client;

  private static void ciliumCrd(String kind, String plural, String scope) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + ".cilium.io")
                .endMetadata()
                .withNewSpec()
                .withGroup("cilium.io")
                .withScope(scope)
                .withNewNames()
                .withKind(kind)
                .withPlural(plural)
                .endNames()
                .addNewVersion()
                .withName("v2")
                .withServed(true)
                .withStorage(true)
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  @Test
  void liveClusterGivesTheTrapVerdict(@TempDir Path dir) throws Exception {
    // A Cilium cluster has these CRDs; the loader asks for their objects.
    ciliumCrd("CiliumNetworkPolicy", "ciliumnetworkpolicies", "Namespaced");
    ciliumCrd("CiliumClusterwideNetworkPolicy", "ciliumclusterwidenetworkpolicies", "Cluster");
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("hermes").endMetadata().build())
        .create();
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-3")
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("192.168.1.13")
                .endAddress()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace("hermes")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("hermes-atlas")
                .withNamespace("hermes")
                .withLabels(Map.of("app", "hermes-atlas"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-3")
                .addNewContainer()
                .withName("main")
                .withImage("x")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPodIP("10.244.20.155")
                .addNewPodIP("10.244.20.155")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace("istio-system")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("gw-1")
                .withNamespace("istio-system")
                .withLabels(Map.of("app", "istio-ingressgateway"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-3")
                .addNewContainer()
                .withName("proxy")
                .withImage("x")
                .addNewPort()
                .withName("https")
                .withContainerPort(8443)
                .endPort()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPodIP("10.244.20.46")
                .addNewPodIP("10.244.20.46")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
    client
        .services()
        .inNamespace("istio-system")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("istio-ingressgateway")
                .withNamespace("istio-system")
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("10.96.100.10")
                .withClusterIPs("10.96.100.10")
                .withSelector(Map.of("app", "istio-ingressgateway"))
                .withExternalIPs("24.85.233.58")
                .addNewPort()
                .withName("https")
                .withPort(443)
                .withProtocol("TCP")
                .withNewTargetPort(8443)
                .endPort()
                .endSpec()
                .build())
        .create();
    client
        .network()
        .v1()
        .networkPolicies()
        .inNamespace("hermes")
        .resource(
            new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("hermes-atlas-allow-egress")
                .withNamespace("hermes")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(Map.of("app", "hermes-atlas"))
                .endPodSelector()
                .withPolicyTypes("Egress")
                .addNewEgress()
                .addNewTo()
                .withNewIpBlock()
                .withCidr("0.0.0.0/0")
                .endIpBlock()
                .endTo()
                .addNewPort()
                .withProtocol("TCP")
                .withNewPort(443)
                .endPort()
                .endEgress()
                .endSpec()
                .build())
        .create();
    client
        .configMaps()
        .inNamespace("kube-system")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cilium-config")
                .withNamespace("kube-system")
                .endMetadata()
                .withData(
                    Map.of("kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"))
                .build())
        .create();

    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster: {server: "%s"}
        users:
        - name: me
          user: {token: secret}
        contexts:
        - name: mock
          context: {cluster: mock, user: me, namespace: default}
        current-context: mock
        """
            .formatted(client.getMasterUrl().toString()));

    String[] trace = {
      "trace",
      "--kubeconfig",
      kubeconfig.toString(),
      "--from",
      "hermes/hermes-atlas",
      "--to",
      "24.85.233.58:443",
      "-o",
      "json"
    };
    CliRun trapped = CliRun.of(trace);

    assertThat(trapped.exitCode()).as(trapped.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(trapped.out());
    assertThat(doc.path("verdict").asText()).isEqualTo("DENIED");
    assertThat(doc.path("dropReason").asInt()).isEqualTo(133);
    assertThat(doc.path("translation").path("frontend").asText()).isEqualTo("externalIP");
    assertThat(doc.path("destinations").get(0).path("port").asInt()).isEqualTo(8443);
    assertThat(
            doc.path("destinations")
                .get(0)
                .path("egress")
                .path("defaultDenyBy")
                .get(0)
                .path("source")
                .asText())
        .startsWith("cluster ");

    GenericKubernetesResource companion =
        client
            .getKubernetesSerialization()
            .unmarshal(
                """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: allow-egress-to-istio-ingressgateway}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny: {egress: false, ingress: false}
                  egress:
                  - toEndpoints:
                    - matchLabels:
                        io.kubernetes.pod.namespace: istio-system
                        app: istio-ingressgateway
                    toPorts:
                    - ports: [{port: "8443", protocol: TCP}]
                """,
                GenericKubernetesResource.class);
    client
        .genericKubernetesResources("cilium.io/v2", "CiliumClusterwideNetworkPolicy")
        .resource(companion)
        .create();
    CliRun fixed = CliRun.of(trace);
    assertThat(fixed.exitCode()).as(fixed.err()).isZero();
    assertThat(new ObjectMapper().readTree(fixed.out()).path("verdict").asText())
        .isEqualTo("ALLOWED");
  }
}
