package dev.nodeipam.tools.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.nodeipam.snapshot.BadInputException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code nodeipam demo}: the controller at work, without a cluster. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Shows the controller at work on an in-process API server (no cluster).",
    description = {
      "Starts an in-process Kubernetes API server seeded with examples/seed, runs",
      "the real controller against it, then lets nodes join, get excluded and leave,",
      "and changes a Service's node selector, printing every address change the",
      "controller publishes. No cluster needed; about five seconds."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seed",
      paramLabel = "DIR",
      description = "The cluster to start from (default: examples/seed of this checkout).")
  Path seed;

  @Option(
      names = "--step-delay",
      paramLabel = "MILLIS",
      defaultValue = "600",
      description = "Pause between the script's steps (default: ${DEFAULT-VALUE}).")
  long stepDelayMillis;

  @Option(
      names = {"-v", "--verbose"},
      description = "Also show the controller's log lines (stderr).")
  boolean verbose;

  @Override
  public Integer call() throws InterruptedException {
    if (!verbose) {
      // Logback's logger behind slf4j's: the controller's info lines would drown the demo's.
      if (LoggerFactory.getLogger("dev.nodeipam") instanceof Logger logback) {
        logback.setLevel(Level.WARN);
      }
    }
    if (stepDelayMillis < 0) {
      throw new ParameterException(spec.commandLine(), "--step-delay must not be negative");
    }
    Path dir = seed != null ? seed : defaultSeed();
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": no such directory");
    }
    return new DemoRun(dir, stepDelayMillis, spec.commandLine().getOut()).run();
  }

  /** examples/seed below the working directory, else next to the checkout the jar was built in. */
  private static Path defaultSeed() {
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of("examples", "seed"));
    try {
      Path jar =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = jar.getParent() == null ? null : jar.getParent().getParent();
      if (root != null) {
        candidates.add(root.resolve("examples").resolve("seed"));
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // only the working directory then
    }
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new BadInputException(
        "examples/seed: not found in the working directory or next to the jar; use --seed DIR");
  }
}
