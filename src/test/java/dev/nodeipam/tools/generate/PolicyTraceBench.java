package dev.nodeipam.tools.generate;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The policy engine's benchmark (a timed main, not a test): a synthetic cluster of 50,000 pods,
 * 2,000 Services and 10,000 policies (NetworkPolicy, CNP, CCNP mixed). It measures building the
 * engine, one trace right after (cold), traces in steady state, and loading the same cluster from a
 * YAML tree. Run it with {@code bench/policy-trace.sh}; {@code --no-yaml} skips the load.
 */
public final class PolicyTraceBench {
  private PolicyTraceBench() {}

  public static void main(String[] args) throws IOException {
    boolean yaml = !Arrays.asList(args).contains("--no-yaml");
    ClusterShape shape =
        ClusterShape.defaults()
            .withNodes(1_000)
            .withServices(2_000)
            .withPodsPerService(25)
            .withNamespaces(50);
    SyntheticCluster.Addition config =
        (base, random, out) -> out.ciliumConfig(Map.of("kube-proxy-replacement", "true"));
    long t0 = System.nanoTime();
    ClusterSnapshot snapshot =
        SyntheticCluster.generate(shape, List.of(SyntheticPolicies.of(10_000), config));
    System.out.printf(
        "generated: %d nodes, %d services, %d pods, %d policies in %.1f s%n",
        snapshot.nodes().size(),
        snapshot.services().size(),
        snapshot.pods().size(),
        snapshot.policies().size(),
        seconds(t0));

    List<Flow> flows = flows(snapshot, 2_000, new Random(7));
    // What `nodeipam trace` does: index, read the clusterwide policies, then one trace (which reads
    // the policies of the namespaces it involves).
    Clock c1 = Clock.start();
    PolicyEngine lazy = PolicyEngine.lazy(snapshot);
    DatapathSettings settings = lazy.settings(Map.of());
    String build = c1.millis();
    Clock c2 = Clock.start();
    Verdict first = lazy.verdict(flows.get(0), settings);
    String firstTrace = c2.millis();
    System.out.printf(
        "trace path (cold JVM): engine index %s; first trace %s -> %s (%d destinations)%n",
        build, firstTrace, first.outcome(), first.destinations().size());
    Clock c6 = Clock.start();
    PolicyEngine lazyAgain = PolicyEngine.lazy(snapshot);
    Verdict again = lazyAgain.verdict(flows.get(1), lazyAgain.settings(Map.of()));
    System.out.printf(
        "trace path (warm JVM, fresh engine): engine index + first trace %s -> %s%n",
        c6.millis(), again.outcome());
    // What `audit` does: read and validate every policy up front.
    Clock c5 = Clock.start();
    PolicyEngine engine = PolicyEngine.of(snapshot);
    System.out.printf(
        "full engine (every policy parsed and validated, %d rules): %s%n",
        engine.rules().size(), c5.millis());

    steadyState(engine, settings, flows);

    if (yaml) {
      Path dir = Files.createTempDirectory("nodeipam-policy-bench");
      try {
        ManifestTreeWriter.Written w = ManifestTreeWriter.write(snapshot, dir);
        System.out.printf("wrote %d objects in %d files under %s%n", w.objects(), w.files(), dir);
        Clock c3 = Clock.start();
        ClusterSnapshot loaded = ManifestLoader.load(List.of(dir));
        String load = c3.seconds();
        Clock c4 = Clock.start();
        PolicyEngine fromYaml = PolicyEngine.lazy(loaded);
        DatapathSettings s = fromYaml.settings(Map.of());
        Flow flow = flows(loaded, 1, new Random(11)).get(0);
        Verdict v = fromYaml.verdict(flow, s);
        System.out.printf(
            "loaded from YAML in %s (%d pods, %d policies); engine index + first trace %s -> %s%n",
            load, loaded.pods().size(), loaded.policies().size(), c4.millis(), v.outcome());
      } finally {
        try (Stream<Path> walk = Files.walk(dir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static void steadyState(
      PolicyEngine engine, DatapathSettings settings, List<Flow> flows) {
    for (int round = 0; round < 3; round++) {
      for (Flow f : flows) {
        engine.verdict(f, settings);
      }
    }
    long[] nanos = new long[flows.size()];
    long[] cpu = new long[flows.size()];
    int destinations = 0;
    for (int i = 0; i < flows.size(); i++) {
      long t = System.nanoTime();
      long c = THREADS.getCurrentThreadCpuTime();
      Verdict v = engine.verdict(flows.get(i), settings);
      nanos[i] = System.nanoTime() - t;
      cpu[i] = THREADS.getCurrentThreadCpuTime() - c;
      destinations += v.destinations().size();
    }
    Arrays.sort(nanos);
    Arrays.sort(cpu);
    System.out.printf(
        "steady state over %d traces (%d destinations judged): median %.3f ms, p99 %.3f ms, max"
            + " %.3f ms (CPU: median %.3f ms, p99 %.3f ms, max %.3f ms)%n",
        flows.size(),
        destinations,
        nanos[nanos.length / 2] / 1e6,
        nanos[(int) (nanos.length * 0.99)] / 1e6,
        nanos[nanos.length - 1] / 1e6,
        cpu[cpu.length / 2] / 1e6,
        cpu[(int) (cpu.length * 0.99)] / 1e6,
        cpu[cpu.length - 1] / 1e6);
  }

  /**
   * Flows from random pods: 40% to a ClusterIP:80, 30% to a pod:8080, 20% to the internet, 10% to
   * an externalIP.
   */
  public static List<Flow> flows(ClusterSnapshot snapshot, int count, Random r) {
    List<Pod> pods =
        snapshot.pods().stream().filter(p -> !p.isTemplate() && !p.ips().isEmpty()).toList();
    List<Service> withIp =
        snapshot.services().stream()
            .filter(s -> s.clusterIps().stream().anyMatch(ip -> IpText.family(ip) == 4))
            .toList();
    List<Service> external =
        snapshot.services().stream()
            .filter(s -> s.externalIps().stream().anyMatch(ip -> IpText.family(ip) == 4))
            .toList();
    List<Flow> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Pod source = pods.get(r.nextInt(pods.size()));
      double kind = r.nextDouble();
      String ip;
      int port;
      if (kind < 0.4 || (kind >= 0.9 && external.isEmpty())) {
        Service s = withIp.get(r.nextInt(withIp.size()));
        ip = s.clusterIps().stream().filter(x -> IpText.family(x) == 4).findFirst().orElseThrow();
        port = 80;
      } else if (kind < 0.7) {
        ip = pods.get(r.nextInt(pods.size())).ips().get(0);
        port = 8080;
      } else if (kind < 0.9) {
        ip = "93.184.216." + r.nextInt(256);
        port = 443;
      } else {
        Service s = external.get(r.nextInt(external.size()));
        ip = s.externalIps().stream().filter(x -> IpText.family(x) == 4).findFirst().orElseThrow();
        port = 80;
      }
      out.add(new Flow(source, IpText.parse(ip), port, Protocol.TCP));
    }
    return out;
  }

  /** Wall-clock and this thread's CPU time since it was started: the machine may be shared. */
  private record Clock(long wall, long cpu) {
    static Clock start() {
      return new Clock(System.nanoTime(), THREADS.getCurrentThreadCpuTime());
    }

    String millis() {
      return String.format(
          "%.1f ms (CPU %.1f ms)",
          (System.nanoTime() - wall) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
    }

    String seconds() {
      return String.format(
          "%.1f s (CPU %.1f s)",
          (System.nanoTime() - wall) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
    }
  }

  private static final ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean();

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
