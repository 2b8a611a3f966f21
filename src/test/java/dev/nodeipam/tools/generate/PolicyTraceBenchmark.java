package dev.nodeipam.tools.generate;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The policy engine on the cluster (50,000 pods, 2,000 Services, 10,000 policies), on one
 * core: one trace (cycling through 2,000 mixed flows), and building an engine. Run with {@code
 * bench/run-jmh.sh PolicyTraceBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g", "-XX:ActiveProcessorCount=1"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PolicyTraceBenchmark {
  private ClusterSnapshot snapshot;
  private PolicyEngine engine;
  private DatapathSettings settings;
  private List<Flow> flows;
  private int next;

  @Setup
  public void generate() {
    ClusterShape shape =
        ClusterShape.defaults()
            .withNodes(1_000)
            .withServices(2_000)
            .withPodsPerService(25)
            .withNamespaces(50);
    snapshot = SyntheticCluster.generate(shape, List.of(SyntheticPolicies.of(10_000)));
    engine = PolicyEngine.of(snapshot);
    settings = engine.settings(Map.of("kube-proxy-replacement", "true"));
    flows = PolicyTraceBench.flows(snapshot, 2_000, new Random(7));
  }

  /** One trace with a long-lived engine (per-identity caches filled as flows repeat). */
  @Benchmark
  public Verdict trace() {
    Flow flow = flows.get(next);
    next = (next + 1) % flows.size();
    return engine.verdict(flow, settings);
  }

  /** What {@code nodeipam trace} builds before its one trace: indexes and clusterwide rules. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public PolicyEngine lazyEngine() {
    return PolicyEngine.lazy(snapshot);
  }

  /** Every policy parsed and validated, as the audit needs. */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public PolicyEngine fullEngine() {
    return PolicyEngine.of(snapshot);
  }
}
