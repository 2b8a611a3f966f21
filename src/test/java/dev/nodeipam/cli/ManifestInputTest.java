package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's cases at the command line: exit 2 with one line naming the file (or the input),
 * and {@code --skip-non-manifests}; an empty input never passes a CI gate.
 */
class ManifestInputTest {
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static void exit2OneLine(CliRun r, String line) {
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip()).isEqualTo(line);
  }

  @Test
  void anEmptyTreeIsExit2ForEveryCommand() {
    for (String command : new String[] {"plan", "audit", "migrate"}) {
      exit2OneLine(run(command, "-f", dir.toString()),
          "nodeipam: no Kubernetes objects in " + dir);
    }
  }

  @Test
  void aNonManifestFileInTheTreeIsExit2NamingIt_orSkippedOnRequest() throws Exception {
    Files.writeString(dir.resolve("nodes.yaml"),
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n");
    Path report = dir.resolve("last-audit.json");
    Files.writeString(report, "{\"version\": 2, \"findings\": []}\n");
    exit2OneLine(run("plan", "-f", dir.toString()), "nodeipam: " + report
        + ": not a Kubernetes manifest (line 1: object has no kind); --skip-non-manifests skips"
        + " such files");
    CliRun skipped = run("plan", "-f", dir.toString(), "--skip-non-manifests");
    assertThat(skipped.exitCode()).as(skipped.err()).isZero();
    assertThat(skipped.err().strip()).isEqualTo("nodeipam: warning: skipped " + report
        + ": not a Kubernetes manifest (line 1: object has no kind)");
  }

  @Test
  void aMistypedKindIsOneWarningOnStderr() throws Exception {
    Files.writeString(dir.resolve("svc.yaml"), "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
        + "---\napiVersion: v1\nkind: Servce\nmetadata: {name: web, namespace: shop}\n");
    CliRun r = run("plan", "-f", dir.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.err().strip()).isEqualTo(
        "nodeipam: warning: ignored 1 object of unknown kind Servce: did you mean Service?");
  }

  @Test
  void aListOfPodsAsKubectlWritesItIsRead() throws Exception {
    Files.writeString(dir.resolve("pods.json"), "{\"apiVersion\": \"v1\", \"kind\": \"PodList\","
        + " \"items\": [{\"metadata\": {\"name\": \"a\", \"namespace\": \"web\", \"labels\":"
        + " {\"app\": \"a\"}}, \"spec\": {\"containers\": [{\"name\": \"c\", \"image\": \"i\"}]}}]}");
    CliRun r = run("trace", "-f", dir.toString(), "--from", "web/a", "--to", "web/a:80");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("no address dialled");
  }
}
