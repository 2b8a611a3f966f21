package dev.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The two jars {@code mvn package} writes: the product ({@code target/nodeipam.jar}, what
 * bin/nodeipam runs and the image ships) holds no mock API server and no tools class; the tools jar
 * ({@code target/nodeipam-tools.jar}) holds both, for {@code demo} and {@code generate}.
 */
class ProductJarIT {
  private static final Path PRODUCT = Path.of("target", "nodeipam.jar");
  private static final Path TOOLS = Path.of("target", "nodeipam-tools.jar");

  /** fabric8's mock API server (kubernetes-server-mock, mockwebserver) and the tools packages. */
  private static final List<String> NOT_IN_PRODUCT =
      List.of(
          "io/fabric8/kubernetes/client/server/mock/",
          "io/fabric8/mockwebserver/",
          "io/vertx/ext/web/Router",
          "dev/nodeipam/tools/",
          "META-INF/services/dev.nodeipam.cli.ToolCommands");

  @Test
  void theMockServerAndTheToolsAreInTheToolsJarOnly() throws IOException {
    List<String> product = entries(PRODUCT);
    List<String> tools = entries(TOOLS);
    assertThat(product).contains("dev/nodeipam/cli/Main.class");
    assertThat(tools).contains("dev/nodeipam/cli/Main.class");
    for (String prefix : NOT_IN_PRODUCT) {
      assertThat(product).as("product jar: " + prefix).noneMatch(e -> e.startsWith(prefix));
      assertThat(tools).as("tools jar: " + prefix).anyMatch(e -> e.startsWith(prefix));
    }
  }

  @Test
  void theProductJarRunsAndPointsToTheToolsJar() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process help =
        new ProcessBuilder(java.toString(), "-jar", PRODUCT.toString(), "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(help.waitFor()).as(out).isZero();
    assertThat(out)
        .contains("plan")
        .contains("controller")
        .contains("demo and generate come with target/nodeipam-tools.jar")
        .doesNotContain("  generate ");
    Process demo =
        new ProcessBuilder(java.toString(), "-jar", PRODUCT.toString(), "demo").start();
    String err = new String(demo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(demo.waitFor()).isEqualTo(2);
    assertThat(err.lines().toList())
        .containsExactly(
            "nodeipam: demo is in target/nodeipam-tools.jar, not in this jar (bin/nodeipam picks"
                + " it)");
  }

  private static List<String> entries(Path jar) throws IOException {
    assertThat(Files.isRegularFile(jar)).as(jar + " (made by mvn package)").isTrue();
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().map(ZipEntry::getName).toList();
    }
  }
}
