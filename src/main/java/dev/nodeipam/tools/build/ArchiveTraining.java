package dev.nodeipam.tools.build;

import dev.nodeipam.cli.Main;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

/**
 * The workload the class-data sharing archive is recorded from at package time ({@code
 * -XX:ArchiveClassesAtExit}): each read-only command once on the bundled examples, so that the
 * classes every small run needs (YAML, the Kubernetes model, picocli, the cores, the renderers) are
 * mapped from the archive instead of being loaded and verified anew on every start.
 */
public final class ArchiveTraining {
  private ArchiveTraining() {}

  public static void main(String[] args) {
    Path examples = Path.of(args.length > 0 ? args[0] : "examples");
    String seed = examples.resolve("seed").toString();
    String trap = examples.resolve("istio-trap/cluster").toString();
    String migration = examples.resolve("migration/seed").toString();
    List<String[]> runs =
        List.of(
            new String[] {"plan", "-f", seed},
            new String[] {"plan", "-f", seed, "-o", "json"},
            new String[] {"audit", "-f", trap, "--fail-on", "never"},
            new String[] {"audit", "-f", trap, "-o", "yaml", "--fail-on", "never"},
            new String[] {
              "trace", "-f", trap, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443"
            },
            new String[] {"migrate", "-f", migration},
            new String[] {"migrate", "-f", migration, "-o", "json"},
            new String[] {"--help"});
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    for (String[] run : runs) {
      // The exit code does not matter: the classes a run loads are what is recorded.
      Main.run(run, nowhere, nowhere);
    }
  }
}
