package dev.nodeipam.tools.generate;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.kube.ManifestLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The audit of {@code nodeipam generate}'s default cluster (a timed main, not a test): 5,000
 * nodes, 10,000 Services, 80,000 pods, no policy, about 5.8 million published addresses. With no
 * rule that a Service address can break, the audit must cost a fraction of the load. Prints the
 * load time, the audit time (cold, then warm) and its ratio to the load, and the heap. Run it
 * with {@code bench/audit-generated.sh [EXTRA_PATH...]} (JAVA_OPTS default {@code -Xmx1g}); extra
 * paths are loaded with the cluster ({@code bench/inputs/ccnp-egress-443.yaml}: the cluster-wide
 * CIDR policy of {@code bench/audit-cidr.sh}).
 */
public final class AuditGeneratedBench {
  private AuditGeneratedBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("nodeipam-audit-generated");
    try {
      var written = ManifestTreeWriter.write(SyntheticCluster.generate(ClusterShape.defaults()), dir);
      System.gc();
      long t0 = System.nanoTime();
      // Extra manifests (a policy, say) are loaded with the cluster: the ratio is then that of
      // the table, audit and load in one run.
      List<Path> paths = new ArrayList<>(List.of(dir));
      Arrays.stream(args).map(Path::of).forEach(paths::add);
      var snapshot = ManifestLoader.load(paths);
      double load = (System.nanoTime() - t0) / 1e9;
      System.out.printf("cluster: %d objects in %d files; %d nodes, %d services, %d pods,"
              + " %d policies%n", written.objects(), written.files(), snapshot.nodes().size(),
          snapshot.services().size(), snapshot.pods().size(), snapshot.policies().size());
      System.out.printf("load from YAML: %.1f s%n", load);
      for (String run : List.of("cold", "warm")) {
        long t1 = System.nanoTime();
        AuditReport report = Audit.run(snapshot, Map.of(), AuditOptions.defaults());
        double audit = (System.nanoTime() - t1) / 1e9;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        System.out.printf("audit (%s): %.1f s (%.2fx the load), %d Service addresses, %d traps,"
                + " %d other findings; heap after %d MB (max %d MB)%n", run, audit, audit / load,
            report.addresses(), report.traps().size(), report.others().size(), heapMb,
            rt.maxMemory() >> 20);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
