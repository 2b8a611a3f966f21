package dev.nodeipam.cli;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nodeipam completion bash|zsh}: a shell completion script, as kubectl's. */
@Command(
    name = "completion",
    aliases = "generate-completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a completion script for bash or zsh. It completes commands, flags and the values"
          + " of -o, --fail-on and the like, for nodeipam on the PATH and for bin/nodeipam.",
      "",
      "  source <(nodeipam completion bash)      # in ~/.bashrc",
      "  source <(nodeipam completion zsh)       # in ~/.zshrc"
    })
public final class CompletionCommand implements Callable<Integer> {
  /** The shells the script is for. */
  static final class Shells implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return List.of("bash", "zsh").iterator();
    }
  }

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "SHELL",
      defaultValue = "bash",
      completionCandidates = Shells.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  String shell;

  @Override
  public Integer call() {
    if (!shell.equals("bash") && !shell.equals("zsh")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "SHELL '" + shell + "' is not supported (choose bash or zsh)");
    }
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash("nodeipam", root);
    StringBuilder out = new StringBuilder(script);
    // picocli's script registers the bare name; a clone is run as bin/nodeipam or ./bin/nodeipam,
    // which zsh's bash emulation looks up by the word as typed.
    out.append("\ncomplete -F _complete_nodeipam -o default bin/nodeipam ./bin/nodeipam\n");
    spec.commandLine().getOut().print(out);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
