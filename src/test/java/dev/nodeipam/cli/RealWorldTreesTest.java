package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeipam.render.TextWrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every read-only command over every public tree in {@code ../shared/realworld/} (kept out of the
 * repository; its README names each tree's source and licence), with the outcome expected per
 * tree. Skipped when the folder is absent, and under {@code CI=true}, where it never is.
 */
class RealWorldTreesTest {
  private static final Path ROOT = Path.of("..", "shared", "realworld");

  /**
   * One tree: what {@code -f} reads, a real client and Service:port for trace, and the exit each
   * command has today. Trees the loader cannot read yet expect 2 everywhere.
   */
  record Tree(String name, String input, String from, String to, int plan, int audit,
      int migrate, int trace, int diff) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Tree> TREES = List.of(
      new Tree("msdemo-release", "msdemo-release/release", "default/frontend",
          "default/cartservice:7070", 0, 0, 0, 0, 0),
      new Tree("msdemo-release named port", "msdemo-release/release", "default/frontend",
          "default/cartservice:grpc", 0, 0, 0, 0, 0),
      // prometheus-k8s's pods are made by the operator, not in the tree: grafana's are.
      new Tree("kube-prometheus", "kube-prometheus/manifests", "monitoring/kube-state-metrics",
          "monitoring/grafana:http", 0, 0, 0, 0, 0),
      new Tree("argocd", "argocd/manifests/install.yaml", "default/argocd-server",
          "default/argocd-repo-server:8081", 0, 0, 0, 0, 0),
      // Not readable by the loader yet (tool configs, duplicates, templates): exit 2.
      new Tree("istio-samples", "istio-samples/samples", "default/productpage-v1",
          "default/reviews:9080", 2, 2, 2, 2, 2),
      new Tree("k3s", "k3s/manifests", "kube-system/coredns",
          "kube-system/metrics-server:443", 2, 2, 2, 2, 2),
      new Tree("msdemo-helm", "msdemo-helm/helm-chart", "default/frontend",
          "default/cartservice:7070", 2, 2, 2, 2, 2),
      new Tree("msdemo-kustomize", "msdemo-kustomize", "default/frontend",
          "default/cartservice:7070", 2, 2, 2, 2, 2));

  /** One command over one tree. */
  record Case(String name, List<String> args, int exit) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Tree t : TREES) {
      String f = ROOT.resolve(t.input()).toString();
      out.add(Arguments.of(new Case(t + " plan", List.of("plan", "-f", f), t.plan())));
      out.add(Arguments.of(new Case(t + " audit", List.of("audit", "-f", f), t.audit())));
      out.add(Arguments.of(new Case(t + " migrate", List.of("migrate", "-f", f), t.migrate())));
      out.add(Arguments.of(new Case(t + " trace", List.of("trace", "-f", f, "--from", t.from(),
          "--to", t.to()), t.trace())));
      out.add(Arguments.of(new Case(t + " diff", List.of("diff", "--before", f, "--after", f),
          t.diff())));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void everyReadOnlyCommandOnEveryTree(Case c) {
    assumeFalse("true".equals(System.getenv("CI")), "the trees are never on CI");
    assumeTrue(Files.isDirectory(ROOT), ROOT + " is absent");
    CliRun run = CliRun.of(c.args().toArray(String[]::new));
    assertThat(run.exitCode()).as(c + "\n" + run.err()).isEqualTo(c.exit());
    assertThat(run.out().lines().filter(l -> l.codePointCount(0, l.length()) > TextWrap.WIDTH))
        .as("stdout lines over %d columns", TextWrap.WIDTH).isEmpty();
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
    if (c.exit() == 2) {
      assertThat(run.out()).isEmpty();
      assertThat(run.errLines()).isNotEmpty().allMatch(l -> l.startsWith("nodeipam: "));
    } else {
      assertThat(run.out()).isNotEmpty();
    }
  }
}
