package dev.nodeipam.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver and etcd (fabric8 kube-api-test) for tests that need the server users run:
 * RBAC, defaulting, validation, real patch semantics, 410 Gone.
 *
 * <p>{@link #shared()} starts one server for the whole test JVM (about 3.5 s) and stops it when the
 * JVM exits; tests isolate themselves with {@link #newNamespace(String)} (no namespace controller
 * runs, so namespaces are never deleted). The binaries come from {@code KUBE_API_TEST_DIR} (what
 * {@code ../shared/envtest/install} prints), else {@code target/envtest} (unpacked here from {@code
 * ../shared/envtest/} when that folder exists), else kube-api-test downloads them. With {@code
 * CI=true} a server that cannot start fails the test; elsewhere the test is skipped with the
 * reason.
 */
public final class RealApiServer implements AutoCloseable {
  /** The Kubernetes version of the binaries in {@code ../shared/envtest/}. */
  public static final String ENVTEST_VERSION = "1.24.0";

  private static final Path ENVTEST_SOURCE = Path.of("..", "shared", "envtest");
  private static final Path LOCAL_DIR = Path.of("target", "envtest");
  private static RealApiServer shared;

  private final KubeAPIServer server;
  private final String adminKubeconfig;
  private final Config adminConfig;
  private final KubernetesClient admin;
  private final Path testDir;
  private boolean deployApplied;

  private RealApiServer(KubeAPIServer server, Path testDir) {
    this.server = server;
    this.testDir = testDir;
    this.adminKubeconfig = server.getKubeConfigYaml();
    this.adminConfig = Config.fromKubeconfig(adminKubeconfig);
    this.admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
  }

  /** The server shared by every test of this JVM, started on first use. */
  public static synchronized RealApiServer shared() {
    if (shared == null) {
      shared = start();
      RealApiServer started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "real-api-server-stop"));
    }
    return shared;
  }

  /** A server of its own; the caller closes it. */
  public static RealApiServer start() {
    Path dir = binariesDir();
    KubeAPIServerConfigBuilder config = KubeAPIServerConfigBuilder.anAPIServerConfig();
    if (dir != null) {
      // Never through the KUBE_API_TEST_OFFLINE_MODE variable: 7.5.2 fails on it.
      config.withTestDir(dir.toString()).withApiServerVersion(version()).withOfflineMode(true);
    }
    KubeAPIServer server = new KubeAPIServer(config.build());
    try {
      server.start();
    } catch (RuntimeException e) {
      String why =
          "no real kube-apiserver could be started ("
              + (dir == null ? "no binaries found, download failed" : "binaries in " + dir)
              + "): "
              + e;
      if (inCi()) {
        throw new IllegalStateException(why, e);
      }
      Assumptions.abort(why);
    }
    Path testDir = dir != null ? dir : Path.of(System.getProperty("user.home"), ".kubeapitest");
    return new RealApiServer(server, testDir);
  }

  static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static String version() {
    String v = System.getenv("KUBE_API_TEST_API_SERVER_VERSION");
    return v == null || v.isBlank() ? ENVTEST_VERSION : v;
  }

  /** Where unpacked binaries are, unpacking the shared envtest folder if needed; else null. */
  private static Path binariesDir() {
    String env = System.getenv("KUBE_API_TEST_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env).toAbsolutePath();
    }
    Path local = LOCAL_DIR.toAbsolutePath();
    if (Files.isExecutable(binDir(local).resolve("kube-apiserver"))) {
      return local;
    }
    Path install = ENVTEST_SOURCE.resolve("install");
    if (Files.isExecutable(install)) {
      try {
        Process p =
            new ProcessBuilder(install.toString(), local.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return local;
        }
      } catch (IOException e) {
        // fall through to the launcher's download
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return null;
  }

  private static Path binDir(Path testDir) {
    return testDir.resolve("k8s").resolve(version() + "-linux-amd64");
  }

  /** The folder with kube-apiserver, etcd (and kubectl), for tests that run the binaries. */
  public Path binaries() {
    Path pinned = binDir(testDir);
    if (Files.isExecutable(pinned.resolve("kube-apiserver"))) {
      return pinned;
    }
    // Downloaded by kube-api-test: the newest version folder it holds.
    try (var dirs = Files.list(testDir.resolve("k8s"))) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("kube-apiserver")))
          .max(Comparator.naturalOrder())
          .orElse(pinned);
    } catch (IOException e) {
      return pinned;
    }
  }

  /** The folder holding the server's certificates and keys. */
  public Path certificates() {
    return testDir;
  }

  /** An admin (system:masters) client; shared, do not close it. */
  public KubernetesClient admin() {
    return admin;
  }

  /** The admin kubeconfig as YAML (certificate files by path). */
  public String adminKubeconfig() {
    return adminKubeconfig;
  }

  public String url() {
    return adminConfig.getMasterUrl();
  }

  /** A namespace of its own for one test: {@code prefix-<random>}. */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /** Creates the ServiceAccount if absent. */
  public void ensureServiceAccount(String namespace, String name) {
    admin
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .createOr(NonDeletingOperation::update);
  }

  /** A bearer token of the ServiceAccount from the TokenRequest API, valid for an hour. */
  public String serviceAccountToken(String namespace, String name) {
    TokenRequest request =
        new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
    return admin
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** A client authenticated as the ServiceAccount (a TokenRequest token, no client certificate). */
  public KubernetesClient clientAs(String namespace, String serviceAccount) {
    return clientAs(namespace, serviceAccount, null);
  }

  /**
   * A client authenticated as the ServiceAccount whose every request is recorded in {@code log}
   * (when not null). Its own request retries are off, as in the controller.
   */
  public KubernetesClient clientAs(String namespace, String serviceAccount, RequestLog log) {
    Config config =
        new ConfigBuilder(configAs(serviceAccountToken(namespace, serviceAccount)))
            .withRequestRetryBackoffLimit(0)
            .build();
    KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
    if (log != null) {
      builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("request-log", log));
    }
    return builder.build();
  }

  private Config configAs(String token) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(adminConfig.getMasterUrl())
        .withCaCertData(caData())
        .withOauthToken(token)
        .withNamespace("default")
        .build();
  }

  private String caData() {
    try {
      String file = adminConfig.getCaCertFile();
      if (file != null) {
        return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(file)));
      }
      return adminConfig.getCaCertData();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A kubeconfig file authenticated as the ServiceAccount (for a controller in another process).
   */
  public Path kubeconfigAs(String namespace, String serviceAccount, Path file) {
    return kubeconfigFor(url(), serviceAccountToken(namespace, serviceAccount), file);
  }

  /** A kubeconfig file for the given server URL and bearer token, trusting this server's CA. */
  public Path kubeconfigFor(String serverUrl, String token, Path file) {
    return Kubeconfig.write(
        file,
        serverUrl,
        Map.of("certificate-authority-data", caData()),
        Map.of("token", token));
  }

  /**
   * Applies {@code deploy/} (rendered by {@link DeployManifests}) once per server: namespace {@code
   * nodeipam-system}, ServiceAccount {@code nodeipam} and its RBAC. The Deployment is created too;
   * no kubelet runs it.
   */
  public synchronized void applyDeployManifests() {
    if (deployApplied) {
      return;
    }
    List<HasMetadata> objects = DeployManifests.render();
    // Namespaces first: the namespaced objects need them.
    List<HasMetadata> ordered = new ArrayList<>();
    objects.stream().filter(o -> "Namespace".equals(o.getKind())).forEach(ordered::add);
    objects.stream().filter(o -> !"Namespace".equals(o.getKind())).forEach(ordered::add);
    for (HasMetadata o : ordered) {
      admin.resource(o).forceConflicts().serverSideApply();
    }
    deployApplied = true;
  }

  /** Deletes every Node (cluster-scoped, so shared between tests), finalizers and all. */
  public void deleteAllNodes() {
    for (var node : admin.nodes().list().getItems()) {
      if (node.getMetadata().getFinalizers() != null
          && !node.getMetadata().getFinalizers().isEmpty()) {
        admin
            .nodes()
            .withName(node.getMetadata().getName())
            .edit(
                n -> {
                  n.getMetadata().setFinalizers(List.of());
                  return n;
                });
      }
    }
    admin.nodes().delete();
  }

  /** Writes the admin kubeconfig to a file (for kubectl and other processes). */
  public Path writeAdminKubeconfig(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, adminKubeconfig, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  @Override
  public synchronized void close() {
    admin.close();
    server.stop();
  }
}
