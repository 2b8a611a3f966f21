package dev.nodeipam.cli;

import dev.nodeipam.controller.ApiServerWait;
import dev.nodeipam.controller.ControllerMetrics;
import dev.nodeipam.controller.ControllerSettings;
import dev.nodeipam.controller.NodeIpamController;
import dev.nodeipam.controller.SafetyChecks;
import dev.nodeipam.kube.KubeClients;
import dev.nodeipam.snapshot.BadInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nodeipam controller}: the Node IPAM LoadBalancer controller, for a live cluster. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs the Node IPAM LoadBalancer controller against a live cluster.",
    description = {
      "Runs the Node IPAM LoadBalancer controller: fills status.loadBalancer.ingress",
      "of the LoadBalancer Services of its class with the addresses of the selected",
      "nodes, exactly as Cilium's Node IPAM decides, and writes only when a Service's",
      "result changes. Runs until stopped; SIGTERM releases the lease, so that a",
      "standby takes over at once."
    })
public final class ControllerCommand implements Callable<Integer> {
  static final String SERVICE_ACCOUNT_NAMESPACE =
      "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");
  private static final Duration WAIT_PERIOD = Duration.ofSeconds(2);

  @Spec CommandSpec spec;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig (default: KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Mixin NodeIpamFlags ipam;

  @Option(
      names = "--clear-released-status",
      description =
          "Clear status.loadBalancer.ingress of a Service that leaves this controller's ownership"
              + " (class or type changed) while it runs.")
  boolean clearReleasedStatus;

  @Option(
      names = "--leader-elect",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "BOOL",
      description =
          "Elect a leader on a Lease; only the leader writes (default: ${DEFAULT-VALUE}).")
  boolean leaderElect;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NAMESPACE",
      description =
          "Namespace of the Lease (default: the pod's namespace from POD_NAMESPACE or the service"
              + " account, else nodeipam-system).")
  String leaseNamespace;

  @Option(
      names = "--lease-name",
      paramLabel = "NAME",
      defaultValue = "nodeipam",
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-duration",
      paramLabel = "SECONDS",
      defaultValue = "15",
      description =
          "How long a lease lasts without renewal; a standby takes over within it (default:"
              + " ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(
      names = "--http-address",
      paramLabel = "HOST:PORT",
      defaultValue = "0.0.0.0:8080",
      description =
          "Where /healthz, /readyz and /metrics are served; empty to serve nothing (default:"
              + " ${DEFAULT-VALUE}).")
  String httpAddress;

  @Option(
      names = "--dry-run",
      description = "Log what would be written and write nothing (no status, no events, no lease).")
  boolean dryRun;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "" + ControllerSettings.DEFAULT_WORKERS,
      description =
          "Status writers: reconcile threads, each writing the status of the Service it decided;"
              + " never two on one Service; 1 to "
              + ControllerSettings.MAX_WORKERS
              + " (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--settle-delay",
      paramLabel = "MS",
      defaultValue = "1000",
      description =
          "Milliseconds a Service that node or EndpointSlice events queue waits before it is"
              + " reconciled: a burst of events costs one status write of the final state;"
              + " 0 to 1000 (default: ${DEFAULT-VALUE}).")
  int settleDelayMillis;

  @Option(
      names = "--allow-cilium-node-ipam",
      description =
          "Start even when kube-system/cilium-config says Cilium's own Node IPAM serves the same"
              + " class (two writers will fight).")
  boolean allowCiliumNodeIpam;

  @Override
  public Integer call() throws InterruptedException {
    checkRanges();
    InetSocketAddress http = parseAddress(httpAddress);
    String identity = identity();
    ControllerSettings settings = settings(identity, http);
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    try (KubernetesClient client = controllerClient(kubeconfig)) {
      CountDownLatch stopped = new CountDownLatch(1);
      try (NodeIpamController controller =
          new NodeIpamController(client, settings, new ControllerMetrics(registry), change -> {})) {
        Thread hook =
            new Thread(
                () -> {
                  controller.close();
                  stopped.countDown();
                },
                "nodeipam-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info(
            "starting class={} defaultClass={} leaderElect={} lease={}/{} identity={} http={}"
                + " dryRun={} server={}",
            settings.options().loadBalancerClass(),
            settings.options().defaultClass(),
            settings.leaderElect(),
            settings.leaseNamespace(),
            settings.leaseName(),
            identity,
            httpAddress,
            dryRun,
            client.getMasterUrl());
        // /healthz answers from now on, /readyz says no until the caches synced.
        controller.serveHttp();
        // E12 and the IPVS check need the server: wait for it rather than skip them.
        SafetyChecks.Findings findings =
            ApiServerWait.untilAnswered(
                String.valueOf(client.getMasterUrl()),
                WAIT_PERIOD,
                () -> SafetyChecks.check(client, settings.options()));
        findings.warnings().forEach(w -> LOG.warn("{}", w));
        if (findings.conflict() != null) {
          if (!allowCiliumNodeIpam) {
            Runtime.getRuntime().removeShutdownHook(hook);
            throw new BadInputException(
                findings.conflict() + "; refusing to start (--allow-cilium-node-ipam overrides)");
          }
          LOG.warn("{} (starting anyway: --allow-cilium-node-ipam)", findings.conflict());
        }
        try {
          controller.start();
        } catch (IllegalStateException | KubernetesClientException e) {
          spec.commandLine()
              .getErr()
              .println("nodeipam: cannot start the controller: " + e.getMessage());
          return 1;
        }
        stopped.await();
      }
    }
    return 0;
  }

  /** Refuses numeric flags outside their range. */
  private void checkRanges() {
    if (workers < 1 || workers > ControllerSettings.MAX_WORKERS) {
      throw new ParameterException(
          spec.commandLine(), "--workers must be 1 to " + ControllerSettings.MAX_WORKERS);
    }
    if (settleDelayMillis < 0 || settleDelayMillis > 1000) {
      throw new ParameterException(spec.commandLine(), "--settle-delay must be 0 to 1000");
    }
    if (leaseSeconds < 3) {
      throw new ParameterException(spec.commandLine(), "--lease-duration must be at least 3");
    }
  }

  /** The controller's settings from the flags. */
  private ControllerSettings settings(String identity, InetSocketAddress http) {
    Duration lease = Duration.ofSeconds(leaseSeconds);
    return ControllerSettings.defaults(ipam.options(), identity)
        .withClearReleasedStatus(clearReleasedStatus)
        .withDryRun(dryRun)
        .withLeaderElection(
            leaderElect,
            leaseNamespace != null ? leaseNamespace : podNamespace(),
            leaseName,
            lease,
            lease.multipliedBy(2).dividedBy(3),
            retryPeriod(leaseSeconds))
        .withHttpAddress(http)
        .withWorkers(workers)
        .withSettleDelay(Duration.ofMillis(settleDelayMillis));
  }

  /**
   * How often a standby looks at the Lease and a leader renews it: a seventh of the lease, at most
   * 2 s (15 s leases: 2 s, renew deadline 10 s). fabric8 requires the renew deadline (two thirds of
   * the lease) to exceed 2.2 retry periods, which a seventh always leaves room for.
   */
  public static Duration retryPeriod(int leaseSeconds) {
    return Duration.ofMillis(Math.min(2000, leaseSeconds * 1000L / 7));
  }

  private InetSocketAddress parseAddress(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new ParameterException(
          spec.commandLine(), "--http-address must be HOST:PORT, not \"" + text + "\"");
    }
    String host = text.substring(0, colon).replaceAll("^\\[|\\]$", "");
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(
          spec.commandLine(), "--http-address: bad port in \"" + text + "\"");
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  /** The pod's name from the downward API, else the host name with a random suffix. */
  /**
   * The cluster's client without fabric8's own request retries (up to ten, with exponential
   * backoff): the controller retries on its own terms (work-queue backoff, the lease's retry
   * period, informer re-watch), and a start-up wait says what it waits for at a steady pace.
   */
  static KubernetesClient controllerClient(Path kubeconfig) {
    try (KubernetesClient probe = KubeClients.connect(kubeconfig)) {
      Config config =
          new ConfigBuilder(probe.getConfiguration()).withRequestRetryBackoffLimit(0).build();
      return new KubernetesClientBuilder().withConfig(config).build();
    }
  }

  static String identity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "nodeipam";
    }
    return host + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** POD_NAMESPACE, else the service account's namespace file, else nodeipam-system. */
  static String podNamespace() {
    String env = System.getenv("POD_NAMESPACE");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    Path file = Path.of(SERVICE_ACCOUNT_NAMESPACE);
    if (Files.isReadable(file)) {
      try {
        String text = Files.readString(file).trim();
        if (!text.isEmpty()) {
          return text;
        }
      } catch (IOException e) {
        // fall through to the default
      }
    }
    return "nodeipam-system";
  }
}
