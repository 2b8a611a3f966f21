package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Problems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The loading rules of issue 19: as kubectl reads a tree, every problem in one run. */
class ManifestLoadingRulesTest {
  @TempDir Path dir;
  private final List<String> warnings = new ArrayList<>();

  private Path write(String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    return f;
  }

  private ManifestLoader.Options options() {
    return new ManifestLoader.Options(false, warnings::add, new ManifestLoader.Progress());
  }

  private static String service(String name, String ns, int port) {
    return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name
        + (ns == null ? "" : ", namespace: " + ns) + "}\nspec:\n  ports: [{port: " + port + "}]\n";
  }

  private List<String> problems(Path... paths) {
    Throwable t = catchThrowable(() -> ManifestLoader.load(List.of(paths), options()));
    assertThat(t).isInstanceOf(BadInputException.class);
    return t.getMessage().lines().toList();
  }

  @Test
  void everyProblemOfTheTreeInOneRun() throws IOException {
    write("a.yaml", service("Bad_Name", "shop", 80));
    write("b.yaml", service("web", "shop", 0) + "---\n" + service("api", "shop", 70000));
    write("c.yaml", "apiVersion: v1\nkind: Service\nmetadata: {namespace: shop}\n");
    List<String> lines = problems(dir);
    // targetPort defaults to port, so each bad port is two problems: 1 + 1 + 2 + 2.
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).endsWith("c.yaml:1: Service has no metadata.name");
    assertThat(lines).anyMatch(l -> l.matches(".*a\\.yaml:1: Service shop/Bad_Name: metadata.name: .*"))
        .anyMatch(l -> l.matches(".*b\\.yaml:1: Service shop/web: spec.ports\\[0].port: 0 is not.*"));
  }

  @Test
  void problemsBeyondFiftyAreCounted() {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 53; i++) {
      many.add("f.yaml:" + i + ": problem");
    }
    List<String> lines = Problems.lines(many);
    assertThat(lines).hasSize(Problems.SHOWN + 1);
    assertThat(lines.get(Problems.SHOWN)).isEqualTo("… and 3 more problems (53 in all)");
    assertThat(Problems.lines(many.subList(0, 50))).isEqualTo(many.subList(0, 50));
  }

  static Stream<Arguments> toolConfigs() {
    return Stream.of(
        Arguments.of("Kustomization", "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\nresources: [web.yaml]\n"),
        Arguments.of("Cluster", "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: []\n"),
        Arguments.of("IstioOperator", "apiVersion: install.istio.io/v1alpha1\n"
            + "kind: IstioOperator\nspec: {profile: demo}\n"),
        Arguments.of("Policy", "{\"kind\": \"Policy\", \"apiVersion\": \"v1\", \"predicates\": []}\n"),
        Arguments.of("StorageClass", "apiVersion: storage.k8s.io/v1\nkind: StorageClass\n"
            + "metadata: {name: Not_Valid}\nprovisioner: 7\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("toolConfigs")
  void kindsNodeipamDoesNotReadAreSkippedWhateverTheirShape(String kind, String text)
      throws IOException {
    Path f = write("x.yaml", text + "---\n" + text + "---\n" + service("web", "shop", 80));
    ClusterSnapshot s = ManifestLoader.load(List.of(f), options());
    assertThat(s.services()).hasSize(1);
    assertThat(warnings).contains("skipped 2 objects nodeipam does not read: " + kind + " ×2");
  }

  @Test
  void skippedKindsLineFitsOneHundredColumns() {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      counts.put("SomeLongKindName" + i, i + 1);
    }
    String line = SkippedKinds.summary(counts).orElseThrow();
    assertThat(("nodeipam: warning: " + line).length()).isLessThanOrEqualTo(100);
    assertThat(line).startsWith("skipped 210 objects nodeipam does not read: SomeLongKindName19 ×20")
        .matches(".*, \\d+ more kinds");
    assertThat(SkippedKinds.summary(Map.of("Cluster", 1)))
        .contains("skipped 1 object nodeipam does not read: Cluster ×1");
  }

  @Test
  void duplicatesResolveAsKubectlApply() throws IOException {
    Path a = write("a.yaml", service("web", "shop", 80) + "---\n" + service("api", "shop", 80));
    Path b = write("b.yaml", service("web", "shop", 8080) + "---\n" + service("api", "shop", 80));
    ClusterSnapshot s = ManifestLoader.load(List.of(a, b), options());
    assertThat(s.services()).hasSize(2);
    assertThat(s.services().stream().filter(x -> x.name().equals("web")).findFirst().orElseThrow()
        .ports().get(0).port()).isEqualTo(8080);
    // The identical api is replaced silently; the differing web once, naming both places.
    assertThat(warnings).filteredOn(w -> w.contains("replaces")).containsExactly(
        b + ":1: Service shop/web replaces a different Service shop/web from " + a
            + ":1 (as kubectl apply -f would)");
  }

  @Test
  void dashFReadsStandardInput() {
    String stream = service("web", null, 80) + "---\n"
        + "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [" + "{\"apiVersion\": \"v1\","
        + " \"kind\": \"Service\", \"metadata\": {\"name\": \"api\"}, \"spec\": {\"ports\":"
        + " [{\"port\": 81}]}}]}\n";
    ClusterSnapshot s = ManifestLoader.load(List.of(Path.of("-")), options().withStdin(
        new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))));
    assertThat(s.services()).extracting(x -> x.key()).containsExactly("default/web", "default/api");
    assertThat(s.services().get(0).source()).isEqualTo("<stdin>:1");
  }

  @Test
  void dashNPlacesObjectsWithoutNamespaceAndLeavesOthers() throws IOException {
    Path f = write("x.yaml", service("web", null, 80));
    ClusterSnapshot s = ManifestLoader.load(List.of(f), options().withNamespace("argocd"));
    assertThat(s.services()).extracting(x -> x.key()).containsExactly("argocd/web");
    Path g = write("y.yaml", service("api", "shop", 80));
    assertThat(ManifestLoader.load(List.of(g), options().withNamespace("argocd")).services())
        .extracting(x -> x.key()).containsExactly("shop/api");
  }

  @Test
  void kustomizationAndHelmDirectoriesSayHowToRenderThem() throws IOException {
    write("app/kustomization.yaml", "resources: [web.yaml]\n");
    write("app/web.yaml", service("web", "shop", 80));
    write("app/overlay/kustomization.yaml", "resources: [../]\n");
    write("chart/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n");
    write("chart/templates/web.yaml", "metadata:\n  name: {{ .Values.name }}\n");
    List<String> lines = problems(dir);
    assertThat(lines).containsExactly(
        dir.resolve("chart") + ": a Helm chart, read it rendered: helm template NAME "
            + dir.resolve("chart") + " | nodeipam COMMAND -f -",
        dir.resolve("app") + ": a kustomization, read it rendered: nodeipam COMMAND -k "
            + dir.resolve("app"));
  }

  static Stream<Arguments> templates() {
    return Stream.of(
        Arguments.of("helm value", "apiVersion: v1\nkind: Service\nmetadata:\n"
            + "  name: {{ .Values.name }}\n", 4, "{{ .Values.name }}"),
        Arguments.of("helm control line", "{{- if .Values.on }}\napiVersion: v1\nkind: Service\n"
            + "metadata: {name: web}\n{{- end }}\n", 1, "{{- if .Values.on }}"),
        Arguments.of("k3s placeholder", service("dns", "kube-system", 53)
            + "  clusterIP: %{CLUSTER_DNS}%\n", 6, "%{CLUSTER_DNS}%"),
        Arguments.of("marker in a name", "apiVersion: v1\nkind: Pod\nmetadata:\n"
            + "  name: \"web-{{uid}}\"\n  namespace: shop\n", 1, "{{uid}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("templates")
  void templatesAreNamedWithTheirLine(String name, String text, int line, String marker)
      throws IOException {
    Path f = write("t.yaml", text);
    assertThat(problems(f)).containsExactly(f + ":" + line + ": a template, not a manifest ("
        + marker + "): render it first (helm template, or the installer that fills it in) and"
        + " read the result");
  }

  @Test
  void markersInsideValidStringsLoad() throws IOException {
    // kube-prometheus: alert descriptions hold {{ $labels.namespace }} as plain text.
    Path f = write("rule.yaml", "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
        + "metadata: {name: r, namespace: monitoring}\nspec:\n  groups:\n  - rules:\n"
        + "    - annotations:\n        description: failed for {{ $labels.namespace }}/x\n"
        + "---\n" + service("web", "shop", 80) + "  selector: {app: \"{{ x }}\"}\n");
    assertThat(ManifestLoader.load(List.of(f), options()).services()).hasSize(1);
  }

  static Stream<Arguments> yamlAsKubernetesReadsIt() {
    return Stream.of(
        Arguments.of("duplicate key", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
            + "  name: api\n", ".*/y\\.yaml:5: malformed YAML: duplicate key 'name'.*"),
        Arguments.of("yes as a name", "apiVersion: v1\nkind: Service\nmetadata:\n  name: yes\n",
            ".*/y\\.yaml:1: Service: metadata.name: expected a string, found a boolean"
                + " \\(YAML reads yes, on, true and numbers so: quote it\\)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlAsKubernetesReadsIt")
  void yamlProblemsTheApiMachineryRefuses(String name, String text, String expected)
      throws IOException {
    Path f = write("y.yaml", text);
    List<String> lines = problems(f);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).matches(expected).doesNotContain("snakeyaml", "Event");
  }

  @Test
  void nodeAddressThatIsNoIpIsAcceptedAsTheApiServerDoes() throws IOException {
    Path f = write("n.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus:\n"
        + "  addresses:\n  - {type: InternalIP, address: not-an-ip}\n"
        + "  - {type: InternalIP, address: 10.0.0.1}\n");
    ClusterSnapshot s = ManifestLoader.load(List.of(f), options());
    assertThat(s.nodes().get(0).addresses()).hasSize(2);
  }
}
