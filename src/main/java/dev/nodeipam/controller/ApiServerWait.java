package dev.nodeipam.controller;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a first call against the API server until the server answers: a controller started before
 * its API server is reachable (a control plane still booting, a network not yet up) waits, with one
 * short line per attempt, instead of failing or going on without its start-up checks.
 */
public final class ApiServerWait {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");

  private ApiServerWait() {}

  /** Whether the failure means no answer from the server (as opposed to an answer that says no). */
  public static boolean notAnswered(KubernetesClientException e) {
    // No HTTP status (connection refused, reset, timed out): fabric8 leaves the code 0 or -1.
    return e.getCode() < 100 || e.getCode() >= 500;
  }

  /**
   * The call's result once the server answers; until then one line per failed attempt, every {@code
   * period}. An HTTP answer that is not a 5xx counts as an answer and is the call's to handle.
   */
  public static <T> T untilAnswered(String server, Duration period, Supplier<T> call)
      throws InterruptedException {
    int attempt = 0;
    while (true) {
      try {
        T result = call.get();
        if (attempt > 0) {
          LOG.info("API server {} answered after {} attempts", server, attempt + 1);
        }
        return result;
      } catch (KubernetesClientException e) {
        if (!notAnswered(e)) {
          throw e;
        }
        attempt++;
        LOG.warn(
            "API server {} not answering ({}); attempt {}, retrying in {} s",
            server,
            reason(e),
            attempt,
            Math.max(1, period.toSeconds()));
        Thread.sleep(period.toMillis());
      }
    }
  }

  /** The innermost cause's message: "Connection refused", not a page of wrapped exceptions. */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof KubernetesClientException k && k.getCode() >= 100) {
      return "HTTP " + k.getCode();
    }
    String message = root.getMessage();
    String text =
        message == null || message.isBlank() ? root.getClass().getSimpleName() : message.trim();
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
