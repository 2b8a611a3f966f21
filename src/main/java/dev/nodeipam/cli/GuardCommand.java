package dev.nodeipam.cli;

import dev.nodeipam.admission.Admission;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.CompanionScope;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.guard.Guard;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nodeipam guard}: the identity trap, caught by a validating webhook at the change. */
@Command(
    name = "guard",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "A validating admission webhook (AdmissionReview v1 at /validate, HTTPS) that judges each"
          + " Service and NetworkPolicy/CiliumNetworkPolicy/CiliumClusterwideNetworkPolicy"
          + " change as nodeipam diff would, against an informer cache of the cluster: a change"
          + " that newly traps flows is allowed with one warning per trapped group (kubectl"
          + " prints them), or refused with --enforce unless the object is annotated "
          + Admission.ACCEPT_ANNOTATION + ". Register it with failurePolicy Ignore: see"
          + " deploy/guard and docs/guard.md.",
    })
public final class GuardCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8443",
      description = "Where AdmissionReviews are served over HTTPS (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--tls-cert-file", paramLabel = "FILE", required = true,
      description = "The serving certificate chain (PEM), read again when it changes.")
  Path certFile;

  @Option(names = "--tls-private-key-file", paramLabel = "FILE", required = true,
      description = "Its private key (PEM: PKCS#1, SEC1 or PKCS#8), read again when it changes.")
  Path keyFile;

  @Option(names = "--http-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:8080",
      description = "Where /healthz, /readyz and /metrics are served; empty to serve nothing"
          + " (default: ${DEFAULT-VALUE}).")
  String httpAddress;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig (default: in-cluster, else KUBECONFIG or ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--enforce", description = "Refuse a trapping change unless annotated "
      + Admission.ACCEPT_ANNOTATION + ": \"<why>\" (default: allow with warnings).")
  boolean enforce;

  @Mixin DatapathFlags datapath;

  @Mixin NodeIpamFlags nodeIpam;

  @Option(names = "--companion-scope", paramLabel = "SCOPE",
      description = "As for audit: cluster or sources.")
  AuditCommand.Scope companionScope;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> overrides = datapath.overrides(spec);
    for (Path f : new Path[] {certFile, keyFile}) {
      if (!Files.isReadable(f)) {
        throw new ParameterException(spec.commandLine(), f + ": cannot read");
      }
    }
    AuditOptions audit = new AuditOptions(nodeIpam.options(), true,
        companionScope == null ? null
            : CompanionScope.valueOf(companionScope.name().toUpperCase(Locale.ROOT)));
    Guard.Settings settings = new Guard.Settings(address("--listen", listen), certFile, keyFile,
        address("--http-address", httpAddress), enforce,
        new StateDiff.Settings(overrides, audit));
    try (KubernetesClient client = ControllerCommand.controllerClient(kubeconfig);
        Guard guard = new Guard(client, settings)) {
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        guard.close();
        stopped.countDown();
      }, "nodeipam-guard-shutdown"));
      guard.start();
      stopped.await();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return 0;
  }

  private InetSocketAddress address(String flag, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    int port = -1;
    try {
      port = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), flag + " must be HOST:PORT, not \""
          + text + "\"");
    }
    String host = text.substring(0, colon).replaceAll("^\\[|\\]$", "");
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
