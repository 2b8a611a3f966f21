package dev.nodeipam.guard;

import com.sun.management.OperatingSystemMXBean;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The guard's judgement alone (not a test): a manifest folder put into a {@link ReviewHandler}'s
 * cache as its informers would, and the reviews of {@code bench/guard-bench.sh} handed to it
 * directly, without the API server and HTTP around it. Prints the wall time and the process's
 * CPU time of each review (p50/p99), and the heap after a GC: the part of the guard's latency
 * its evaluation accounts for. Run by {@code bench/guard-judge-bench.sh}.
 *
 * <p>Arguments: DIR [ROUNDS [NAMESPACE/SERVICE [ADDRESS]]].
 */
public final class GuardJudgeBench {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  // The process's CPU time: the audit searches in parallel, and the collector runs beside it.
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GuardJudgeBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String[] target = (args.length > 2 ? args[2] : "istio-system/istio-ingressgateway").split("/");
    String address = args.length > 3 ? args[3] : "24.85.233.58";
    SnapshotValues values = new SnapshotValues(JSON);
    Service gw = null;
    for (HasMetadata o : load(dir)) {
      values.put(o);
      if (o instanceof Service s && s.getMetadata().getNamespace().equals(target[0])
          && s.getMetadata().getName().equals(target[1])) {
        gw = s;
      }
    }
    ReviewHandler handler = new ReviewHandler(values, () -> true,
        new StateDiff.Settings(Map.of(), AuditOptions.defaults()), false, new GuardMetrics(),
        (svc, message) -> {});
    long t0 = System.nanoTime();
    handler.warmUp();
    System.out.printf("warm-up %.1f s%n", (System.nanoTime() - t0) / 1e9);
    Service added = new ServiceBuilder(gw).editSpec().withExternalIPs(address).endSpec().build();
    Service ported = new ServiceBuilder(gw).editSpec().addNewPort().withName("bench")
        .withPort(18080).withProtocol("TCP").endPort().endSpec().build();
    Service labelled = new ServiceBuilder(gw).editMetadata().addToLabels("team", "edge")
        .endMetadata().build();
    time("trapping change (externalIP added)", handler, gw, added, rounds);
    time("harmless change (a port added)", handler, gw, ported, rounds);
    time("unchanged object (a label)", handler, gw, labelled, rounds);
    System.gc();
    Runtime rt = Runtime.getRuntime();
    System.out.printf("heap after GC: %d MB (the guard's cache, its before-state evaluated)%n",
        (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  private static void time(String what, ReviewHandler handler, Service old, Service now,
      int rounds) {
    long[] wall = new long[rounds];
    long[] cpu = new long[rounds];
    AdmissionResponse last = null;
    for (int i = 0; i < rounds; i++) {
      AdmissionRequest req = new AdmissionRequestBuilder().withUid("u" + i)
          .withKind(new GroupVersionKind("", "Service", "v1")).withOperation("UPDATE")
          .withNamespace(now.getMetadata().getNamespace()).withName(now.getMetadata().getName())
          .withObject(JSON.clone(now)).withOldObject(JSON.clone(old)).build();
      long c = CPU.getProcessCpuTime();
      long t = System.nanoTime();
      last = handler.review(req);
      wall[i] = System.nanoTime() - t;
      cpu[i] = CPU.getProcessCpuTime() - c;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.printf("%-35s wall p50 %8.2f ms p99 %8.2f ms, process CPU p50 %8.2f ms"
        + " (%d reviews, warnings %s; load %.1f)%n", what, wall[rounds / 2] / 1e6,
        wall[(int) (rounds * 0.99)] / 1e6, cpu[rounds / 2] / 1e6, rounds, last.getWarnings(),
        CPU.getSystemLoadAverage());
  }

  private static List<HasMetadata> load(Path dir) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        Object o = JSON.unmarshal(Files.readString(f));
        if (o instanceof KubernetesList l) {
          out.addAll(l.getItems());
        } else if (o instanceof List<?> l) {
          l.forEach(x -> out.add((HasMetadata) x));
        } else {
          out.add((HasMetadata) o);
        }
      }
    }
    return out;
  }
}
