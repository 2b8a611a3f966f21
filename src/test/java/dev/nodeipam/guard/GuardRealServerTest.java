package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.guard.GuardFixture.Run;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on a real API server, registered as a webhook with a URL clientConfig (the server's
 * own serving certificate, which names 127.0.0.1): a harmless change is reviewed and prints no
 * warning, and a stopped guard blocks nothing (failurePolicy Ignore).
 */
class GuardRealServerTest {
  @TempDir Path tmp;

  @Test
  void answersHarmlessChangesSilentlyAndNeverBlocksWhenDown() throws Exception {
    GuardFixture f = new GuardFixture(tmp);
    KubernetesClient admin = f.real().admin();
    String ns = f.real().newNamespace("guard");
    seed(admin, ns);
    Path kubeconfig = f.real().writeAdminKubeconfig(tmp.resolve("admin.kubeconfig"));
    Guard guard = f.start(admin, false);
    String name = f.register(ns, guard);
    try {
      Run harmless = f.kubectl(kubeconfig, "-n", ns, "label", "svc", "web", "team=edge");
      assertThat(harmless.rc()).isZero();
      assertThat(harmless.err()).doesNotContain("Warning:");
      String metrics = GuardFixture.get(guard.httpAddress(), "/metrics");
      assertThat(metrics).contains("nodeipam_admission_duration_seconds_bucket")
          .contains("operation=\"UPDATE\"").contains("resource=\"services\"");
      assertThat(GuardFixture.get(guard.httpAddress(), "/readyz")).isEqualTo("ok\n");
      guard.close();

      Run down = f.kubectl(kubeconfig, "-n", ns, "patch", "svc", "web", "--type=merge",
          "-p", "{\"spec\":{\"externalIPs\":[\"192.0.2.10\"]}}");
      assertThat(down.rc()).isZero();
      assertThat(down.err()).doesNotContain("Warning: nodeipam");
      assertThat(admin.services().inNamespace(ns).withName("web").get().getSpec()
          .getExternalIPs()).containsExactly("192.0.2.10");
    } finally {
      guard.close();
      f.unregister(name);
    }
  }

  /**
   * A client pod whose NetworkPolicy allows 192.0.2.0/24:443 by ipBlock, and a Service web on
   * pod backends: listing 192.0.2.10 as its externalIP traps the client's egress.
   */
  private static void seed(KubernetesClient admin, String ns) {
    pod(admin, ns, "client", "client", "10.244.1.5");
    pod(admin, ns, "web", "web", "10.244.1.6");
    admin.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
        .withName("web").endMetadata().withNewSpec().addToSelector("app", "web")
        .addNewPort().withPort(443).withTargetPort(new IntOrString(8443)).endPort()
        .endSpec().build()).create();
    admin.network().v1().networkPolicies().inNamespace(ns).resource(
        new NetworkPolicyBuilder().withNewMetadata().withName("client-egress").endMetadata()
            .withNewSpec().withNewPodSelector().addToMatchLabels("app", "client")
            .endPodSelector().withPolicyTypes("Egress").addNewEgress().addNewTo()
            .withNewIpBlock().withCidr("192.0.2.0/24").endIpBlock().endTo()
            .addNewPort().withPort(new IntOrString(443)).withProtocol("TCP").endPort()
            .endEgress().endSpec().build()).create();
  }

  private static void pod(KubernetesClient admin, String ns, String name, String app, String ip) {
    admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name)
        .addToLabels("app", app).endMetadata().withNewSpec().withNodeName("node-a")
        .addNewContainer().withName("c").withImage("example/app").addNewPort()
        .withContainerPort(8443).endPort().endContainer().endSpec().build()).create();
    admin.pods().inNamespace(ns).withName(name).editStatus(p -> new PodBuilder(p)
        .withStatus(new PodStatusBuilder().withPhase("Running").withPodIP(ip)
            .addNewPodIP().withIp(ip).endPodIP().build()).build());
  }
}
