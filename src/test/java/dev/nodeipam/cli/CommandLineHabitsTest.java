package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What users of kubectl expect: {@code -n}/{@code -A}, the same {@code -o} values wherever they
 * make sense (listed exactly in help, completion and errors), {@code version}/{@code -V},
 * {@code completion bash|zsh}; and text that fits in 100 columns.
 */
class CommandLineHabitsTest {
  private static final String TRAP = "examples/istio-trap/cluster";

  @Test
  void namespaceScopesWhatPlanReportsButTheWholeClusterIsRead() {
    CliRun all = CliRun.of("plan", "-f", TRAP, "-o", "json");
    CliRun one = CliRun.of("plan", "-f", TRAP, "-n", "istio-system", "-o", "json");
    CliRun none = CliRun.of("plan", "-f", TRAP, "-n", "no-such-namespace", "-o", "json");
    assertThat(all.exitCode()).isZero();
    assertThat(one.exitCode()).isZero();
    assertThat(count(all.out(), "\"namespace\" :")).isGreaterThan(count(one.out(), "\"namespace\" :"));
    assertThat(count(one.out(), "\"namespace\" :")).isPositive();
    assertThat(one.out()).doesNotContainPattern("\"namespace\" : \"(?!istio-system\")");
    assertThat(none.out()).contains("\"services\" : [ ]");
    CliRun explicit = CliRun.of("plan", "-f", TRAP, "-A", "-o", "json");
    assertThat(explicit.out()).isEqualTo(all.out());
  }

