package dev.nodeipam.bench;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.AuditRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The audit's benchmark (a timed main, not a test): the trace benchmark's synthetic cluster
 * ({@link SyntheticCluster} + {@link SyntheticPolicies}: 1,000 nodes, 10,000 policies, about 50,000
 * pods) with about 4,000 Service addresses.
 * It loads the cluster from a YAML tree (the baseline), then runs the full audit on the loaded
 * snapshot, twice (cold JVM, then warm), and prints the counts, times, heap and the ratio to the
 * load. Run it with {@code bench/audit-bench.sh [NODES] [SERVICES] [PODS_PER_SERVICE]}.
 */
public final class AuditBench {
  private AuditBench() {}

  public static void main(String[] args) throws IOException {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int services = args.length > 1 ? Integer.parseInt(args[1]) : 5_200;
    int podsPerService = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    boolean render = !Arrays.asList(args).contains("--no-render");
    ClusterShape shape =
        ClusterShape.defaults().withNodes(nodes).withServices(services)
            .withPodsPerService(podsPerService).withNamespaces(50)
            // Half the Services on externalIPs (node addresses, as the ones migrate moves), a few
            // LoadBalancers of another class with a status, the rest ClusterIP: about 4,000
            // Service addresses with the defaults.
            .withServiceMix(0.45, 0.50, 0.05);
    SyntheticCluster.Addition config =
        (base, random, out) -> out.ciliumConfig(Map.of("kube-proxy-replacement", "true"));
    var generated =
        SyntheticCluster.generate(shape, List.of(SyntheticPolicies.of(10_000), config));
    Path dir = Files.createTempDirectory("nodeipam-audit-bench");
    try {
      ManifestTreeWriter.Written w = ManifestTreeWriter.write(generated, dir);
      generated = null;
      System.gc();
      long t0 = System.nanoTime();
      var snapshot = ManifestLoader.load(List.of(dir));
      double load = seconds(t0);
      var published = PublishedAddresses.of(snapshot, AuditOptions.defaults().nodeIpam());
      long distinct =
          published.addresses().stream().map(a -> a.address().toCanonicalString()).distinct().count();
      System.out.printf(
          "cluster: %d nodes, %d services, %d pods, %d policies (%d objects in %d files)%n",
          snapshot.nodes().size(), snapshot.services().size(), snapshot.pods().size(),
          snapshot.policies().size(), w.objects(), w.files());
      System.out.printf("Service addresses: %d (%d distinct addresses)%n",
          published.addresses().size(), distinct);
      System.out.printf("load from YAML: %.1f s%n", load);
      for (String run : List.of("cold", "warm")) {
        long t1 = System.nanoTime();
        AuditReport report = Audit.run(snapshot, Map.of(), AuditOptions.defaults());
        double audit = seconds(t1);
        long findings = report.findings().size();
        double rendered = 0;
        if (render) {
          long t2 = System.nanoTime();
          try (Writer out = new OutputStreamWriter(OutputStream.nullOutputStream(),
              StandardCharsets.UTF_8)) {
            AuditRenderer.writeJson(report, out);
          }
          rendered = seconds(t2);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        System.out.printf(
            "audit (%s): %.1f s (%.1fx the load) for %d traps, %d findings (%s), %d companions,"
                + " %d source identities; JSON rendering %.1f s; heap after %d MB (max %d MB)%n",
            run, audit, audit / load, report.traps().size(), findings, report.counts(),
            report.companions().size(), report.sourceGroups(), rendered, heapMb,
            rt.maxMemory() >> 20);
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
