package dev.nodeipam.migrate;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.tools.generate.ClusterShape;
import dev.nodeipam.tools.generate.SyntheticCluster;
import java.util.Arrays;
import java.util.Locale;

/**
 * A timed main (not a test): the migration planner on the synthetic cluster, next to what {@code
 * nodeipam plan} computes for the same cluster, both measured in one JVM so that the ratio holds on
 * a shared machine. Run with {@code bench/migrate-bench.sh [NODES] [SERVICES]}.
 */
public final class MigrateBench {
  private static final int WARMUP = 3;
  private static final int RUNS = 7;

  private MigrateBench() {}

  public static void main(String[] args) {
    ClusterShape base = ClusterShape.defaults();
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : base.nodes();
    int services = args.length > 1 ? Integer.parseInt(args[1]) : base.services();
    ClusterShape shape =
        ClusterShape.builder()
            .nodes(nodes)
            .services(services)
            .podsPerService(base.podsPerService())
            .namespaces(base.namespaces())
            .seed(base.seed())
            .localFraction(base.localFraction())
            .clusterIpFraction(base.clusterIpFraction())
            .externalIpsFraction(base.externalIpsFraction())
            .otherClassFraction(base.otherClassFraction())
            .excludedNodeFraction(base.excludedNodeFraction())
            .build();
    ClusterSnapshot snapshot = SyntheticCluster.generate(shape);
    long[] migrate = new long[RUNS];
    long[] plan = new long[RUNS];
    MigrationPlan last = null;
    for (int i = -WARMUP; i < RUNS; i++) {
      long t0 = System.nanoTime();
      last =
          MigrationPlanner.plan(
              snapshot,
              MigrationPlanner.Options.defaults(),
              AfterStateAudit.UNAVAILABLE,
              MigrateRenderer.COMMAND_TEXT);
      long t1 = System.nanoTime();
      ClusterPlan.compute(snapshot, NodeIpamOptions.reference());
      long t2 = System.nanoTime();
      if (i >= 0) {
        migrate[i] = t1 - t0;
        plan[i] = t2 - t1;
      }
    }
    long exact = last.services().stream().filter(ServiceMigration::exact).count();
    System.out.printf(
        Locale.ROOT,
        "%d nodes, %d services, %d with externalIPs (%d exact), %d steps%n"
            + "migrate plan  median %.0f ms%nnodeipam plan median %.0f ms (whole cluster)%n",
        snapshot.nodes().size(),
        snapshot.services().size(),
        last.services().size(),
        exact,
        last.steps().size(),
        median(migrate) / 1e6,
        median(plan) / 1e6);
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
