package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading a live cluster: read-only lists, and Cilium's kinds optional. */
class LiveLoaderTest {
  private KubernetesMockServer server;
  private KubernetesClient client;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(false);
    server.init();
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void aClusterWithoutCiliumCrdsHasNoCiliumPolicies() {
    // No CRUD mode: only the core kinds answer, as on a cluster without Cilium's CRDs, where the
    // cilium.io lists are 404.
    server.expect().get().withPath("/api/v1/nodes?limit=500").andReturn(200, new NodeListBuilder()
        .addToItems(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata().build())
        .build()).always();
    for (String path :
        List.of(
            "/api/v1/namespaces?limit=500",
            "/api/v1/services?limit=500",
            "/apis/discovery.k8s.io/v1/endpointslices?limit=500",
            "/api/v1/pods?limit=500",
            "/apis/apps/v1/deployments?limit=500",
            "/apis/apps/v1/statefulsets?limit=500",
            "/apis/apps/v1/daemonsets?limit=500",
            "/apis/networking.k8s.io/v1/networkpolicies?limit=500")) {
      server.expect().get().withPath(path).andReturn(200, "{\"items\":[]}").always();
    }
    server.expect().get().withPath("/apis/cilium.io/v2/ciliumnetworkpolicies?limit=500").andReturn(404, "").always();
    server.expect().get().withPath("/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies?limit=500").andReturn(404, "").always();
    server.expect().get().withPath("/api/v1/namespaces/kube-system/configmaps/cilium-config").andReturn(404, "").always();

    ClusterSnapshot snapshot = new LiveLoader(client).load();

    assertThat(snapshot.nodes()).extracting(n -> n.name()).containsExactly("node-1");
    assertThat(snapshot.policies()).isEmpty();
    assertThat(snapshot.ciliumConfig()).isEmpty();
  }
}
