package dev.nodeipam.tools.generate;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.AuditRenderer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
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
    List<String> numbers = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
    int nodes = numbers.size() > 0 ? Integer.parseInt(numbers.get(0)) : 1_000;
    int services = numbers.size() > 1 ? Integer.parseInt(numbers.get(1)) : 5_500;
    int podsPerService = numbers.size() > 2 ? Integer.parseInt(numbers.get(2)) : 10;
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
      AuditReport report = null;
      boolean coldOnly = Arrays.asList(args).contains("--cold-only");
      for (String run : coldOnly ? List.of("cold") : List.of("cold", "warm")) {
        report = null;
        long t1 = System.nanoTime();
        report = Audit.run(snapshot, Map.of(), AuditOptions.defaults());
        double audit = seconds(t1);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
        System.out.printf(
            "audit (%s): %.1f s (%.1fx the load) for %d traps, %d findings (%s), %d companions,"
                + " %d source identities; heap after %d MB (max %d MB)%n",
            run, audit, audit / load, report.traps().size(), report.findings().size(),
            report.counts(), report.companions().size(), report.sourceGroups(), heapMb,
            rt.maxMemory() >> 20);
      }
      if (render) {
        // Writing the report is separate from finding the traps: its size follows the grouped
        // findings (one per source workload or identity), not the pods; --per-pod adds the
        // version 1 JSON, one finding per source pod.
        AuditReport r = report;
        System.out.printf("grouped findings: %d%n", r.groupedFindings().size());
        render("text", out -> AuditRenderer.writeText(r, new PrintWriter(out)));
        render("JSON", out -> AuditRenderer.writeJson(r, out));
        if (Arrays.asList(args).contains("--per-pod")) {
          render("JSON per pod", out -> AuditRenderer.writeJson(r, out, Granularity.POD));
        }
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private interface Rendering {
    void to(Writer out) throws IOException;
  }

  private static void render(String format, Rendering rendering) throws IOException {
    long[] bytes = new long[1];
    OutputStream counting = new OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    };
    long t = System.nanoTime();
    try (Writer out = new BufferedWriter(
        new OutputStreamWriter(counting, StandardCharsets.UTF_8), 1 << 16)) {
      rendering.to(out);
    }
    System.out.printf("%s report: %.1f s, %.1f MB%n", format, seconds(t), bytes[0] / 1e6);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
