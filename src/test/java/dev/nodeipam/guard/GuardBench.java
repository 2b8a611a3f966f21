package dev.nodeipam.guard;

import com.sun.management.OperatingSystemMXBean;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.tools.demo.InProcessApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The guard's latency (not a test): a manifest folder loaded into the in-process API server, a
 * guard started on it, and AdmissionReviews posted to it over HTTPS as the API server posts them:
 * an externalIP added to one Service (the seed's change by default), a harmless change of it (a
 * port added, judged and trapping nothing where no policy allows that port by CIDR) and the same
 * Service unchanged (a label). Prints p50/p99 of each, the process CPU time per review, the load
 * average, and the heap after a GC. Run by {@code bench/guard-bench.sh}.
 *
 * <p>Arguments: CERT KEY DIR [ROUNDS [NAMESPACE/SERVICE [ADDRESS]]], by default
 * istio-system/istio-ingressgateway and 24.85.233.58.
 */
public final class GuardBench {
  // The process's CPU time (guard, client and the idle in-process API server): on a shared
  // machine the CPU per review is the figure an idle machine's wall time approaches.
  private static final OperatingSystemMXBean CPU =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GuardBench() {}

  public static void main(String[] args) throws Exception {
    Path cert = Path.of(args[0]);
    Path key = Path.of(args[1]);
    Path dir = Path.of(args[2]);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    String[] target = (args.length > 4 ? args[4] : "istio-system/istio-ingressgateway").split("/");
    String address = args.length > 5 ? args[5] : "24.85.233.58";
    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
          try (InputStream in = Files.newInputStream(f)) {
            for (HasMetadata o : client.load(in).items()) {
              client.resource(o).create();
            }
          }
        }
      }
      long t0 = System.nanoTime();
      try (Guard guard = new Guard(client, new Guard.Settings(
          new InetSocketAddress("127.0.0.1", 0), cert, key, null, false,
          new StateDiff.Settings(Map.of(), AuditOptions.defaults())))) {
        guard.start();
        System.out.printf("guard ready (caches synced, warmed up) in %.1f s%n",
            (System.nanoTime() - t0) / 1e9);
        Service gw = client.services().inNamespace(target[0]).withName(target[1]).get();
        Service added = new ServiceBuilder(gw).editSpec().withExternalIPs(address)
            .endSpec().build();
        Service ported = new ServiceBuilder(gw).editSpec().addNewPort().withName("bench")
            .withPort(18080).withProtocol("TCP").endPort().endSpec().build();
        Service labelled = new ServiceBuilder(gw).editMetadata().addToLabels("team", "edge")
            .endMetadata().build();
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(cert)).build();
        URI uri = URI.create("https://127.0.0.1:" + guard.address().getPort() + "/validate");
        String change = review(client, gw, added);
        String unchanged = review(client, gw, labelled);
        report("trapping change (externalIP added)", http, uri, change, rounds);
        report("harmless change (a port added)", http, uri, review(client, gw, ported), rounds);
        report("unchanged object (a label)", http, uri, unchanged, rounds);
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap after GC: %d MB (in-process API server included)%n",
            (rt.totalMemory() - rt.freeMemory()) >> 20);
      }
    }
  }

  private static String review(KubernetesClient client, Service old, Service now) {
    return client.getKubernetesSerialization().asJson(new AdmissionReviewBuilder()
        .withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview").withNewRequest()
        .withUid(UUID.randomUUID().toString()).withNewKind("", "Service", "v1")
        .withNewResource("", "services", "v1").withOperation("UPDATE")
        .withNamespace(now.getMetadata().getNamespace()).withName(now.getMetadata().getName())
        .withObject(now).withOldObject(old).endRequest().build());
  }

  private static void report(String what, HttpClient http, URI uri, String body, int rounds)
      throws Exception {
    long[] ms = new long[rounds];
    String last = "";
    long cpu = CPU.getProcessCpuTime();
    for (int i = 0; i < rounds; i++) {
      long t = System.nanoTime();
      last = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      ms[i] = System.nanoTime() - t;
    }
    double cpuMs = (CPU.getProcessCpuTime() - cpu) / 1e6 / rounds;
    Arrays.sort(ms);
    System.out.printf("%-35s p50 %6.2f ms  p99 %6.2f ms  CPU %6.2f ms/review  (%d reviews,"
        + " warnings: %s; load %.1f)%n", what, ms[rounds / 2] / 1e6,
        ms[(int) (rounds * 0.99)] / 1e6, cpuMs, rounds, last.contains("\"warnings\""),
        CPU.getSystemLoadAverage());
  }

  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry("guard", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