  @Test
  void namespaceScopesAuditAndMigrate() {
    CliRun audit = CliRun.of("audit", "-f", TRAP, "-n", "istio-system", "-o", "json", "--fail-on", "never");
    CliRun elsewhere = CliRun.of("audit", "-f", TRAP, "-n", "coffee", "-o", "json", "--fail-on", "never");
    assertThat(audit.out()).contains("\"IDENTITY_TRAP\"");
    // The trapped Service lives in istio-system: scoped to coffee, its flows are not reported,
    // although coffee's pods are among the senders.
    assertThat(elsewhere.out()).doesNotContain("\"IDENTITY_TRAP\"");
    CliRun migrate = CliRun.of("migrate", "-f", "examples/migration/seed", "-n", "web", "-o", "json");
    CliRun migrateElsewhere =
        CliRun.of("migrate", "-f", "examples/migration/seed", "-n", "other", "-o", "json");
    assertThat(migrate.out()).contains("\"name\" : \"site\"");
    assertThat(migrateElsewhere.out()).doesNotContain("\"name\" : \"site\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"plan", "trace", "migrate", "audit", "diff"})
  void outputFormatsAreListedExactlyInHelpCompletionAndErrors(String command) {
    List<String> list = switch (command) {
      case "audit" -> List.of("text", "json", "yaml", "markdown", "sarif", "html");
      case "diff" -> List.of("text", "json", "markdown", "sarif", "html");
      case "trace" -> List.of("text", "json", "yaml", "html");
      default -> List.of("text", "json", "yaml");
    };
    String formats = String.join(", ", list);
    String words = "(" + String.join(" ", list.stream().map(f -> "\"" + f + "\"").toList()) + ")";
    assertThat(CliRun.of(command, "--help").out())
        .containsPattern("-o, --output=FORMAT +" + formats + " \\(default: text\\)");
    CliRun wrong = CliRun.of(command, "-o", "xml");
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err())
        .contains("'xml' is not a format of this command (choose "
            + formats.replaceAll(", (\\w+)$", " or $1") + ")");
    String script = CliRun.of("completion", "bash").out();
    String function = script.substring(script.indexOf("function _picocli_nodeipam_" + command + "()"));
    function = function.substring(0, function.indexOf("\n}\n"));
    assertThat(function).contains("local FORMAT_option_args=" + words + " # --output values");
  }

  @Test
  void traceWritesYamlLikeTheOthers() {
    CliRun yaml = CliRun.of("trace", "-f", TRAP, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443", "-o", "yaml");
    assertThat(yaml.exitCode()).isZero();
    assertThat(yaml.out()).contains("verdict: \"DENIED\"");
  }

  @Test
  void versionAsACommandAndAsAFlag() {
    CliRun command = CliRun.of("version");
    CliRun flag = CliRun.of("-V");
    assertThat(command.exitCode()).isZero();
    assertThat(command.out()).startsWith("nodeipam ").contains("Java ").isEqualTo(flag.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "zsh"})
  void completionForBothShellsAndBothWaysOfRunningIt(String shell) {
    CliRun run = CliRun.of("completion", shell);
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("complete -F _complete_nodeipam -o default nodeipam")
        .contains("complete -F _complete_nodeipam -o default bin/nodeipam ./bin/nodeipam")
        .contains("ZSH_VERSION");
    assertThat(CliRun.of("generate-completion").out()).isEqualTo(CliRun.of("completion").out());
  }

  @Test
  void helpFitsIn100ColumnsAndNeverBreaksANameAcrossLines() {
    for (String command : List.of("plan", "trace", "audit", "diff", "migrate", "controller", "generate", "demo", "completion", "version")) {
      List<String> lines = CliRun.of(command, "--help").out().lines().toList();
      assertThat(lines).as(command).isNotEmpty().allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
      for (int i = 0; i + 1 < lines.size(); i++) {
        // A name split at a dot, slash or dash ends a line in "x." or "x/" and goes on at once.
        boolean split = lines.get(i).matches(".*[a-z0-9][./-]$") && lines.get(i + 1).matches("\\s*[a-z0-9].*");
        assertThat(split).as("%s --help lines %d-%d:%n%s%n%s", command, i + 1, i + 2, lines.get(i), lines.get(i + 1)).isFalse();
      }
    }
  }

  @Test
  void reportsFitIn100ColumnsExceptCommandsAndYaml() {
    List<CliRun> runs =
        List.of(
            CliRun.of("plan", "-f", "examples/rules"),
            CliRun.of("audit", "-f", TRAP, "--fail-on", "never"),
            CliRun.of("trace", "-f", TRAP, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443"),
            CliRun.of("migrate", "-f", "examples/migration/policy-trap"),
            CliRun.of("diff", "--before", "examples/pr-externalip/before", "--after",
                "examples/pr-externalip/after", "--fail-on", "never"));
    long checked = 0;
    for (CliRun run : runs) {
      assertThat(run.exitCode()).isZero();
      boolean yaml = false;
      for (String line : run.out().lines().toList()) {
        yaml |= line.startsWith("apiVersion:") || line.equals("---");
        boolean command = line.matches("\\s+(kubectl|nodeipam|expected=|for |  got=|  \\[|  sleep|done|\\[ ).*");
        if (!yaml && !command) {
          checked++;
          assertThat(line.codePointCount(0, line.length())).as(line).isLessThanOrEqualTo(100);
        }
      }
    }
    assertThat(checked).as("prose lines checked").isGreaterThan(50);
  }

  @Test
  void migrateOutWritesInsideTheDirectoryAndNothingBesideIt(@TempDir Path tmp) throws IOException {
    Path parent = Files.createDirectories(tmp.resolve("parent"));
    Path out = Files.createDirectories(parent.resolve("plan"));
    CliRun run = CliRun.of("migrate", "-f", "examples/migration/seed", "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    try (Stream<Path> beside = Files.list(parent)) {
      // An empty mount point cannot be replaced, and a read-only parent takes no temporary
      // directory: the plan is written inside DIR.
      assertThat(beside).containsExactly(out);
    }
    try (Stream<Path> inside = Files.list(out)) {
      assertThat(inside.map(p -> p.getFileName().toString()))
          .contains("README.md", "plan.json")
          .noneMatch(n -> n.startsWith("."));
    }
  }

  private static long count(String text, String what) {
    return text.split(Pattern.quote(what), -1).length - 1L;
  }
}
