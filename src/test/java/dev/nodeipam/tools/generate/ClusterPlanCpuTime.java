package dev.nodeipam.tools.generate;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The CPU time (not wall time) of {@code ClusterPlan.compute} over the benchmark cluster, for a
 * machine shared with other work where JMH's wall-clock figures swing with the load: the thread's
 * CPU time counts only while it runs. Run with {@code bench/run-jmh.sh --cpu-time}.
 */
public final class ClusterPlanCpuTime {
  private ClusterPlanCpuTime() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : ClusterShape.DEFAULT_NODES;
    int services = args.length > 1 ? Integer.parseInt(args[1]) : ClusterShape.DEFAULT_SERVICES;
    int warmup = 15;
    int measured = 25;
    ClusterSnapshot snapshot =
        SyntheticCluster.generate(ClusterShape.defaults().withNodes(nodes).withServices(services));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] cpu = new long[measured];
    long[] wall = new long[measured];
    int sink = 0;
    for (int i = 0; i < warmup + measured; i++) {
      long c0 = threads.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      sink += ClusterPlan.compute(snapshot, NodeIpamOptions.reference()).size();
      long c1 = threads.getCurrentThreadCpuTime();
      long w1 = System.nanoTime();
      if (i >= warmup) {
        cpu[i - warmup] = c1 - c0;
        wall[i - warmup] = w1 - w0;
      }
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    System.out.printf(
        "ClusterPlan.compute, %d nodes, %d services (%d decisions): CPU time min %.1f ms,"
            + " median %.1f ms, max %.1f ms; wall median %.1f ms%n",
        nodes,
        services,
        sink / (warmup + measured),
        cpu[0] / 1e6,
        cpu[measured / 2] / 1e6,
        cpu[measured - 1] / 1e6,
        wall[measured / 2] / 1e6);
  }
}
