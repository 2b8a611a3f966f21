package dev.nodeipam.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code diff --base REF}: the before state read from a commit with JGit, the after state from the
 * work tree; the work tree, the index, HEAD and the refs are exactly as they were.
 */
class DiffBaseTest {
  private static final Path EXAMPLE = Path.of("examples/pr-externalip");



  /** A repository whose commit holds the before state and whose work tree the after state. */
  private static Git repository(Path dir) throws Exception {
    Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
    copy(EXAMPLE.resolve("before"), dir.resolve("cluster"));
    Files.writeString(dir.resolve("README.md"), "cluster state\n");
    git.add().addFilepattern(".").call();
    git.commit().setMessage("before").setAuthor("t", "t@example.org")
        .setCommitter("t", "t@example.org").setSign(false).call();
    // The pull request's change, not committed: one staged file, one modified in the work tree.
    Files.copy(EXAMPLE.resolve("after/istio-system.yaml"),
        dir.resolve("cluster/istio-system.yaml"), StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(dir.resolve("cluster/extra.yaml"), "apiVersion: v1\nkind: Namespace\n"
        + "metadata: {name: extra}\n");
    git.add().addFilepattern("cluster/extra.yaml").call();
    return git;
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  /** Every file below the directory, .git included, with its content's hash and its mtime. */
  private static Map<String, String> fingerprint(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p));
        out.put(dir.relativize(p).toString(),
            HexFormat.of().formatHex(hash) + " " + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }

  @Test
  void base_readsTheCommit_andLeavesWorkTreeIndexAndRefsAlone(@TempDir Path dir) throws Exception {
    try (Git git = repository(dir)) {
      Map<String, String> files = fingerprint(dir);
      Status status = git.status().call();
      String head = git.getRepository().resolve("HEAD").getName();

      CliRun run = CliRun.of("diff", "--base", "main", "-f", dir.resolve("cluster").toString(),
          "-o", "json");

      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.out()).contains("\"NEWLY_DENIED\" : 7")
          .contains("\"file\" : \"" + dir.resolve("cluster/istio-system.yaml") + "\"")
          .contains("\"line\" : 20");
      // The staged namespace is in the after state only.
      assertThat(run.out()).contains("\"namespaces\" : [ \"extra\" ]");
      assertThat(fingerprint(dir)).isEqualTo(files);
      Status again = git.status().call();
      assertThat(again.getModified()).isEqualTo(status.getModified())
          .containsExactly("cluster/istio-system.yaml");
      assertThat(again.getAdded()).isEqualTo(status.getAdded())
          .containsExactly("cluster/extra.yaml");
      assertThat(again.getUntracked()).isEqualTo(status.getUntracked());
      assertThat(git.getRepository().resolve("HEAD").getName()).isEqualTo(head);
    }
  }

  @Test
  void base_sarifIsRelativeToTheRepositoryRoot(@TempDir Path dir) throws Exception {
    try (Git git = repository(dir)) {
      CliRun run = CliRun.of("diff", "--base", "HEAD", "-f", dir.resolve("cluster").toString(),
          "-o", "sarif");
      assertThat(run.out()).contains("\"uri\" : \"cluster/istio-system.yaml\"")
          .contains("\"uri\" : \"" + dir.toUri() + "\"");
    }
  }

