package dev.nodeipam.guard;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The guard's Prometheus metrics, in a registry of its own. */
public final class GuardMetrics {
  /** What became of a review. */
  public enum Outcome {
    allowed,
    warned,
    refused,
    error
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Histogram duration =
      Histogram.builder()
          .name("nodeipam_admission_duration_seconds")
          .help("Time to answer an AdmissionReview, by resource, operation and outcome")
          .labelNames("resource", "operation", "outcome")
          .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
          .register(registry);
  private final Counter warnings =
      Counter.builder()
          .name("nodeipam_admission_warnings_total")
          .help("Warning lines returned to API clients, by resource")
          .labelNames("resource")
          .register(registry);
  private final Counter denials =
      Counter.builder()
          .name("nodeipam_admission_denials_total")
          .help("Changes refused under --enforce, by resource")
          .labelNames("resource")
          .register(registry);
  private final Counter statusTraps =
      Counter.builder()
          .name("nodeipam_admission_status_traps_total")
          .help("Service status writes by another controller that newly trap flows")
          .register(registry);

  void observe(String resource, String operation, Outcome outcome, double seconds) {
    duration.labelValues(resource, operation, outcome.name()).observe(seconds);
  }

  void warned(String resource, int lines) {
    warnings.labelValues(resource).inc(lines);
  }

  void refused(String resource) {
    denials.labelValues(resource).inc();
  }

  void statusTrap() {
    statusTraps.inc();
  }

  /** The Prometheus text exposition. */
  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
