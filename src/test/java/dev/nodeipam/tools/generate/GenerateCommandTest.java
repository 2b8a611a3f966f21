package dev.nodeipam.tools.generate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code nodeipam generate} sizes a cluster; the command line itself is in {@code MainTest}. */
class GenerateCommandTest {
  @Test
  void generateSizesByObjectCount() {
    GenerateCommand command = new GenerateCommand();
    command.objects = 100_000;
    command.seed = 1;
    var shape = command.shape();
    assertThat(shape.approximateObjects()).isBetween(85_000L, 115_000L);
    assertThat(shape.services()).isEqualTo(2 * shape.nodes());
  }
}
