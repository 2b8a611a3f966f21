package dev.nodeipam.cli;

import java.util.List;
import java.util.ServiceLoader;

/**
 * The subcommands that ship in the tools jar ({@code target/nodeipam-tools.jar}), not in the
 * product jar: {@code demo} needs fabric8's mock API server, {@code generate} the synthetic-cluster
 * generator. {@link Main} finds them with {@link ServiceLoader}, so the product refers to
 * no tools class and runs without them.
 */
public interface ToolCommands {
  /** The picocli command objects, each annotated with its {@code @Command} name. */
  List<Object> commands();
}