  @Test
  void base_sameTree_isNoChange_andBeforeStateProblemsNameTheCommit(@TempDir Path dir)
      throws Exception {
    try (Git git = repository(dir)) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("after").setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org").setSign(false).call();
      CliRun same = CliRun.of("diff", "--base", "HEAD", "-f", dir.resolve("cluster").toString());
      assertThat(same.exitCode()).isZero();
      assertThat(same.out()).startsWith("No change");
      CliRun parent = CliRun.of("diff", "--base", "HEAD~1", "-f", dir.resolve("cluster").toString(),
          "--fail-on", "never");
      assertThat(parent.exitCode()).isZero();
      assertThat(parent.out()).contains("Flows newly denied (7)");

      Files.writeString(dir.resolve("cluster/broken.yaml"), "kind: [\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("broken").setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org").setSign(false).call();
      Files.delete(dir.resolve("cluster/broken.yaml"));
      CliRun broken = CliRun.of("diff", "--base", "HEAD", "-f", dir.resolve("cluster").toString());
      assertThat(broken.exitCode()).isEqualTo(2);
      assertThat(broken.err()).startsWith("nodeipam: HEAD (").contains("broken.yaml:")
          .contains("malformed YAML").hasLineCount(1);
    }
  }

  @Test
  void base_badRefOrNoRepository_exit2(@TempDir Path dir) throws Exception {
    try (Git git = repository(dir.resolve("repo"))) {
      CliRun ref = CliRun.of(
          "diff", "--base", "no-such-branch", "-f", dir.resolve("repo/cluster").toString());
      assertThat(ref.exitCode()).isEqualTo(2);
      assertThat(ref.err()).contains("--base no-such-branch: no such commit");
    }
    Files.createDirectories(dir.resolve("plain"));
    CliRun none = CliRun.of("diff", "--base", "HEAD", "-f", dir.resolve("plain").toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("is not in a git work tree").hasLineCount(1);
  }

  private static final String KUSTOMIZATION = "apiVersion: kustomize.config.k8s.io/v1beta1\n"
      + "kind: Kustomization\nresources: [cilium-config.yaml, coffee.yaml, hermes.yaml,"
      + " istio-system.yaml, kube-system.yaml, monitoring.yaml, nodes.yaml]\n";

  private static boolean kustomizeOnPath() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> !d.isEmpty() && (Files.isExecutable(Path.of(d, "kubectl"))
            || Files.isExecutable(Path.of(d, "kustomize"))));
  }

  /**
   * {@code diff --base REF -k DIR} renders the kustomization at the commit and in the work tree,
   * and finds what {@code -f} finds on the same files; {@code -k} with {@code --before/--after}
   * renders two directories; without {@code -k}, a kustomization is one line naming the form.
   */
  @Test
  void kustomizationAtBothRevisions_andTwoDirectories(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(kustomizeOnPath(), "no kubectl nor kustomize");
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      copy(EXAMPLE.resolve("before"), dir.resolve("cluster"));
      Files.writeString(dir.resolve("cluster/kustomization.yaml"), KUSTOMIZATION);
      git.add().addFilepattern(".").call();
      git.commit().setMessage("before").setAuthor("t", "t@example.org")
          .setCommitter("t", "t@example.org").setSign(false).call();
      Files.copy(EXAMPLE.resolve("after/istio-system.yaml"),
          dir.resolve("cluster/istio-system.yaml"),
          StandardCopyOption.REPLACE_EXISTING);
      Map<String, String> files = fingerprint(dir);

      CliRun base = CliRun.of("diff", "--base", "main", "-k", dir.resolve("cluster").toString(),
          "-o", "json");
      assertThat(base.exitCode()).as(base.err()).isEqualTo(3);
      assertThat(base.out()).contains("\"NEWLY_DENIED\" : 7");
      assertThat(fingerprint(dir)).isEqualTo(files);

      Path old = dir.resolve("old");
      copy(EXAMPLE.resolve("before"), old);
      Files.writeString(old.resolve("kustomization.yaml"), KUSTOMIZATION);
      CliRun two = CliRun.of("diff", "-k", "--before", old.toString(), "--after",
          dir.resolve("cluster").toString(), "-o", "json");
      assertThat(two.exitCode()).as(two.err()).isEqualTo(3);
      assertThat(two.out()).contains("\"NEWLY_DENIED\" : 7");

      CliRun plain = CliRun.of("diff", "--before", old.toString(), "--after",
          dir.resolve("cluster").toString());
      assertThat(plain.exitCode()).isEqualTo(2);
      assertThat(plain.errLines().get(0)).contains("a kustomization, read it rendered: nodeipam"
          + " diff --base REF -k " + old + " (or -k --before OLD --after NEW)");
    }
  }
}
