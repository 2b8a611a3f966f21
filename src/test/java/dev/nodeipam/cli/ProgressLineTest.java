package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The progress line: one line rewritten in place, and nothing at all when not at a terminal. */
class ProgressLineTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void atATerminalTheLineIsRewrittenInPlaceThenReplacedByTheSummary() {
    AtomicInteger done = new AtomicInteger();
    ProgressLine line = new ProgressLine(err, () -> "auditing: " + done.incrementAndGet(), true, 0);
    await().atMost(Duration.ofSeconds(10)).until(() -> written().contains("auditing: 2"));
    line.finish("audited in a while");
    String out = written();
    assertThat(out).startsWith("\rauditing: 1 (").contains("\u001b[K\rauditing: 2 (")
        .endsWith("\r\u001b[Kaudited in a while" + System.lineSeparator());
    assertThat(out.chars().filter(c -> c == '\n').count())
        .as("one line, rewritten with carriage returns").isEqualTo(1);
  }

  @Test
  void workShorterThanTheDelayPrintsNothing() {
    ProgressLine line = new ProgressLine(err, () -> "loading", true, 60_000);
    line.finish("read everything");
    assertThat(written()).isEmpty();
  }

  @Test
  void whenStderrIsNoTerminalNothingIsPrintedEvenForLongWork() throws Exception {
    ProgressLine line = new ProgressLine(err, () -> "loading", false, 0);
    Thread.sleep(300); // would have ticked at least once if it were enabled
    line.finish("read everything");
    line.close();
    assertThat(line.enabled()).isFalse();
    assertThat(written()).isEmpty();
  }

  @Test
  void underTestsStderrIsNoTerminal() {
    // Surefire pipes the forked JVM's stderr: /proc/self/fd/2 is a pipe, not /dev/pts/N.
    Assumptions.assumeTrue(System.getenv("NODEIPAM_PROGRESS") == null);
    assertThat(ProgressLine.stderrIsTerminal()).isFalse();
  }
}
