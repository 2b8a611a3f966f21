package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

/** A live read of what an API server stores gives the same records manifests do. */
@EnableKubernetesMockClient(crud = true, https = false)
class LiveLoaderCrudTest {
  static KubernetesClient client;

  @Test
  void liveObjectsArriveAsRecordsWithTheirSource() {
    client
        .services()
        .inNamespace("web")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("site")
                .withNamespace("web")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withLoadBalancerClass("io.cilium/node")
                .withIpFamilies("IPv4")
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .endSpec()
                .build())
        .create();

    ClusterSnapshot snapshot = new LiveLoader(client).load();

    assertThat(snapshot.service("web", "site"))
        .get()
        .satisfies(
            s -> {
              assertThat(s.loadBalancerClass()).isEqualTo("io.cilium/node");
              assertThat(s.ipFamilies()).containsExactly(IpFamily.IPV4);
              assertThat(s.source()).startsWith("cluster ");
            });
    // The namespace only referred to still gets its name label, as the API server gives it.
    assertThat(snapshot.namespace("web").orElseThrow().labels())
        .containsEntry("kubernetes.io/metadata.name", "web");
  }
}
