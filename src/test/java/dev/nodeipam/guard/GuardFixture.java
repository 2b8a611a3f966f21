package dev.nodeipam.guard;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.testing.DeployManifests;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * A guard on the shared real API server, registered as a webhook with a URL clientConfig. It
 * serves with the API server's own certificate, which names 127.0.0.1; the registration selects
 * one namespace by its {@code kubernetes.io/metadata.name} label, so other tests' writes never
 * pass through it.
 */
final class GuardFixture {
  /** What kubectl did: exit code, standard output, standard error. */
  record Run(int rc, String out, String err) {}

  private final RealApiServer real = RealApiServer.shared();
  private final Path tmp;

  GuardFixture(Path tmp) {
    this.tmp = tmp;
  }

  RealApiServer real() {
    return real;
  }

  /** A started guard reading the cluster through {@code client}. */
  Guard start(KubernetesClient client, boolean enforce) throws IOException {
    Path certs = real.certificates();
    Guard g = new Guard(client, new Guard.Settings(new InetSocketAddress("127.0.0.1", 0),
        certs.resolve("apiserver.crt"), certs.resolve("apiserver.key"),
        new InetSocketAddress("127.0.0.1", 0), enforce,
        new StateDiff.Settings(Map.of(), AuditOptions.defaults())));
    g.start();
    return g;
  }

  /** Registers the guard for the changes of namespace {@code ns}; the name of the registration. */
  String register(String ns, Guard guard) {
    String name = "guard-" + ns + "-" + guard.address().getPort();
    real.admin().resource(config(name, ns, guard.address().getPort())).create();
    return name;
  }

  void unregister(String name) {
    real.admin().admissionRegistration().v1().validatingWebhookConfigurations().withName(name)
        .delete();
  }

  private ValidatingWebhookConfiguration config(String name, String ns, int port) {
    byte[] ca;
    try {
      ca = Files.readAllBytes(real.certificates().resolve("apiserver.crt"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ValidatingWebhookConfigurationBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .addNewWebhook().withName("guard.nodeipam.dev")
        .withNewClientConfig().withUrl("https://127.0.0.1:" + port + "/validate")
        .withCaBundle(Base64.getEncoder().encodeToString(ca)).endClientConfig()
        .addNewRule().withApiGroups("").withApiVersions("v1")
        .withOperations("CREATE", "UPDATE").withResources("services", "services/status")
        .endRule()
        .addNewRule().withApiGroups("networking.k8s.io").withApiVersions("v1")
        .withOperations("CREATE", "UPDATE").withResources("networkpolicies").endRule()
        .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", ns)
        .endNamespaceSelector()
        .withSideEffects("None").withAdmissionReviewVersions("v1")
        .withFailurePolicy("Ignore").withTimeoutSeconds(5)
        .endWebhook().build();
  }

  /** kubectl (the one on the PATH) as the given kubeconfig, stderr read apart from stdout. */
  Run kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
    Path bin = DeployManifests.kubectl();
    List<String> cmd = new ArrayList<>(List.of(bin == null ? "kubectl" : bin.toString(),
        "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Path o = Files.createTempFile(tmp, "o", ".txt");
    Path e = Files.createTempFile(tmp, "e", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile())
        .start();
    int rc = p.waitFor();
    return new Run(rc, Files.readString(o), Files.readString(e));
  }

  /** The body of an HTTP GET on the guard's health and metrics address. */
  static String get(InetSocketAddress at, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
