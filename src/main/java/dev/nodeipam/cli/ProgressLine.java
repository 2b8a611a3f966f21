package dev.nodeipam.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One line on stderr, rewritten in place, for work that takes more than about two seconds: only a
 * person at a terminal wants it, so nothing is printed when stderr is not a terminal (a pipe, a
 * file, CI's log), whatever stdout is.
 *
 * <p>Java 17 can only ask whether stdin and stdout are terminals ({@link System#console()}), not
 * stderr. On Linux stderr is a terminal when {@code /proc/self/fd/2} links to a terminal device
 * ({@code /dev/pts/N}, {@code /dev/ttyN}); elsewhere {@code System.console()} is the best guess.
 * {@code NODEIPAM_PROGRESS=always|never} overrides the guess; {@code TERM=dumb} turns it off.
 */
final class ProgressLine implements AutoCloseable {
  private static final long DELAY_MILLIS = 2000;
  private static final long PERIOD_MILLIS = 250;

  private final PrintStream err;
  private final Supplier<String> status;
  private final long start = System.nanoTime();
  private final long delayMillis;
  private final ScheduledExecutorService timer;
  private boolean shown;

  /** A progress line on {@code err}, shown from {@code delayMillis} on when enabled. */
  ProgressLine(PrintStream err, Supplier<String> status, boolean enabled, long delayMillis) {
    this.err = err;
    this.status = status;
    this.delayMillis = delayMillis;
    if (enabled) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodeipam-progress");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleAtFixedRate(this::show, delayMillis, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** Starts a progress line showing {@code status} (called from the timer thread). */
  static ProgressLine start(Supplier<String> status) {
    return new ProgressLine(System.err, status, stderrIsTerminal(), DELAY_MILLIS);
  }

  /** Seconds since the start, for the status text and the closing line. */
  double seconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Whether the line is shown at all: a closing summary is printed only then. */
  boolean enabled() {
    return timer != null;
  }

  private synchronized void show() {
    String text;
    try {
      text = status.get();
    } catch (RuntimeException e) {
      return; // the counters are read while another thread changes them: skip this tick
    }
    err.print("\r" + text + String.format(" (%.0f s)", seconds()) + "\u001b[K");
    err.flush();
    shown = true;
  }

  /**
   * Ends the line: replaced by {@code summary} when the work took long enough to show it (and
   * summary is not null), else erased.
   */
  synchronized void finish(String summary) {
    if (timer == null) {
      return;
    }
    timer.shutdownNow();
    if (shown || (summary != null && seconds() * 1000 > delayMillis)) {
      err.print("\r\u001b[K");
      if (summary != null) {
        err.println(summary);
      }
      err.flush();
    }
    shown = false;
  }

  @Override
  public void close() {
    finish(null);
  }

  /** Whether stderr is a terminal (see the class comment for how that is told). */
  static boolean stderrIsTerminal() {
    String forced = System.getenv("NODEIPAM_PROGRESS");
    if ("always".equals(forced)) {
      return true;
    }
    if ("never".equals(forced) || "dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.isSymbolicLink(fd)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty")
            || target.equals("/dev/console");
      } catch (IOException | SecurityException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
