package dev.nodeipam.cli;

import dev.nodeipam.kube.KubeClients;
import dev.nodeipam.kube.LiveLoader;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.AnnotatedAddressText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where a read-only command takes its cluster from: manifests ({@code -f}) or a live API server.
 */
public final class InputOptions {
  @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec mixee;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "PATH",
      description =
          "Manifest file or directory (every .yaml, .yml and .json below it), or - for"
              + " standard input (multi-document YAML or JSON); repeatable. Without -f or -k the"
              + " live cluster is read.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = {"-k", "--kustomize"},
      paramLabel = "DIR",
      description = "A kustomization directory, rendered with 'kubectl kustomize DIR' (or"
          + " 'kustomize build DIR'), whichever is on the PATH.")
  Path kustomization;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig for the live cluster (default: KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "NAME",
      description = "The kubeconfig context to use (default: its current-context).")
  String context;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description =
          "Report only the Services of this namespace; repeatable. The whole cluster is still"
              + " read: nodes, pods and policies elsewhere decide what happens to them. With one"
              + " -n, manifest objects without a namespace are placed in it (kubectl apply -n).")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Report the Services of every namespace (the default; cannot go with -n).")
  boolean allNamespaces;

  /** The namespaces to report; empty for all. */
  public Set<String> scope(picocli.CommandLine.Model.CommandSpec spec) {
    if (allNamespaces && !namespaces.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "-A and -n " + namespaces.get(0) + " cannot go together");
    }
    return Set.copyOf(namespaces);
  }

  @Option(
      names = "--skip-non-manifests",
      description = "Skip, with a warning each, files under a -f directory that parse but hold no"
          + " Kubernetes object (another tool's JSON, Helm values); without it they are an error.")
  boolean skipNonManifests;

  /** Loads the snapshot, with a progress line on stderr (at a terminal) when it takes a while. */
  public ClusterSnapshot load() {
    ClusterSnapshot snapshot;
    if (isManifestMode()) {
      ManifestLoader.Options options = new ManifestLoader.Options(skipNonManifests,
          this::warn, new ManifestLoader.Progress())
          .withCommand(mixee == null ? "COMMAND" : mixee.name())
          .withNamespace(namespaces.size() == 1 ? namespaces.get(0) : null);
      List<Path> paths = new ArrayList<>(files);
      if (kustomization != null) {
        options = options.withStdin(Kustomize.render(kustomization, System.getenv()));
        paths.add(Path.of("-"));
      }
      ManifestLoader.Progress p = options.progress();
      try (ProgressLine line = ProgressLine.start(() -> String.format(
          "nodeipam: reading manifests: %,d of %,d files, %,d objects", p.filesRead(), p.files(),
          p.objects()))) {
        snapshot = ManifestLoader.load(paths, options);
        line.finish(summary(snapshot, line.seconds()));
      }
    } else {
      try (ProgressLine line = ProgressLine.start(() -> "nodeipam: reading the cluster");
          KubeClients.Connection cluster = KubeClients.open(kubeconfig, context, System.getenv())) {
        snapshot = new LiveLoader(cluster.client(), cluster.where()).load();
        line.finish(summary(snapshot, line.seconds()));
      }
    }
    // E13: an invalid node annotation is ignored, and said so once per node.
    snapshot.nodes().stream()
        .filter(n -> n.annotatedAddresses().isInvalid())
        .forEach(n -> warn(AnnotatedAddressText.ignored(n.name(), n.annotatedAddresses())));
    return snapshot;
  }

  private void warn(String warning) {
    PrintWriter err = mixee == null ? new PrintWriter(System.err, true)
        : mixee.commandLine().getErr();
    err.println("nodeipam: warning: " + warning);
    err.flush();
  }

  private static String summary(ClusterSnapshot snapshot, double seconds) {
    return String.format(
        "nodeipam: read %,d nodes, %,d services, %,d endpoint slices, %,d pods, %,d policies in"
            + " %.1f s",
        snapshot.nodes().size(), snapshot.services().size(), snapshot.endpointSlices().size(),
        snapshot.pods().size(), snapshot.policies().size(), seconds);
  }

  public boolean isManifestMode() {
    return !files.isEmpty() || kustomization != null;
  }
}
