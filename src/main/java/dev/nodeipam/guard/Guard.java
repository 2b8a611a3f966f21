package dev.nodeipam.guard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.nodeipam.diff.StateDiff;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code nodeipam guard}: AdmissionReview v1 at {@code /validate} over HTTPS, and {@code
 * /healthz}, {@code /readyz}, {@code /metrics} over HTTP. Stateless: every replica answers from
 * its own informer cache.
 */
public final class Guard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.guard");

  static {
    // The JDK server writes a response's headers and body apart: with Nagle's algorithm on, the
    // body waits for the client's delayed ACK (about 40 ms on Linux) on a kept-alive connection,
    // which alone made every answer take ~45 ms. Read once, when the first server is made.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** What a guard is started with. */
  public record Settings(InetSocketAddress listen, Path certFile, Path keyFile,
      InetSocketAddress http, boolean enforce, StateDiff.Settings judged) {}

  private final KubernetesClient client;
  private final GuardCache cache;
  private final GuardMetrics metrics = new GuardMetrics();
  private final ReviewHandler handler;
  private final ExecutorService workers;
  private HttpsServer https;
  private HttpServer http;
  private volatile boolean ready;

  public Guard(KubernetesClient client, Settings settings) throws IOException {
    this.client = client;
    this.cache = new GuardCache(client);
    this.handler = new ReviewHandler(cache.values(), cache::synced, settings.judged(),
        settings.enforce(), metrics, this::recordEvent);
    this.workers = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "nodeipam-guard");
      t.setDaemon(true);
      return t;
    });
    if (settings.http() != null) {
      http = HttpServer.create(settings.http(), 16);
      http.setExecutor(workers);
      http.createContext("/healthz", ex -> reply(ex, 200, "text/plain", "ok\n"));
      http.createContext("/readyz", ex -> {
        if (ready) {
          reply(ex, 200, "text/plain", "ok\n");
        } else {
          reply(ex, 503, "text/plain", "caches not synced or not warmed up\n");
        }
      });
      http.createContext("/metrics", ex -> reply(ex, 200,
          "text/plain; version=0.0.4; charset=utf-8", metrics.text()));
      http.start();
    }
    https = HttpsServer.create(settings.listen(), 64);
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new KeyManager[] {new PemKeyManager(settings.certFile(), settings.keyFile())},
          null, null);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS: " + e.getMessage(), e);
    }
    https.setExecutor(workers);
    https.createContext("/validate", this::validate);
  }

  /**
   * Serves reviews at once (allowing everything until the caches synced), syncs the caches and
   * judges one change to warm up; ready after that.
   */
  public void start() {
    https.start();
    cache.start();
    handler.warmUp();
    ready = true;
    LOG.info("guard ready on {}", https.getAddress());
  }

  public boolean isReady() {
    return ready;
  }

  public InetSocketAddress address() {
    return https.getAddress();
  }

  public InetSocketAddress httpAddress() {
    return http == null ? null : http.getAddress();
  }

  public GuardMetrics metrics() {
    return metrics;
  }

  private void validate(HttpExchange ex) throws IOException {
    if (!"POST".equals(ex.getRequestMethod())) {
      reply(ex, 405, "text/plain", "POST an AdmissionReview\n");
      return;
    }
    AdmissionReview in;
    try (InputStream body = ex.getRequestBody()) {
      in = client.getKubernetesSerialization().unmarshal(body, AdmissionReview.class);
    } catch (RuntimeException e) {
      reply(ex, 400, "text/plain", "not an AdmissionReview: " + e.getMessage() + "\n");
      return;
    }
    if (in == null || in.getRequest() == null) {
      reply(ex, 400, "text/plain", "an AdmissionReview without request\n");
      return;
    }
    AdmissionReview out = new AdmissionReviewBuilder()
        .withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview")
        .withResponse(handler.review(in.getRequest())).build();
    reply(ex, 200, "application/json", client.getKubernetesSerialization().asJson(out));
  }

  private void recordEvent(Service svc, String message) {
    try {
      String now = Instant.now().toString();
      client.v1().events().inNamespace(svc.getMetadata().getNamespace()).resource(
          new EventBuilder().withNewMetadata()
              .withName(svc.getMetadata().getName() + "." + UUID.randomUUID())
              .withNamespace(svc.getMetadata().getNamespace()).endMetadata()
              .withType("Warning").withReason("IdentityTrap").withMessage(message)
              .withNewInvolvedObject().withKind("Service").withApiVersion("v1")
              .withNamespace(svc.getMetadata().getNamespace())
              .withName(svc.getMetadata().getName()).withUid(svc.getMetadata().getUid())
              .endInvolvedObject()
              .withNewSource().withComponent("nodeipam-guard").endSource()
              .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warn("event on {}/{} not recorded: {}", svc.getMetadata().getNamespace(),
          svc.getMetadata().getName(), e.getMessage());
    }
  }

  private static void reply(HttpExchange ex, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    if (https != null) {
      https.stop(0);
    }
    if (http != null) {
      http.stop(0);
    }
    cache.close();
    workers.shutdownNow();
  }
}
