package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
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
 * tree. Skipped when the folder is absent, never under {@code CI=true} (CI has it beside the
 * clone, as {@code ../shared}).
 */
class RealWorldTreesTest {
  private static final Path ROOT = Path.of("..", "shared", "realworld");

  /**
   * One tree: how the commands read it ({@code -f PATH}, or {@code -k DIR} for a kustomization,
   * plus flags such as {@code --skip-non-manifests}), a real client and Service:port for trace,
   * and the exit each command has. A Helm chart and a template-only tree are exit 2 with one line
   * that says how to render them; {@code diff} renders a kustomization's two states with {@code -k}.
   */
  record Tree(String name, String input, boolean kustomize, List<String> flags, String from,
      String to, int plan, int audit, int migrate, int trace, int diff) {
    @Override
    public String toString() {
      return name;
    }

    List<String> read() {
      List<String> out = new ArrayList<>(List.of(kustomize ? "-k" : "-f", path()));
      out.addAll(flags);
      return out;
    }

    String path() {
      return ROOT.resolve(input).toString();
    }
  }

  private static final List<String> NONE = List.of();

  static final List<Tree> TREES = List.of(
      new Tree("msdemo-release", "msdemo-release/release", false, NONE, "default/frontend",
          "default/cartservice:7070", 0, 0, 0, 0, 0),
      new Tree("msdemo-release named port", "msdemo-release/release", false, NONE,
          "default/frontend", "default/cartservice:grpc", 0, 0, 0, 0, 0),
      // prometheus-k8s's pods are made by the operator, not in the tree: grafana's are.
      new Tree("kube-prometheus", "kube-prometheus/manifests", false, NONE,
          "monitoring/kube-state-metrics", "monitoring/grafana:http", 0, 0, 0, 0, 0),
      new Tree("argocd", "argocd/manifests/install.yaml", false, NONE, "default/argocd-server",
          "default/argocd-repo-server:8081", 0, 0, 0, 0, 0),
      // Sample data files (JSON, package.json, swagger) beside the manifests.
      new Tree("istio-samples", "istio-samples/samples", false,
          List.of("--skip-non-manifests"), "default/productpage-v1", "default/reviews:9080",
          0, 0, 0, 0, 0),
      // %{CLUSTER_DNS}% and friends: templates k3s fills in at install time.
      new Tree("k3s", "k3s/manifests", false, NONE, "kube-system/coredns",
          "kube-system/metrics-server:443", 2, 2, 2, 2, 2),
      new Tree("msdemo-helm", "msdemo-helm/helm-chart", false, NONE, "default/frontend",
          "default/cartservice:7070", 2, 2, 2, 2, 2),
      new Tree("msdemo-kustomize", "msdemo-kustomize/kustomize", true, NONE, "default/frontend",
          "default/cartservice:7070", 0, 0, 0, 0, 0));

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
      out.add(Arguments.of(new Case(t + " plan", args("plan", t.read()), t.plan())));
      out.add(Arguments.of(new Case(t + " audit", args("audit", t.read()), t.audit())));
      out.add(Arguments.of(new Case(t + " migrate", args("migrate", t.read()), t.migrate())));
      List<String> trace = args("trace", t.read());
      trace.addAll(List.of("--from", t.from(), "--to", t.to()));
      out.add(Arguments.of(new Case(t + " trace", trace, t.trace())));
      List<String> diff = new ArrayList<>(List.of("diff"));
      if (t.kustomize()) {
        diff.add("-k");
      }
      diff.addAll(List.of("--before", t.path(), "--after", t.path()));
      diff.addAll(t.flags());
      out.add(Arguments.of(new Case(t + " diff", diff, t.diff())));
    }
    return out.stream();
  }

  private static List<String> args(String command, List<String> read) {
    List<String> out = new ArrayList<>(List.of(command));
    out.addAll(read);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void everyReadOnlyCommandOnEveryTree(Case c) {
    if (!"true".equals(System.getenv("CI"))) {
      assumeTrue(Files.isDirectory(ROOT), ROOT + " is absent");
    }
    if (c.args().contains("-k")) {
      assumeTrue(Kustomize.onPath("kubectl", System.getenv())
          || Kustomize.onPath("kustomize", System.getenv()), "neither kubectl nor kustomize");
    }
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
