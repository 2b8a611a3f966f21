package dev.nodeipam.cli;

import dev.nodeipam.kube.KubeClients;
import dev.nodeipam.kube.LiveLoader;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where a read-only command takes its cluster from: manifests ({@code -f}) or a live API server. */
public final class InputOptions {
  @Option(
      names = {"-f", "--filename"},
      paramLabel = "PATH",
      description =
          "Manifest file or directory (every .yaml, .yml and .json below it); repeatable."
              + " Without -f the live cluster is read.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "Kubeconfig for the live cluster (default: KUBECONFIG, ~/.kube/config, or in-cluster).")
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
              + " read: nodes, pods and policies elsewhere decide what happens to them.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = {"-A", "--all-namespaces"},
      description = "Report the Services of every namespace (the default; cannot go with -n).")
  boolean allNamespaces;

  /** The namespaces to report; empty for all. */
  public java.util.Set<String> scope(picocli.CommandLine.Model.CommandSpec spec) {
    if (allNamespaces && !namespaces.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "-A and -n " + namespaces.get(0) + " cannot go together");
    }
    return java.util.Set.copyOf(namespaces);
  }

  /** Loads the snapshot, printing a progress line on stderr when it takes a while. */
  public ClusterSnapshot load() {
    long start = System.nanoTime();
    ClusterSnapshot snapshot;
    if (!files.isEmpty()) {
      snapshot = ManifestLoader.load(files);
    } else {
      try (KubeClients.Connection cluster = KubeClients.open(kubeconfig, context, System.getenv())) {
        snapshot = new LiveLoader(cluster.client(), cluster.where()).load();
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    // Only a person at a terminal wants to hear about a slow load; scripts get stderr for errors.
    if (millis > 2000 && System.console() != null) {
      System.err.printf(
          "nodeipam: read %d nodes, %d services, %d endpoint slices, %d pods, %d policies in %.1f s%n",
          snapshot.nodes().size(), snapshot.services().size(), snapshot.endpointSlices().size(),
          snapshot.pods().size(), snapshot.policies().size(), millis / 1000.0);
    }
    return snapshot;
  }

  public boolean isManifestMode() {
    return !files.isEmpty();
  }
}
