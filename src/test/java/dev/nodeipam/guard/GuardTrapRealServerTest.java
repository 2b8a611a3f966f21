package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.admission.Admission;
import dev.nodeipam.guard.GuardFixture.Run;
import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed article's change on a real API server: the cluster of {@code
 * examples/pr-externalip/before} (nodes, the gateway and its pods, the NetworkPolicies that allow
 * HTTPS by {@code ipBlock 0.0.0.0/0}, and {@code kube-system/cilium-config} with kube-proxy
 * replacement and {@code bpf-lb-sock-hostns-only}), then {@code kubectl patch} adding the router's
 * WAN address to the gateway's {@code spec.externalIPs}. kubectl prints the guard's warnings on its
 * standard error (k8s.io/apiserver admission webhook warnings, KEP-1693); under {@code --enforce}
 * the same change is refused with them, and the acceptance annotation lets it through.
 */
class GuardTrapRealServerTest {
  static final String NS = "istio-system";
  static final String GATEWAY = "istio-ingressgateway";
  static final String ADD = "{\"spec\":{\"externalIPs\":[\"24.85.233.58\"]}}";
  static final String REMOVE = "{\"spec\":{\"externalIPs\":null}}";
  private static final Path SEED = Path.of("examples/pr-externalip/before");

  @TempDir Path tmp;

  @BeforeAll
  static void applySeed() throws IOException {
    apply(RealApiServer.shared().admin(), SEED);
  }

  @AfterAll
  static void removeSeedNodes() throws IOException {
    KubernetesClient admin = RealApiServer.shared().admin();
    for (HasMetadata o : objects(SEED)) {
      if (o instanceof Node) {
        admin.nodes().withName(o.getMetadata().getName()).delete();
      }
    }
  }

  @Test
  void thePatchOfTheSeedsChangePrintsTheTrapAsWarnings() throws Exception {
    GuardFixture f = new GuardFixture(tmp);
    Path kubeconfig = f.real().writeAdminKubeconfig(tmp.resolve("admin.kubeconfig"));
    try (Guard guard = f.start(f.real().admin(), false)) {
      String name = f.register(NS, guard);
      try {
        Run added = f.kubectl(kubeconfig, "-n", NS, "patch", "svc", GATEWAY, "--type=merge",
            "-p", ADD);
        assertThat(added.rc()).isZero();
        assertThat(added.out()).contains("patched");
        List<String> warnings = warnings(added.err());
        assertThat(warnings).hasSizeGreaterThanOrEqualTo(2);
        assertThat(warnings.subList(0, warnings.size() - 1)).allSatisfy(w -> assertThat(w)
            .contains(NS + "/" + GATEWAY + " 24.85.233.58:443/TCP trapped"));
        assertThat(warnings.get(warnings.size() - 1)).endsWith("nodeipam audit -n " + NS);
        // The article's seven clients, whose NetworkPolicies allow HTTPS by ipBlock 0.0.0.0/0.
        assertThat(warnings.get(0)).contains("trapped (egress, active) for 7 sources");
        assertThat(GuardFixture.get(guard.httpAddress(), "/metrics"))
            .contains("nodeipam_admission_warnings_total{resource=\"services\"}");

        Run removed = f.kubectl(kubeconfig, "-n", NS, "patch", "svc", GATEWAY, "--type=merge",
            "-p", REMOVE);
        assertThat(removed.rc()).isZero();
        assertThat(warnings(removed.err())).isEmpty();
      } finally {
        f.unregister(name);
      }
    }
  }

  @Test
  void enforceRefusesTheTrapAndTheAnnotationLetsItThroughWithTheWarnings() throws Exception {
    GuardFixture f = new GuardFixture(tmp);
    KubernetesClient admin = f.real().admin();
    Path kubeconfig = f.real().writeAdminKubeconfig(tmp.resolve("admin.kubeconfig"));
    try (Guard guard = f.start(admin, true)) {
      String name = f.register(NS, guard);
      try {
        Run refused = f.kubectl(kubeconfig, "-n", NS, "patch", "svc", GATEWAY, "--type=merge",
            "-p", ADD);
        assertThat(refused.rc()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("denied the request: nodeipam: ")
            .contains(Admission.ACCEPT_ANNOTATION);
        List<String> reasons = warnings(refused.err());
        assertThat(reasons).hasSizeGreaterThanOrEqualTo(2);
        assertThat(externalIps(admin)).isNullOrEmpty();

        String accepted = "{\"metadata\":{\"annotations\":{\"" + Admission.ACCEPT_ANNOTATION
            + "\":\"hairpin through the router is gone\"}}," + ADD.substring(1);
        Run through = f.kubectl(kubeconfig, "-n", NS, "patch", "svc", GATEWAY, "--type=merge",
            "-p", accepted);
        assertThat(through.rc()).isZero();
        assertThat(warnings(through.err())).isEqualTo(reasons);
        assertThat(externalIps(admin)).containsExactly("24.85.233.58");
        assertThat(GuardFixture.get(guard.httpAddress(), "/metrics"))
            .contains("nodeipam_admission_denials_total{resource=\"services\"} 1.0");
      } finally {
        f.unregister(name);
        admin.services().inNamespace(NS).withName(GATEWAY).edit(s -> {
          s.getSpec().setExternalIPs(null);
          s.getMetadata().getAnnotations().remove(Admission.ACCEPT_ANNOTATION);
          return s;
        });
      }
    }
  }

  private static List<String> externalIps(KubernetesClient admin) {
    return admin.services().inNamespace(NS).withName(GATEWAY).get().getSpec().getExternalIPs();
  }

  /** The lines kubectl printed for the guard's warnings, without kubectl's prefix. */
  static List<String> warnings(String stderr) {
    return stderr.lines().filter(l -> l.startsWith("Warning: nodeipam: "))
        .map(l -> l.substring("Warning: ".length())).toList();
  }

  /**
   * Creates the objects of a manifest folder as they are written, status included (the status
   * subresource of Nodes and Pods is written apart; no kubelet would). Services get their
   * clusterIP from the test server's range.
   */
  static void apply(KubernetesClient admin, Path dir) throws IOException {
    List<HasMetadata> all = objects(dir);
    Stream.concat(all.stream().filter(o -> "Namespace".equals(o.getKind())),
        all.stream().filter(o -> !"Namespace".equals(o.getKind()))).forEach(o -> {
          if (o instanceof Service s) {
            s.getSpec().setClusterIP(null);
            s.getSpec().setClusterIPs(null);
          }
          if (o instanceof Pod p && p.getSpec().getServiceAccountName() != null) {
            RealApiServer.shared().ensureServiceAccount(p.getMetadata().getNamespace(),
                p.getSpec().getServiceAccountName());
          }
          HasMetadata created = admin.resource(o).createOr(NonDeletingOperation::update);
          if (o instanceof Pod p) {
            ((Pod) created).setStatus(p.getStatus());
            admin.resource(created).updateStatus();
          } else if (o instanceof Node n) {
            ((Node) created).setStatus(n.getStatus());
            admin.resource(created).updateStatus();
          }
        });
  }

  private static List<HasMetadata> objects(Path dir) throws IOException {
    KubernetesClient admin = RealApiServer.shared().admin();
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().flatMap(p -> {
        try (InputStream in = Files.newInputStream(p)) {
          return admin.load(in).items().stream();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
