package dev.nodeipam.tools;

import dev.nodeipam.cli.ToolCommands;
import dev.nodeipam.tools.demo.DemoCommand;
import dev.nodeipam.tools.generate.GenerateCommand;
import java.util.List;

/** The tools jar's subcommands, registered with {@code nodeipam} through the service loader. */
public final class ToolCommandsProvider implements ToolCommands {
  @Override
  public List<Object> commands() {
    return List.of(new GenerateCommand(), new DemoCommand());
  }
}
