package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.guard.GuardFixture.Run;
import dev.nodeipam.testing.DeployManifests;
import dev.nodeipam.testing.RealApiServer;
import dev.nodeipam.testing.RequestLog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RBAC of deploy/guard/ against what the guard really does on a real API server, as RbacTest
 * does for the controller: a guard whose client holds a token of the shipped ServiceAccount syncs
 * every cache (Cilium's CRDs are not served here: their probe is answered 404, not 403), warms up
 * and answers a review the API server sends it, and no request of it is forbidden.
 */
class GuardRbacRealServerTest {
  private static final Set<String> IDENTITY =
      Set.of("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
          "RoleBinding");

  @TempDir Path tmp;

  @Test
  void theShippedRbacSufficesToSyncAndAnswer() throws Exception {
    GuardFixture f = new GuardFixture(tmp);
    RealApiServer real = f.real();
    for (HasMetadata o : DeployManifests.render(GuardDeployTest.GUARD)) {
      if (IDENTITY.contains(o.getKind())) {
        real.admin().resource(o).forceConflicts().serverSideApply();
      }
    }
    String ns = real.newNamespace("guard-rbac");
    real.admin().services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
        .withName("web").endMetadata().withNewSpec().addToSelector("app", "web").addNewPort()
        .withPort(80).endPort().endSpec().build()).create();
    Path kubeconfig = real.writeAdminKubeconfig(tmp.resolve("admin.kubeconfig"));
    RequestLog log = new RequestLog();
    try (KubernetesClient client = real.clientAs("nodeipam-system", "nodeipam-guard", log);
        Guard guard = f.start(client, false)) {
      assertThat(guard.isReady()).isTrue();
      String name = f.register(ns, guard);
      try {
        Run moved = f.kubectl(kubeconfig, "-n", ns, "patch", "svc", "web", "--type=merge",
            "-p", "{\"spec\":{\"externalIPs\":[\"192.0.2.20\"]}}");
        assertThat(moved.rc()).isZero();
        assertThat(GuardFixture.get(guard.httpAddress(), "/metrics"))
            .contains("operation=\"UPDATE\",outcome=\"allowed\",resource=\"services\"");
      } finally {
        f.unregister(name);
      }
    }
    assertThat(log.forbidden()).isEmpty();
    assertThat(log.permissionsUsed()).containsAll(List.of(
        "list nodes", "watch nodes", "list namespaces", "list services", "watch services",
        "list pods", "list discovery.k8s.io/endpointslices", "list apps/deployments",
        "list apps/statefulsets", "list apps/daemonsets",
        "list networking.k8s.io/networkpolicies", "list configmaps", "watch configmaps",
        "list cilium.io/ciliumnetworkpolicies", "list cilium.io/ciliumclusterwidenetworkpolicies"));
    assertThat(log.permissionsUsed()).allSatisfy(p -> assertThat(p).matches("(list|watch) .*"));
  }
}
