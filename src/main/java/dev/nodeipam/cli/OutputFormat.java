package dev.nodeipam.cli;

import picocli.CommandLine;

/** The {@code -o} formats; each command accepts the ones it can write. */
public enum OutputFormat {
  text,
  json,
  yaml,
  markdown,
  sarif;

  /** Rejects a format the command does not write, as a usage error. */
  public void require(CommandLine.Model.CommandSpec spec, OutputFormat... allowed) {
    for (OutputFormat f : allowed) {
      if (f == this) {
        return;
      }
    }
    StringBuilder names = new StringBuilder();
    for (OutputFormat f : allowed) {
      names.append(names.length() == 0 ? "" : ", ").append(f.name());
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(), "-o " + name() + " is not available here (choose " + names + ")");
  }
}
