package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command-line contract for bad input, case by case from {@code bad-input/cases.yaml}: the
 * exit code, exactly one line on stderr that matches the case (no stack trace), and no {@code
 * --out} directory left behind. Cases with environment variables or JVM options run in a JVM of
 * their own, exactly as a user's shell would start nodeipam.
 */
class BadInputCorpusTest {
  private static final Path EXAMPLES = Path.of("examples").toAbsolutePath();

  /** One case of the corpus. */
  record Case(String name, JsonNode spec) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    try (InputStream in = BadInputCorpusTest.class.getResourceAsStream("/bad-input/cases.yaml")) {
      JsonNode all = new YAMLMapper().readTree(in);
      List<Case> out = new ArrayList<>();
      all.forEach(c -> out.add(new Case(c.path("name").asText(), c)));
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputGetsOneLineAndTheExitCode(Case c, @TempDir Path dir) throws Exception {
    JsonNode spec = c.spec();
    int closedPort = closedPort();
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("{dir}", dir.toString());
    vars.put("{seed}", EXAMPLES.resolve("seed").toString());
    vars.put("{trap}", EXAMPLES.resolve("istio-trap/cluster").toString());
    vars.put("{closedPort}", Integer.toString(closedPort));

    spec.path("files")
        .fields()
        .forEachRemaining(f -> write(dir.resolve(f.getKey()), fill(f.getValue().asText(), vars)));
    spec.path("bytes")
        .fields()
        .forEachRemaining(f -> writeBytes(dir.resolve(f.getKey()), f.getValue().asText()));
    if (spec.has("generate")) {
      generateServices(dir.resolve("big.yaml"), spec.path("generate").asInt());
    }
    for (JsonNode name : spec.path("unreadable")) {
      Path file = dir.resolve(name.asText());
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
      // Root reads any file whatever its mode: permission denied cannot happen, so this case is
      // skipped there (and only this one) rather than asserting something else.
      assumeFalse(Files.isReadable(file), "running as root: a mode-000 file stays readable");
    }
    List<String> args = new ArrayList<>();
    for (String word : spec.path("command").asText().split(" +")) {
      args.add(fill(word, vars));
    }
    Map<String, String> env = new LinkedHashMap<>();
    spec.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), fill(e.getValue().asText(), vars)));
    List<String> jvm = new ArrayList<>();
    spec.path("jvm").forEach(o -> jvm.add(o.asText()));

    CliRun run = env.isEmpty() && jvm.isEmpty() ? CliRun.of(args.toArray(String[]::new))
        : inOwnJvm(args, env, jvm);

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(spec.path("exit").asInt());
    String expected = spec.path("stderr").asText();
    if (expected.isEmpty()) {
      assertThat(run.err()).isEmpty();
    } else {
      // One line per problem (issue 19: every problem in one run); `lines` says how many.
      int lines = spec.path("lines").asInt(1);
      assertThat(run.errLines()).as("stderr is %d line(s)", lines).hasSize(lines);
      assertThat(run.errLines().get(0).strip()).matches("(nodeipam: )?" + expected);
      assertThat(run.err()).doesNotContain("\tat ", "Exception", "java.");
    }
    if (spec.has("stdout")) {
      assertThat(run.out().replace('\n', ' ')).matches(spec.path("stdout").asText());
    } else if (run.exitCode() != 0) {
      assertThat(run.out()).as("nothing on stdout").isEmpty();
    }
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--out") && run.exitCode() != 0 && !Files.isRegularFile(Path.of(args.get(i + 1)))) {
        assertThat(Path.of(args.get(i + 1))).as("nothing half-written").doesNotExist();
      }
    }
  }

  /** The corpus covers every row of the contract it was written for. */
  @Test
  void theCorpusCoversEveryKindOfBadInput() throws IOException {
    List<String> names = cases().map(Case::name).toList();
    assertThat(names)
        .contains(
            "malformed YAML", "tab used for indentation", "binary file",
            "a list instead of an object", "a scalar instead of an object",
            "a directory holding a kustomization", "a Helm chart", "a key twice in one mapping",
            "a YAML boolean as a name", "missing file",
            "an alias to an anchor the document does not define", "a merge key of a scalar", "permission denied",
            "Service named with non-ASCII characters", "Service port above 65535 (audit)",
            "targetPort 0", "externalIPs that are not addresses",
            "pod IP that is not an address", "status ingress that is not an address",
            "bad CIDR in a NetworkPolicy", "bad selector annotation", "--to IPv6 without a port",
            "--to with ICMP", "--set with a bad value (migrate, input without policies)",
            "KUBECONFIG pointing at a malformed file", "KUBECONFIG pointing at a missing file",
            "KUBECONFIG pointing at an empty file", "API server port closed", "heap exhausted");
    assertThat(names).doesNotHaveDuplicates();
  }

  private static CliRun inOwnJvm(List<String> args, Map<String, String> env, List<String> jvm)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvm);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("KUBECONFIG");
    builder.environment().putAll(env);
    Path out = Files.createTempFile("corpus-out", ".txt");
    Path err = Files.createTempFile("corpus-err", ".txt");
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("nodeipam did not finish within 120 s");
    }
    try {
      return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String fill(String text, Map<String, String> vars) {
    String out = text;
    for (Map.Entry<String, String> v : vars.entrySet()) {
      out = out.replace(v.getKey(), v.getValue());
    }
    return out;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeBytes(Path file, String base64) {
    try {
      Files.write(file, Base64.getDecoder().decode(base64));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void generateServices(Path file, int count) throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < count; i++) {
      yaml.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: s")
          .append(i)
          .append(", namespace: default, labels: {app: s")
          .append(i)
          .append("}}\nspec:\n  externalIPs: [198.51.100.1]\n  ports: [{name: http, port: 80}]\n");
    }
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
  }
}
