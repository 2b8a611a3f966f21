package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard on a real API server, registered as a webhook with a URL clientConfig (the server's
 * own serving certificate, which names 127.0.0.1): a harmless change is reviewed and prints no
 * warning, and a stopped guard blocks nothing (failurePolicy Ignore).
 */
class GuardRealServerTest {
  @TempDir Path tmp;

  private final RealApiServer real = RealApiServer.shared();

  record Run(int rc, String out, String err) {}

  @Test
  void answersHarmlessChangesSilentlyAndNeverBlocksWhenDown() throws Exception {
    KubernetesClient admin = real.admin();
    String ns = real.newNamespace("guard");
    seed(admin, ns);
    Path kubeconfig = real.writeAdminKubeconfig(tmp.resolve("admin.kubeconfig"));
    String name = "guard-" + ns;
    Guard guard = start(admin, false);
    try {
      register(admin, name, ns, guard.address().getPort());
      Run harmless = kubectl(kubeconfig, "-n", ns, "label", "svc", "web", "team=edge");
      assertThat(harmless.rc()).isZero();
      assertThat(harmless.err()).doesNotContain("Warning:");
      String metrics = get(guard.httpAddress(), "/metrics");
      assertThat(metrics).contains("nodeipam_admission_duration_seconds_bucket")
          .contains("operation=\"UPDATE\"").contains("resource=\"services\"");
      assertThat(get(guard.httpAddress(), "/readyz")).isEqualTo("ok\n");
      guard.close();

      Run down = kubectl(kubeconfig, "-n", ns, "patch", "svc", "web", "--type=merge",
          "-p", "{\"spec\":{\"externalIPs\":[\"192.0.2.10\"]}}");
      assertThat(down.rc()).isZero();
      assertThat(down.err()).doesNotContain("Warning: nodeipam");
      assertThat(admin.services().inNamespace(ns).withName("web").get().getSpec()
          .getExternalIPs()).containsExactly("192.0.2.10");
    } finally {
      guard.close();
      admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(name)
          .delete();
    }
  }

  private Guard start(KubernetesClient admin, boolean enforce) throws Exception {
    Path certs = real.certificates();
    Guard g = new Guard(admin, new Guard.Settings(new InetSocketAddress("127.0.0.1", 0),
        certs.resolve("apiserver.crt"), certs.resolve("apiserver.key"),
        new InetSocketAddress("127.0.0.1", 0), enforce,
        new StateDiff.Settings(Map.of(), AuditOptions.defaults())));
    g.start();
    return g;
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

  private static void register(KubernetesClient admin, String name, String ns, int port)
      throws Exception {
    admin.resource(config(name, ns, port)).create();
  }

  private static ValidatingWebhookConfiguration config(String name, String ns, int port)
      throws Exception {
    byte[] ca = Files.readAllBytes(RealApiServer.shared().certificates().resolve("apiserver.crt"));
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .addNewWebhook().withName("guard.nodeipam.dev")
        .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate")
        .withCaBundle(Base64.getEncoder().encodeToString(ca)).endClientConfig()
        .addNewRule().withApiGroups("").withApiVersions("v1")
        .withOperations("CREATE", "UPDATE").withResources("services").endRule()
        .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", ns)
        .endNamespaceSelector()
        .withSideEffects("None").withAdmissionReviewVersions("v1")
        .withFailurePolicy("Ignore").withTimeoutSeconds(2)
        .endWebhook().build();
  }

  private Run kubectl(Path kubeconfig, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Path o = Files.createTempFile(tmp, "o", ".txt");
    Path e = Files.createTempFile(tmp, "e", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
        .start();
    int rc = p.waitFor();
    return new Run(rc, Files.readString(o), Files.readString(e));
  }

  private static String get(InetSocketAddress at, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
