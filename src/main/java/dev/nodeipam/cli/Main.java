package dev.nodeipam.cli;

import dev.nodeipam.render.TextWrap;
import dev.nodeipam.snapshot.BadInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nodeipam} command line. */
@Command(
    name = "nodeipam",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    sortOptions = false,
    description = {
      "Gets Kubernetes clusters off Service.spec.externalIPs without breaking anything:",
      "a Node IPAM LoadBalancer controller, a migration planner, and a Cilium policy-identity"
          + " analyser.",
      "",
      "Every read-only command reads manifests (-f FILE|DIR, repeatable) or, without -f, the live"
          + " cluster."
    },
    subcommands = {
      PlanCommand.class,
      MigrateCommand.class,
      TraceCommand.class,
      AuditCommand.class,
      DiffCommand.class,
      GenerateCommand.class,
      ControllerCommand.class,
      DemoCommand.class,
      CompletionCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 2 bad input or usage, 3 findings at or above --fail-on (audit, diff)."
    })
public final class Main implements Runnable {
  /** Bad input or usage. */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; what tests call instead of {@link #main}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // Caught here, once the work's objects are unreachable, so there is room to say so.
      code = outOfMemory(err);
    }
    out.flush();
    err.flush();
    return code;
  }

  /** The one line for an exhausted heap: what ran out, and the knob that raises it. */
  static int outOfMemory(PrintWriter err) {
    long max = Runtime.getRuntime().maxMemory() / (1024 * 1024);
    err.println(
        "nodeipam: out of memory: the Java heap (at most "
            + max
            + " MB) is too small for this input; raise it, e.g. JAVA_OPTS=-Xmx"
            + Math.max(2, 2 * (max + 1023) / 1024)
            + "g bin/nodeipam ...");
    return 1;
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // The width of every text output; picocli would use 80.
    cli.setUsageHelpWidth(TextWrap.WIDTH);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e.getCause() instanceof OutOfMemoryError) {
            return outOfMemory(err);
          }
          if (e instanceof BadInputException) {
            err.println("nodeipam: " + e.getMessage());
            if (System.getenv("NODEIPAM_DEBUG") != null && e.getCause() != null) {
              e.getCause().printStackTrace(err);
            }
            return EXIT_BAD_INPUT;
          }
          err.println("nodeipam: internal error: " + e);
          if (System.getenv("NODEIPAM_DEBUG") != null) {
            e.printStackTrace(err);
          }
          return 1;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine commandLine = e.getCommandLine();
          PrintWriter err = commandLine.getErr();
          // One line, as for bad input: the problem, then where the help is.
          err.println(
              "nodeipam: "
                  + e.getMessage()
                  + " (see '"
                  + commandLine.getCommandSpec().qualifiedName()
                  + " --help')");
          return EXIT_BAD_INPUT;
        });
    return cli;
  }
}
