package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.NodeAddressBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands {@code migrate --out} writes, run against a real kube-apiserver on live Services
 * that carry annotations, labels and fields their manifests lack: every one of them must survive
 * the migration and the rollback. This is what a JSON patch that adds a whole
 * {@code /metadata/annotations} map got wrong: it replaced the live map.
 *
 * <p>The step scripts run exactly as written, with {@code sh} and the {@code kubectl} on the PATH;
 * without kubectl their {@code kubectl patch} and {@code kubectl label} lines are applied through
 * the client with the same patch type and body.
 */
class MigrateStepsRealServerTest {
  private static final Pattern PATCH =
      Pattern.compile("kubectl patch service (\\S+) -n (\\S+) --type=(json|merge) -p '([^']*)'");
  private static final Pattern RANGES_GUARD =
      Pattern.compile("if \\[ -n \"\\$\\(kubectl get service (\\S+) -n (\\S+) -o jsonpath="
          + "'\\{\\.spec\\.loadBalancerSourceRanges\\}'\\)\" \\]; then");
  private static final Pattern LABEL = Pattern.compile("kubectl label node (--overwrite )?(\\S+) (.*)");

  private final RealApiServer server = RealApiServer.shared();
  private final KubernetesClient admin = server.admin();
  private final List<String> nodes = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();

  @TempDir Path dir;

  /**
   * The server is shared by the whole test run: the controller tests that follow count every
   * Service of the cluster, so nothing of this test may stay behind.
   */
  @AfterEach
  void deleteWhatThisTestMade() {
    namespaces.forEach(ns -> admin.services().inNamespace(ns).delete());
    nodes.forEach(n -> admin.nodes().withName(n).delete());
  }

  private String namespace() {
    String ns = server.newNamespace("migrate");
    namespaces.add(ns);
    return ns;
  }

  @Test
  void everyAnnotationLabelAndFieldTheManifestsLackSurvivesMigrationAndRollback()
      throws Exception {
    String ns = namespace();
    String nodeA = node(ns + "-a", "198.51.100.1");
    String nodeB = node(ns + "-b", "198.51.100.2");
    Map<String, String> labels = Map.of("app.kubernetes.io/name", "site", "team", "web");
    Map<String, String> annotations =
        Map.of(
            "team", "web",
            "prometheus.io/scrape", "true",
            "example.com/owner.x", "ops/a~b");
    // A ClusterIP Service (migrated by one patch) and a class-less LoadBalancer (through
    // NodePort), both with what a live object gathers over time and nobody writes in git.
    admin.services().inNamespace(ns).resource(live(ns, "site", "ClusterIP", "198.51.100.1", labels, annotations)).create();
    admin.services().inNamespace(ns).resource(live(ns, "shop", "LoadBalancer", "198.51.100.2", labels, annotations)).create();
    Map<String, Service> before = Map.of("site", get(ns, "site"), "shop", get(ns, "shop"));

    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(manifests.resolve("cluster.yaml"),
        nodeManifest(nodeA, "198.51.100.1") + nodeManifest(nodeB, "198.51.100.2")
            + serviceManifest(ns, "site", "ClusterIP", "198.51.100.1")
            + serviceManifest(ns, "shop", "LoadBalancer", "198.51.100.2"));
    Path out = dir.resolve("plan");
    CliRun migrate = CliRun.of("migrate", "-f", manifests.toString(), "--out", out.toString());
    assertThat(migrate.exitCode()).as(migrate.err()).isZero();
    Path kubeconfig = server.writeAdminKubeconfig(dir.resolve("kubeconfig"));

    List<Path> forward = scripts(out, "label-nodes", "migrate-service");
    assertThat(forward).hasSize(4);
    forward.forEach(s -> run(s, kubeconfig));

    for (String name : List.of("site", "shop")) {
      Service after = get(ns, name);
      // What the migration means to change, changed ...
      assertThat(after.getSpec().getType()).isEqualTo("LoadBalancer");
      assertThat(after.getSpec().getLoadBalancerClass()).isEqualTo("io.cilium/node");
      assertThat(after.getSpec().getExternalIPs()).isNullOrEmpty();
      assertThat(after.getMetadata().getAnnotations())
          .containsKey("io.cilium.nodeipam/match-node-labels");
      // ... and everything else as it was.
      survives(before.get(name), after);
    }
    assertThat(get(ns, "shop").getSpec().getPorts().get(0).getNodePort())
        .as("the NodePort detour keeps the node port")
        .isEqualTo(before.get("shop").getSpec().getPorts().get(0).getNodePort());

    scripts(out, "rollback").forEach(s -> run(s, kubeconfig));
    for (String name : List.of("site", "shop")) {
      Service back = get(ns, name);
      assertThat(back.getSpec().getType()).isEqualTo(before.get(name).getSpec().getType());
      assertThat(back.getSpec().getExternalIPs()).isEqualTo(before.get(name).getSpec().getExternalIPs());
      assertThat(back.getSpec().getLoadBalancerClass()).isNull();
      assertThat(back.getMetadata().getAnnotations()).isEqualTo(annotations);
      survives(before.get(name), back);
    }
    assertThat(admin.nodes().withName(nodeA).get().getMetadata().getLabels())
        .doesNotContainKey("nodeipam.dev/" + ns + ".site");
  }

