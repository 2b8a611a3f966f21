package dev.nodeipam.cli;

import dev.nodeipam.snapshot.BadInputException;
import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine;

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
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 success, 2 bad input or usage, 3 findings at or above --fail-on (audit)."
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
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof BadInputException) {
            err.println("nodeipam: " + e.getMessage());
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
