package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The top-level command line: help, version, completion, and {@code generate}. */
class MainTest {
  @Test
  void helpListsTheCommands() {
    CliRun run = CliRun.of("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Usage: nodeipam")
        .contains("plan")
        .contains("generate")
        .contains("generate-completion")
        .contains("Exit codes");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void noArgumentsPrintsTheUsage() {
    CliRun run = CliRun.of();
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: nodeipam");
  }

  @Test
  void subcommandHelpDescribesItsOptions() {
    CliRun plan = CliRun.of("plan", "--help");
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.out())
        .contains("-f, --filename")
        .contains("--load-balancer-class")
        .contains("--default-class")
        .contains("-o, --output");
    CliRun viaHelp = CliRun.of("help", "generate");
    assertThat(viaHelp.exitCode()).isZero();
    assertThat(viaHelp.out()).contains("--objects").contains("--seed").contains("--out");
  }

  @Test
  void versionNamesTheProgram() {
    CliRun run = CliRun.of("--version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("nodeipam ").contains("Java ");
  }

  @Test
  void completionIsABashScript() {
    CliRun run = CliRun.of("generate-completion");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("complete")
        .contains("nodeipam")
        .contains("plan")
        .contains("generate");
  }

  @Test
  void generateWritesATreeThatPlanReads(@TempDir Path tmp) {
    Path out = tmp.resolve("cluster");
    CliRun gen =
        CliRun.of(
            "generate",
            "--nodes",
            "30",
            "--services",
            "40",
            "--pods-per-service",
            "2",
            "--namespaces",
            "3",
            "--seed",
            "7",
            "--out",
            out.toString());
    assertThat(gen.exitCode()).isZero();
    assertThat(gen.err()).isEmpty();
    assertThat(gen.out()).contains("30 nodes").contains("3 namespaces").contains("40 services");
    ClusterSnapshot s = ManifestLoader.load(List.of(out));
    assertThat(s.nodes()).hasSize(30);
    assertThat(s.services()).hasSize(40);
    assertThat(s.pods()).hasSize(80);
    CliRun plan = CliRun.of("plan", "-f", out.toString(), "-o", "json");
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.out()).contains("\"services\"");
  }

  @Test
  void generateIsDeterministicForASeed(@TempDir Path tmp) throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    String[] common = {
      "generate", "--nodes", "10", "--services", "10", "--namespaces", "2", "--seed", "3", "--out"
    };
    assertThat(CliRun.of(concat(common, a.toString())).exitCode()).isZero();
    assertThat(CliRun.of(concat(common, b.toString())).exitCode()).isZero();
    assertThat(Files.readString(a.resolve("nodes/nodes.yaml")))
        .isEqualTo(Files.readString(b.resolve("nodes/nodes.yaml")));
    assertThat(Files.readString(a.resolve("ns-001/services.yaml")))
        .isEqualTo(Files.readString(b.resolve("ns-001/services.yaml")));
  }

  @Test
  void generateRefusesANonEmptyDirectoryAndBadSizes(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("old.yaml"), "x: y\n");
    CliRun full = CliRun.of("generate", "--nodes", "1", "--services", "1", "--out", tmp.toString());
    assertThat(full.exitCode()).isEqualTo(2);
    assertThat(full.errLines()).singleElement().asString().contains("not empty");
    CliRun negative = CliRun.of("generate", "--nodes", "-1", "--out", tmp.resolve("x").toString());
    assertThat(negative.exitCode()).isEqualTo(2);
    assertThat(negative.errLines()).singleElement().asString().contains("--nodes");
    CliRun noOut = CliRun.of("generate", "--nodes", "1");
    assertThat(noOut.exitCode()).isEqualTo(2);
    assertThat(noOut.errLines()).singleElement().asString().contains("--out");
  }

  private static String[] concat(String[] a, String last) {
    String[] out = Arrays.copyOf(a, a.length + 1);
    out[a.length] = last;
    return out;
  }
}
