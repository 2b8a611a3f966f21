package dev.nodeipam.cli;

import picocli.CommandLine.Option;

/**
 * {@code --verbose} of the commands whose text lists the datapath settings (trace, audit): the
 * other commands print no settings, so they take no such flag.
 */
public final class VerboseFlag {
  @Option(
      names = "--verbose",
      description =
          "List every datapath setting in the text, the defaults assumed too (default: the"
              + " settings read or set, and one line for how many defaults were assumed).")
  boolean verbose;
}
