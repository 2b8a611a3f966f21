package dev.nodeipam.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.FileReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A validating admission webhook that refuses every update of {@code services/status} in one
 * namespace with 422 Invalid, as a policy engine or a stricter API server would: the write the
 * server rejects. Served over HTTPS with the test API server's own certificate (it names
 * 127.0.0.1).
 */
final class RejectingWebhook implements AutoCloseable {
  static final String MESSAGE =
      "status.loadBalancer.ingress: refused by policy example.com/no-node-ips";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpsServer server;
  private final KubernetesClient admin;
  private final String name;
  private final List<Instant> calls = new CopyOnWriteArrayList<>();

  RejectingWebhook(KubernetesClient admin, Path certs, String namespace) throws Exception {
    this.admin = admin;
    this.name = "reject-status-" + namespace;
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(tls(certs)));
    server.createContext(
        "/validate",
        ex -> {
          JsonNode review = JSON.readTree(ex.getRequestBody());
          calls.add(Instant.now());
          String uid = review.path("request").path("uid").asText();
          String body =
              JSON.writeValueAsString(
                  JSON.createObjectNode()
                      .put("apiVersion", "admission.k8s.io/v1")
                      .put("kind", "AdmissionReview")
                      .set(
                          "response",
                          JSON.createObjectNode()
                              .put("uid", uid)
                              .put("allowed", false)
                              .set(
                                  "status",
                                  JSON.createObjectNode()
                                      .put("code", 422)
                                      .put("reason", "Invalid")
                                      .put("message", MESSAGE))));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
    String caBundle =
        Base64.getEncoder().encodeToString(Files.readAllBytes(certs.resolve("apiserver.crt")));
    ValidatingWebhookConfiguration config =
        new ValidatingWebhookConfigurationBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .addNewWebhook()
            .withName("status.reject.example.com")
            .withNewClientConfig()
            .withUrl("https://127.0.0.1:" + server.getAddress().getPort() + "/validate")
            .withCaBundle(caBundle)
            .endClientConfig()
            .addNewRule()
            .withApiGroups("")
            .withApiVersions("v1")
            .withOperations("UPDATE")
            .withResources("services/status")
            .endRule()
            .withNewNamespaceSelector()
            .addToMatchLabels("kubernetes.io/metadata.name", namespace)
            .endNamespaceSelector()
            .withSideEffects("None")
            .withAdmissionReviewVersions("v1")
            .withFailurePolicy("Fail")
            .withTimeoutSeconds(5)
            .endWebhook()
            .build();
    admin.resource(config).create();
  }

  private static SSLContext tls(Path certs) throws Exception {
    PrivateKey key;
    try (Reader in =
            new FileReader(certs.resolve("apiserver.key").toFile(), StandardCharsets.UTF_8);
        PEMParser pem = new PEMParser(in)) {
      key = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) pem.readObject()).getPrivate();
    }
    Certificate cert;
    try (var in = Files.newInputStream(certs.resolve("apiserver.crt"))) {
      cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, new char[0], new Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  /** When each review arrived. */
  List<Instant> calls() {
    return List.copyOf(calls);
  }

  /** Removes the webhook configuration: the server accepts the writes again. */
  void remove() {
    admin.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
  }

  @Override
  public void close() throws IOException {
    remove();
    server.stop(0);
  }
}