  /** The annotations, labels and fields of the live object that the manifests never had. */
  private static void survives(Service before, Service after) {
    assertThat(after.getMetadata().getAnnotations())
        .containsAllEntriesOf(before.getMetadata().getAnnotations());
    assertThat(after.getMetadata().getLabels()).isEqualTo(before.getMetadata().getLabels());
    assertThat(after.getSpec().getSelector()).isEqualTo(before.getSpec().getSelector());
    assertThat(after.getSpec().getSessionAffinity()).isEqualTo("ClientIP");
    assertThat(after.getSpec().getSessionAffinityConfig())
        .isEqualTo(before.getSpec().getSessionAffinityConfig());
    assertThat(after.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(after.getSpec().getInternalTrafficPolicy()).isEqualTo("Local");
    assertThat(after.getSpec().getLoadBalancerSourceRanges())
        .isEqualTo(before.getSpec().getLoadBalancerSourceRanges());
    assertThat(after.getSpec().getClusterIP()).isEqualTo(before.getSpec().getClusterIP());
    assertThat(after.getSpec().getPorts()).hasSize(2);
    assertThat(after.getSpec().getPorts().get(1).getName()).isEqualTo("metrics");
  }

  private Service get(String ns, String name) {
    return admin.services().inNamespace(ns).withName(name).get();
  }

  private String node(String name, String external) {
    admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    nodes.add(name);
    admin.nodes().withName(name).editStatus(n -> new NodeBuilder(n).editOrNewStatus()
        .withAddresses(new NodeAddressBuilder().withType("ExternalIP").withAddress(external).build())
        .endStatus().build());
    return name;
  }

  /**
   * A LoadBalancer whose live object restricts its sources (loadBalancerSourceRanges, absent from
   * the manifest) cannot take the NodePort detour: the API server allows the field only on type
   * LoadBalancer. The step must then stop before it changes anything, and lose nothing.
   */
  @Test
  void aDetourTheApiServerRefusesFailsTheStepAndLosesNothing() throws Exception {
    String ns = namespace();
    String nodeA = node(ns + "-a", "198.51.100.3");
    Map<String, String> labels = Map.of("team", "web");
    Map<String, String> annotations = Map.of("prometheus.io/scrape", "true");
    Service restricted = live(ns, "shop", "LoadBalancer", "198.51.100.3", labels, annotations);
    restricted.getSpec().setLoadBalancerSourceRanges(List.of("203.0.113.0/24"));
    admin.services().inNamespace(ns).resource(restricted).create();
    Service before = get(ns, "shop");
    Path manifests = Files.createDirectories(dir.resolve("manifests"));
    Files.writeString(manifests.resolve("cluster.yaml"),
        nodeManifest(nodeA, "198.51.100.3") + serviceManifest(ns, "shop", "LoadBalancer", "198.51.100.3"));
    Path out = dir.resolve("plan");
    assertThat(CliRun.of("migrate", "-f", manifests.toString(), "--out", out.toString()).exitCode())
        .isZero();
    Path kubeconfig = server.writeAdminKubeconfig(dir.resolve("kubeconfig"));
    scripts(out, "label-nodes").forEach(s -> run(s, kubeconfig));

    Path step = scripts(out, "migrate-service").get(0);
    assertThat(runExitCode(step, kubeconfig)).as("the step stops at the refused detour").isNotZero();

    Service after = get(ns, "shop");
    assertThat(after.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(after.getSpec().getExternalIPs()).containsExactly("198.51.100.3");
    assertThat(after.getSpec().getLoadBalancerClass()).isNull();
    assertThat(after.getMetadata().getAnnotations()).isEqualTo(before.getMetadata().getAnnotations());
    assertThat(after.getMetadata().getResourceVersion())
        .as("nothing at all was written")
        .isEqualTo(before.getMetadata().getResourceVersion());
    survives(before, after);
  }

  private int runExitCode(Path script, Path kubeconfig) throws IOException, InterruptedException {
    if (!kubectlOnPath()) {
      try {
        for (String line : Files.readAllLines(script)) {
          apply(line);
        }
        return 0;
      } catch (KubernetesClientException | StepStopped e) {
        return 1;
      }
    }
    ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    Process p = pb.start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  private static Service live(String ns, String name, String type, String ip,
      Map<String, String> labels, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels)
        .withAnnotations(annotations).endMetadata()
        .withNewSpec()
        .withType(type)
        .withSelector(Map.of("app", name))
        .withExternalIPs(ip)
        .withSessionAffinity("ClientIP")
        .withNewSessionAffinityConfig().withNewClientIP().withTimeoutSeconds(600).endClientIP()
        .endSessionAffinityConfig()
        .withPublishNotReadyAddresses(true)
        .withInternalTrafficPolicy("Local")
        .addNewPort().withName("http").withPort(80).endPort()
        .addNewPort().withName("metrics").withPort(9090).endPort()
        .endSpec()
        .build();
  }

  private static String nodeManifest(String name, String external) {
    return "---\napiVersion: v1\nkind: Node\nmetadata: {name: " + name + "}\nstatus:\n"
        + "  addresses: [{type: ExternalIP, address: " + external + "}]\n";
  }

  /** The Service as a GitOps repository has it: none of the live object's extras. */
  private static String serviceManifest(String ns, String name, String type, String ip) {
    return "---\napiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: " + ns
        + "}\nspec:\n  type: " + type + "\n  selector: {app: " + name + "}\n  externalIPs: [" + ip
        + "]\n  ports: [{name: http, port: 80}]\n";
  }

  private static List<Path> scripts(Path out, String... kinds) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files
          .filter(p -> {
            String f = p.getFileName().toString();
            return Stream.of(kinds).anyMatch(k -> f.matches("\\d+-" + k + "-.*\\.sh"));
          })
          .sorted()
          .toList();
    }
  }

