package dev.nodeipam.tools.demo;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's mock API server in CRUD mode, in this process: what {@code nodeipam demo}, the tests
 * and the benchmark run the real controller against. One-off expectations ({@code
 * server().expect()}) answer first, everything else is stored, listed and watched.
 */
public final class InProcessApiServer implements AutoCloseable {
  // Held so that the level set below is not lost when the logger is garbage collected.
  private static final Logger MOCK_LOG = quiet();
  private final KubernetesMockServer server;

  private InProcessApiServer(KubernetesMockServer server) {
    this.server = server;
  }

  /** The mock server logs every request at INFO through java.util.logging. */
  private static Logger quiet() {
    Logger logger =
        Logger.getLogger("io.fabric8.mockwebserver");
    logger.setLevel(Level.WARNING);
    return logger;
  }

  public static InProcessApiServer start() {
    MOCK_LOG.fine("starting");
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return new InProcessApiServer(server);
  }

  public KubernetesMockServer server() {
    return server;
  }

  /**
   * A new client of this server. The client's own request retries are off, so that the failures a
   * test injects reach the controller's work queue, which is what retries them in production too.
   */
  public KubernetesClient newClient() {
    Config base;
    try (KubernetesClient plain = server.createClient()) {
      base = plain.getConfiguration();
    }
    Config config =
        new ConfigBuilder(base)
            .withRequestRetryBackoffLimit(0)
            .withWatchReconnectInterval(200)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
