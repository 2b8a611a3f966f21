package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loading the public trees of {@code ../shared/realworld/} (their README names each source and
 * licence; they stay out of the repository): each loads (exit 0) or ends in the exact lines that
 * say what to do. Skipped when the folder is absent, never under {@code CI=true}.
 */
class RealWorldLoadingTest {
  private static final Path TREES = Path.of("../shared/realworld");

  static Stream<Arguments> trees() {
    String r = TREES.toString();
    return Stream.of(
        Arguments.of("msdemo-release", List.of("plan", "-f", r + "/msdemo-release/release"), 0,
            List.of("nodeipam: warning: skipped \\d+ objects nodeipam does not read: .*")),
        Arguments.of("kube-prometheus", List.of("plan", "-f", r + "/kube-prometheus/manifests"), 0,
            List.of("nodeipam: warning: skipped 72 objects nodeipam does not read: .*")),
        Arguments.of("argocd -n argocd",
            List.of("plan", "-f", r + "/argocd/manifests/install.yaml", "-n", "argocd"), 0,
            List.of("nodeipam: warning: skipped 30 objects nodeipam does not read: .*")),
        Arguments.of("istio-samples", List.of("plan", "-f", r + "/istio-samples/samples"), 2,
            List.of("nodeipam: .*/ratings_data\\.json: not a Kubernetes manifest \\(does not parse: .*"
                    + "--skip-non-manifests skips such files",
                "nodeipam: .*/package\\.json: not a Kubernetes manifest .*--skip-non-manifests skips such files",
                "nodeipam: .*/swagger\\.yaml: not a Kubernetes manifest .*--skip-non-manifests skips such files")),
        Arguments.of("istio-samples --skip-non-manifests",
            List.of("plan", "-f", r + "/istio-samples/samples", "--skip-non-manifests"), 0,
            List.of()),
        Arguments.of("k3s", List.of("plan", "-f", r + "/k3s/manifests"), 2,
            List.of("nodeipam: .*/k3s/manifests/coredns\\.yaml:187: a template, not a manifest"
                + " \\(%\\{CLUSTER_DNS}%\\): render it first .*")),
        Arguments.of("msdemo-helm", List.of("audit", "-f", r + "/msdemo-helm/helm-chart"), 2,
            List.of("nodeipam: .*/helm-chart: a Helm chart, read it rendered: helm template NAME"
                + " .*/helm-chart \\| nodeipam audit -f -")),
        Arguments.of("msdemo-kustomize -f", List.of("plan", "-f", r + "/msdemo-kustomize"), 2,
            List.of("nodeipam: .*/kubernetes-manifests: a kustomization, read it rendered:"
                    + " nodeipam plan -k .*/msdemo-kustomize/kubernetes-manifests",
                "nodeipam: .*/msdemo-kustomize/kustomize: a kustomization, read it rendered:"
                    + " nodeipam plan -k .*/msdemo-kustomize/kustomize")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("trees")
  void eachTreeLoadsOrSaysWhatToDo(String tree, List<String> args, int exit,
      List<String> stderr) {
    requireTrees();
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(exit);
    if (exit == 0) {
      // Loaded: only warnings, among them the expected ones.
      assertThat(run.errLines()).allMatch(l -> l.startsWith("nodeipam: warning: "));
      stderr.forEach(p -> assertThat(run.errLines()).anyMatch(l -> l.matches(p)));
      return;
    }
    // Refused: exactly the lines that say what to do, all in one run.
    assertThat(run.errLines()).as(run.err()).hasSize(stderr.size());
    for (int i = 0; i < stderr.size(); i++) {
      assertThat(run.errLines().get(i)).matches(stderr.get(i));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kustomizations")
  void kustomizationsRenderWithK(String dir) {
    requireTrees();
    assumeTrue(Kustomize.onPath("kubectl", System.getenv())
        || Kustomize.onPath("kustomize", System.getenv()), "neither kubectl nor kustomize");
    CliRun run = CliRun.of("plan", "-k", TREES.resolve(dir).toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("default/frontend");
  }

  static Stream<String> kustomizations() {
    return Stream.of("msdemo-kustomize/kubernetes-manifests", "msdemo-kustomize/kustomize");
  }

  private static void requireTrees() {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isDirectory(TREES), "../shared/realworld is absent");
    }
  }
}