  private void run(Path script, Path kubeconfig) {
    try {
      if (kubectlOnPath()) {
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s failed:%n%s", script.getFileName(), output).isZero();
      } else {
        for (String line : Files.readAllLines(script)) {
          apply(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** One line of a step script through the client, as kubectl would send it. */
  private void apply(String line) {
    Matcher patch = PATCH.matcher(line);
    Matcher label = LABEL.matcher(line);
    Matcher guard = RANGES_GUARD.matcher(line);
    if (guard.matches()) {
      List<String> ranges =
          admin.services().inNamespace(guard.group(2)).withName(guard.group(1)).get()
              .getSpec().getLoadBalancerSourceRanges();
      if (ranges != null && !ranges.isEmpty()) {
        throw new StepStopped(line);
      }
    } else if (patch.matches()) {
      PatchType type = patch.group(3).equals("json") ? PatchType.JSON : PatchType.JSON_MERGE;
      admin.services().inNamespace(patch.group(2)).withName(patch.group(1))
          .patch(PatchContext.of(type), patch.group(4));
    } else if (label.matches()) {
      admin.nodes().withName(label.group(2)).edit(n -> {
        for (String word : label.group(3).split(" ")) {
          if (word.endsWith("-")) {
            n.getMetadata().getLabels().remove(word.substring(0, word.length() - 1));
          } else {
            String[] kv = word.split("=", 2);
            n.getMetadata().getLabels().put(kv[0], kv[1]);
          }
        }
        return n;
      });
    } else if (line.startsWith("kubectl")) {
      throw new AssertionError("a step command this test cannot run without kubectl: " + line);
    }
  }

  /** What {@code exit 1} in a step's guard does to the script. */
  private static final class StepStopped extends RuntimeException {
    StepStopped(String guard) {
      super(guard);
    }
  }

  private static boolean kubectlOnPath() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, "kubectl"))) {
        return true;
      }
    }
    return false;
  }
}
