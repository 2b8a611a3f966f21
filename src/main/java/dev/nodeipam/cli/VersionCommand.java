package dev.nodeipam.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nodeipam version}: the same as {@code nodeipam --version} ({@code -V}). */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Prints the nodeipam version and the Java runtime it runs on.")
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    for (String line : new Version().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
