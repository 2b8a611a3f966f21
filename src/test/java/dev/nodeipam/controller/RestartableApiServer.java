package dev.nodeipam.controller;

import dev.nodeipam.testing.Kubeconfig;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * etcd and a kube-apiserver from the envtest binaries, launched here rather than by kube-api-test
 * so that the API server can be stopped and started again on the same port over the same etcd (what
 * a control-plane upgrade or crash looks like to a controller). Uses the certificates of the shared
 * server's folder, with the flags kube-api-test passes.
 */
final class RestartableApiServer implements AutoCloseable {
  private final Path bin;
  private final Path certs;
  private final Path dataDir;
  private final int etcdPort;
  private final int port;
  private final Process etcd;
  private Process apiServer;

  private RestartableApiServer(RealApiServer shared, Path dataDir) throws IOException {
    this.bin = shared.binaries();
    this.certs = shared.certificates();
    this.dataDir = dataDir;
    this.etcdPort = freePort();
    this.port = freePort();
    int peer = freePort();
    this.etcd =
        new ProcessBuilder(
                bin.resolve("etcd").toString(),
                "--data-dir",
                dataDir.resolve("etcd").toString(),
                "--listen-client-urls",
                "http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls",
                "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peer,
                "--initial-cluster",
                "default=http://127.0.0.1:" + peer)
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("etcd.log").toFile())
            .start();
  }

  /** etcd running, the API server not yet started: {@link #port()} is where it will listen. */
  static RestartableApiServer prepare(Path dataDir) throws IOException {
    return new RestartableApiServer(RealApiServer.shared(), dataDir);
  }

  int port() {
    return port;
  }

  String url() {
    return "https://127.0.0.1:" + port;
  }

  /** Starts the API server on {@link #port()} and waits until it is ready. */
  void startApiServer() throws IOException, InterruptedException {
    String key = certs.resolve("apiserver.key").toString();
    apiServer =
        new ProcessBuilder(
                List.of(
                    bin.resolve("kube-apiserver").toString(),
                    "--cert-dir",
                    certs.toString(),
                    "--bind-address",
                    "127.0.0.1",
                    "--secure-port",
                    String.valueOf(port),
                    "--etcd-servers",
                    "http://127.0.0.1:" + etcdPort,
                    "--authorization-mode",
                    "RBAC",
                    "--service-account-issuer",
                    "https://localhost",
                    "--service-account-signing-key-file",
                    key,
                    "--service-account-key-file",
                    key,
                    "--disable-admission-plugins",
                    "ServiceAccount",
                    "--client-ca-file",
                    certs.resolve("client.crt").toString(),
                    "--service-cluster-ip-range",
                    "10.0.0.0/24",
                    "--allow-privileged"))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dataDir.resolve("apiserver.log").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (KubernetesClient admin = admin()) {
      while (true) {
        try {
          admin.namespaces().withName("default").get();
          if (admin.namespaces().withName("default").get() != null) {
            return;
          }
        } catch (RuntimeException e) {
          // not yet
        }
        if (!apiServer.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "kube-apiserver did not get ready; see " + dataDir.resolve("apiserver.log"));
        }
        Thread.sleep(200);
      }
    }
  }

  /** Kills the API server; etcd and its data stay. */
  void stopApiServer() throws InterruptedException {
    if (apiServer != null) {
      apiServer.destroyForcibly();
      apiServer.waitFor(30, TimeUnit.SECONDS);
      apiServer = null;
    }
  }

  /** An admin client (client certificate of group system:masters), without request retries. */
  KubernetesClient admin() {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(url())
            .withCaCertFile(certs.resolve("apiserver.crt").toString())
            .withClientCertFile(certs.resolve("client.crt").toString())
            .withClientKeyFile(certs.resolve("client.key").toString())
            .withRequestRetryBackoffLimit(0)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** An admin kubeconfig file for another process. */
  Path adminKubeconfig(Path file) {
    return Kubeconfig.write(
        file,
        url(),
        Map.of("certificate-authority", certs.resolve("apiserver.crt").toString()),
        Map.of(
            "client-certificate", certs.resolve("client.crt").toString(),
            "client-key", certs.resolve("client.key").toString()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopApiServer();
    etcd.destroyForcibly();
    etcd.waitFor(30, TimeUnit.SECONDS);
  }
}
