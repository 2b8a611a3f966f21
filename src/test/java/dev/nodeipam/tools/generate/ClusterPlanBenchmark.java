package dev.nodeipam.tools.generate;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Node IPAM decision for every Service of a generated cluster (default: 5,000 nodes, 10,000
 * Services, ten distinct node selectors, a third of the Node IPAM Services ETP Local), on one
 * thread. Run with {@code bench/run-jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-XX:ActiveProcessorCount=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClusterPlanBenchmark {
  @Param({"5000"})
  int nodes;

  @Param({"10000"})
  int services;

  private ClusterSnapshot snapshot;
  private NodePool pool;
  private NodeIpam ipam;

  @Setup
  public void generate() {
    snapshot =
        SyntheticCluster.generate(ClusterShape.defaults().withNodes(nodes).withServices(services));
    pool = NodePool.of(snapshot.nodes());
    ipam = new NodeIpam(NodeIpamOptions.reference());
  }

  /** What {@code nodeipam plan} computes: the node pool built afresh, then every Service. */
  @Benchmark
  public List<ClusterPlan.Entry> planEveryService() {
    return ClusterPlan.compute(snapshot, NodeIpamOptions.reference());
  }

  /**
   * Every Service decided against one long-lived pool, as the controller's full resync does
   * (selections already memoised after the first iteration).
   */
  @Benchmark
  public void decideEveryServiceWarmPool(Blackhole sink) {
    for (Service s : snapshot.services()) {
      IngressDecision d = ipam.decide(s, pool, snapshot.slicesOf(s.namespace(), s.name()));
      sink.consume(d);
    }
  }

  /** Building the node pool alone: parsing every node's addresses. */
  @Benchmark
  public NodePool buildNodePool() {
    return NodePool.of(snapshot.nodes());
  }
}
