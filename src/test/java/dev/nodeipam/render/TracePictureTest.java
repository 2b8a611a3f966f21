package dev.nodeipam.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.cli.CliRun;
import org.junit.jupiter.api.Test;

/** The trace page draws its hop red and says TRAPPED only where the flow is an identity trap. */
class TracePictureTest {
  private static final String CLUSTER = "examples/istio-trap/cluster";

  @Test
  void aTrappedFlowsHopIsRedAndSaysTrapped() {
    CliRun run = CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to",
        "24.85.233.58:443", "-o", "html");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("TRAPPED").contains("class=\"trap\"");
  }

  @Test
  void aFlowThatIsNoTrapIsDrawnPlain() {
    CliRun run = CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to",
        "kube-system/kube-dns:53/udp", "-o", "html");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("no identity trap").doesNotContain("TRAPPED")
        .doesNotContain("class=\"trap\"").doesNotContain("class=\"trap-label\"");
  }
}
