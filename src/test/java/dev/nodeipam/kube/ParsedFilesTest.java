package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodeipam.git.GitTree;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two states loaded with one {@link ParsedFiles} (as {@code diff} loads them) are each exactly the
 * state loaded on its own, with the same warnings and the same problems, while a file both states
 * hold with the same text is parsed and converted once. Over the examples and the public trees of
 * {@code ../shared/realworld} (when present; see {@code RealWorldTreesTest}).
 */
class ParsedFilesTest {
  private static final Path REALWORLD = Path.of("..", "shared", "realworld");

  /** Two states, the paths each reads, and whether files that are no manifest are skipped. */
  record States(String name, List<Path> before, List<Path> after, boolean skip) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<States> states() {
    List<States> out = new ArrayList<>();
    for (String example : List.of("seed", "istio-trap/cluster", "rules", "migration")) {
      Path p = Path.of("examples", example);
      out.add(new States(example + " twice", List.of(p), List.of(p), false));
    }
    Path pr = Path.of("examples", "pr-externalip");
    out.add(new States("pr-externalip: one file changed", List.of(pr.resolve("before")),
        List.of(pr.resolve("after")), false));
    out.add(new States("pr-externalip: the states swapped", List.of(pr.resolve("after")),
        List.of(pr.resolve("before")), false));
    out.add(new States("istio-trap plus seed after", List.of(Path.of("examples/istio-trap")),
        List.of(Path.of("examples/istio-trap"), Path.of("examples/seed")), false));
    // A tree with a problem in a file both states hold: the same problem, once per load.
    out.add(new States("k3s (templates: bad input)", List.of(REALWORLD.resolve("k3s/manifests")),
        List.of(REALWORLD.resolve("k3s/manifests")), false));
    for (String tree : List.of("msdemo-release/release", "kube-prometheus/manifests",
        "argocd/manifests/install.yaml")) {
      Path p = REALWORLD.resolve(tree);
      out.add(new States(tree + " twice", List.of(p), List.of(p), false));
    }
    Path istio = REALWORLD.resolve("istio-samples/samples");
    out.add(new States("istio-samples twice (skipping non-manifests)", List.of(istio),
        List.of(istio), true));
    return out.stream();
  }

  /** One load: the snapshot's contents, or the problem; and the warnings. */
  record Loaded(List<Object> contents, String problem, List<String> warnings) {}

  private static Loaded load(List<Path> paths, boolean skip, ManifestTree tree,
      ParsedFiles shared) {
    List<String> warnings = new ArrayList<>();
    ManifestLoader.Options options = new ManifestLoader.Options(skip, warnings::add,
        new ManifestLoader.Progress()).withCommand("diff").withShared(shared);
    try {
      return new Loaded(contents(ManifestLoader.load(paths, options, tree)), null, warnings);
    } catch (BadInputException e) {
      return new Loaded(List.of(), e.getMessage(), warnings);
    }
  }

  /** Everything a snapshot holds (it has no equals of its own: its parts are values). */
  private static List<Object> contents(ClusterSnapshot s) {
    return List.of(s.nodes(), s.services(), s.endpointSlices(), s.pods(), s.namespaces(),
        s.workloads(), s.policies(), s.addressClaims(), s.ciliumConfig(),
        s.ciliumConfigSource(), s.daemonSets());
  }

  /** The manifest files below the paths, as (path, text): what the loads would parse. */
  private static Set<List<String>> files(List<Path> paths) throws IOException {
    Set<List<String>> out = new HashSet<>();
    for (Path path : paths) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path f : walk.filter(Files::isRegularFile).toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
            out.add(List.of(f.toString(), Files.readString(f)));
          }
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void sharedStatesAreTheStatesLoadedAloneAndAFileIsParsedOnce(States s) throws IOException {
    assumeTrue(Stream.concat(s.before().stream(), s.after().stream()).allMatch(Files::exists),
        "input absent");
    ParsedFiles shared = new ParsedFiles();
    Loaded before = load(s.before(), s.skip(), ManifestTree.WORK_TREE, shared);
    int parsedBefore = shared.parses();
    Loaded after = load(s.after(), s.skip(), ManifestTree.WORK_TREE, shared);

    assertThat(before).isEqualTo(load(s.before(), s.skip(), ManifestTree.WORK_TREE, null));
    assertThat(after).isEqualTo(load(s.after(), s.skip(), ManifestTree.WORK_TREE, null));
    Set<List<String>> both = files(s.before());
    assertThat(parsedBefore).isEqualTo(both.size()).isPositive();
    both.addAll(files(s.after()));
    assertThat(shared.parses()).as("files parsed for both states").isEqualTo(both.size());
  }

  @Test
  void aCommitsBlobAndTheSameWorkTreeFileAreParsedOnce(@TempDir Path dir) throws Exception {
    Path pr = Path.of("examples", "pr-externalip").toAbsolutePath();
    Path cluster = dir.resolve("cluster");
    copy(pr.resolve("before"), cluster);
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("before").setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org").setSign(false).call();
    }
    // The change: one file edited in the work tree, one added.
    Files.copy(pr.resolve("after/istio-system.yaml"), cluster.resolve("istio-system.yaml"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(cluster.resolve("extra.yaml"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n");
    List<Path> paths = List.of(cluster);
    try (GitTree head = GitTree.open(dir, dir, "HEAD")) {
      ParsedFiles shared = new ParsedFiles();
      Loaded before = load(paths, false, head, shared);
      int committed = shared.parses();
      Loaded after = load(paths, false, ManifestTree.WORK_TREE, shared);

      assertThat(before).isEqualTo(load(paths, false, head, null));
      assertThat(after).isEqualTo(load(paths, false, ManifestTree.WORK_TREE, null));
      assertThat(before.problem()).isNull();
      assertThat(before).isNotEqualTo(after);
      assertThat(committed).isEqualTo(files(List.of(pr.resolve("before"))).size());
      assertThat(shared.parses()).as("only the edited and the added file parsed again")
          .isEqualTo(committed + 2);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
