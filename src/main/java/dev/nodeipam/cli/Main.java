package dev.nodeipam.cli;

import dev.nodeipam.render.TextWrap;
import dev.nodeipam.snapshot.BadInputException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
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
      DiffCommand.class
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

  /** The help's last line when the tools jar is not on the class path. */
  static final String TOOLS_NOTE =
      "demo and generate come with target/nodeipam-tools.jar; bin/nodeipam runs them from there.";

  /** The tools jar's subcommands by name; none when only the product jar is on the class path. */
  private static Map<String, Object> toolCommands() {
    Map<String, Object> byName = new LinkedHashMap<>();
    for (ToolCommands provider : ServiceLoader.load(ToolCommands.class)) {
      for (Object command : provider.commands()) {
        byName.put(new CommandLine(command).getCommandName(), command);
      }
    }
    return byName;
  }

  private static void addTool(CommandLine cli, Map<String, Object> tools, String name) {
    Object command = tools.get(name);
    if (command != null) {
      cli.addSubcommand(command);
    }
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
    Map<String, Object> tools = toolCommands();
    addTool(cli, tools, "generate");
    cli.addSubcommand(new ControllerCommand());
    cli.addSubcommand(new GuardCommand());
    addTool(cli, tools, "demo");
    cli.addSubcommand(new CompletionCommand());
    cli.addSubcommand(new VersionCommand());
    cli.addSubcommand(new CommandLine.HelpCommand());
    if (tools.isEmpty()) {
      List<String> footer = new ArrayList<>(List.of(cli.getCommandSpec().usageMessage().footer()));
      footer.add(TOOLS_NOTE);
      cli.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    }
    // The width of every text output; picocli would use 80.
    cli.setUsageHelpWidth(TextWrap.WIDTH);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e.getCause() instanceof OutOfMemoryError) {
            return outOfMemory(err);
          }
          if (e instanceof BadInputException) {
            // One line per problem: a load may report every problem of the input at once.
            e.getMessage().lines().forEach(line -> err.println("nodeipam: " + line));
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
          if (tools.isEmpty() && args.length > 0 && List.of("demo", "generate").contains(args[0])) {
            err.println(
                "nodeipam: "
                    + args[0]
                    + " is in target/nodeipam-tools.jar, not in this jar (bin/nodeipam picks it)");
            return EXIT_BAD_INPUT;
          }
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
