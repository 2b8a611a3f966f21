package dev.nodeipam.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

/** The harness itself: a real server with RBAC, and ServiceAccount clients bound by it. */
class RealApiServerTest {
  private final RealApiServer server = RealApiServer.shared();

  @Test
  void aServiceAccountWithoutBindingsIsForbiddenWhatTheAdminMayDo() {
    String ns = server.newNamespace("harness");
    server.ensureServiceAccount(ns, "nobody");
    server
        .admin()
        .configMaps()
        .inNamespace(ns)
        .resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
        .create();
    assertThat(server.admin().configMaps().inNamespace(ns).withName("c").get()).isNotNull();
    try (KubernetesClient nobody = server.clientAs(ns, "nobody")) {
      assertThatThrownBy(() -> nobody.configMaps().inNamespace(ns).withName("c").get())
          .isInstanceOf(KubernetesClientException.class)
          .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
    }
  }

  @Test
  void theDeployManifestsApplyAndItsServiceAccountMayListNodes() {
    server.applyDeployManifests();
    try (KubernetesClient sa = server.clientAs("nodeipam-system", "nodeipam")) {
      assertThat(sa.nodes().list().getItems()).isNotNull();
      assertThatThrownBy(() -> sa.secrets().inNamespace("nodeipam-system").list())
          .isInstanceOf(KubernetesClientException.class);
    }
  }
}
