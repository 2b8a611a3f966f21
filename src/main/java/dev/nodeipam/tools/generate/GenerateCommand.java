package dev.nodeipam.tools.generate;

import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code nodeipam generate}: a synthetic cluster as a tree of manifests, for benchmarks and demos.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Writes a synthetic cluster as YAML manifests, for benchmarks and demos.",
      "",
      "Nodes, namespaces, Services, EndpointSlices and pods, as multi-document",
      "files that every -f command reads; the same seed gives the same cluster.",
      "Node IPAM LoadBalancers share ten node selectors, a third of them are",
      "externalTrafficPolicy Local; ClusterIP Services, some with node addresses",
      "in externalIPs; IPv4, IPv6 and dual stack; a few deleting, excluded and",
      "tainted nodes."
    })
public final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--objects",
      paramLabel = "N",
      description =
          "Size the cluster to about N objects in all (2 Services per node); --nodes and"
              + " --services given as well win.")
  Integer objects;

  @Option(
      names = "--nodes",
      paramLabel = "N",
      description = "Nodes (default: " + ClusterShape.DEFAULT_NODES + ").")
  Integer nodes;

  @Option(
      names = "--services",
      paramLabel = "N",
      description = "Services (default: " + ClusterShape.DEFAULT_SERVICES + ").")
  Integer services;

  @Option(
      names = "--pods-per-service",
      paramLabel = "N",
      description =
          "Pods behind each Service (default: " + ClusterShape.DEFAULT_PODS_PER_SERVICE + ").")
  Integer podsPerService;

  @Option(
      names = "--namespaces",
      paramLabel = "N",
      description = "Namespaces (default: " + ClusterShape.DEFAULT_NAMESPACES + ").")
  Integer namespaces;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "" + ClusterShape.DEFAULT_SEED,
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Directory to write; it must be empty or not exist yet.")
  Path out;

  @Override
  public Integer call() {
    ClusterShape shape = shape();
    checkOut();
    ClusterSnapshot cluster = SyntheticCluster.generate(shape);
    ManifestTreeWriter.Written written = ManifestTreeWriter.write(cluster, out);
    spec.commandLine()
        .getOut()
        .printf(
            "wrote %d objects in %d files to %s: %d nodes, %d namespaces, %d services,"
                + " %d endpoint slices, %d pods%n",
            written.objects(),
            written.files(),
            out,
            cluster.nodes().size(),
            cluster.namespaces().size(),
            cluster.services().size(),
            cluster.endpointSlices().size(),
            cluster.pods().size());
    return 0;
  }

  ClusterShape shape() {
    ClusterShape shape =
        objects == null
            ? ClusterShape.defaults()
            : ClusterShape.ofObjects(positive("--objects", objects));
    if (nodes != null) {
      shape = shape.withNodes(atLeastZero("--nodes", nodes));
    }
    if (services != null) {
      shape = shape.withServices(atLeastZero("--services", services));
    }
    if (podsPerService != null) {
      shape = shape.withPodsPerService(atLeastZero("--pods-per-service", podsPerService));
    }
    if (namespaces != null) {
      shape = shape.withNamespaces(positive("--namespaces", namespaces));
    }
    return shape.withSeed(seed);
  }

  private int positive(String option, int value) {
    if (value < 1) {
      throw new ParameterException(
          spec.commandLine(), option + " must be at least 1, not " + value);
    }
    return value;
  }

  private int atLeastZero(String option, int value) {
    if (value < 0) {
      throw new ParameterException(
          spec.commandLine(), option + " must not be negative, not " + value);
    }
    return value;
  }

  /** Refuses to mix a new tree with old files: the loader would see both. */
  private void checkOut() {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new BadInputException(out + ": exists and is not a directory");
    }
    try (Stream<Path> entries = Files.list(out)) {
      if (entries.findAny().isPresent()) {
        throw new BadInputException(out + ": directory is not empty");
      }
    } catch (IOException e) {
      throw new BadInputException(out + ": cannot read directory: " + e.getMessage());
    }
  }
}
