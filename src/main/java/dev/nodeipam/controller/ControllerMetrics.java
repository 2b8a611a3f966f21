package dev.nodeipam.controller;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** The controller's Prometheus metrics (E5), in a registry of its own. */
public final class ControllerMetrics {
  private final PrometheusRegistry registry;
  private final Counter statusWrites;
  private final Counter conditionWrites;
  private final Counter reconciles;
  private final Counter eventsEmitted;
  private final Gauge published;
  private final Gauge leader;
  private final Gauge queueDepth;

  public ControllerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    statusWrites =
        Counter.builder()
            .name("nodeipam_status_writes_total")
            .help("Writes of status.loadBalancer.ingress that the API server accepted")
            .register(registry);
    conditionWrites =
        Counter.builder()
            .name("nodeipam_condition_writes_total")
            .help(
                "Status writes of the nodeipam.dev/AddressesPublished condition alone (the"
                    + " addresses unchanged)")
            .register(registry);
    reconciles =
        Counter.builder()
            .name("nodeipam_reconcile_total")
            .help("Reconciles of a Service, by result")
            .labelNames("result")
            .register(registry);
    eventsEmitted =
        Counter.builder()
            .name("nodeipam_events_total")
            .help("Kubernetes Events emitted, by reason")
            .labelNames("reason")
            .register(registry);
    published =
        Gauge.builder()
            .name("nodeipam_published_addresses")
            .help("Addresses in status.loadBalancer.ingress of each owned Service")
            .labelNames("namespace", "service")
            .register(registry);
    leader =
        Gauge.builder()
            .name("nodeipam_leader")
            .help("1 while this replica holds the lease (or runs without leader election)")
            .register(registry);
    queueDepth =
        Gauge.builder()
            .name("nodeipam_queue_depth")
            .help("Services waiting to be reconciled")
            .register(registry);
  }

  /** The node counts by state ("eligible" or an exclusion reason), read at scrape time. */
  void nodeStates(Supplier<Map<String, Integer>> states) {
    GaugeWithCallback.builder()
        .name("nodeipam_nodes")
        .help("Nodes by state: eligible, or the reason they are excluded for every Service")
        .labelNames("state")
        .callback(cb -> states.get().forEach((state, n) -> cb.call(n, state)))
        .register(registry);
  }

  void written() {
    statusWrites.inc();
  }

  void conditionWritten() {
    conditionWrites.inc();
  }

  void reconciled(String result) {
    reconciles.labelValues(result).inc();
  }

  void event(String reason) {
    eventsEmitted.labelValues(reason).inc();
  }

  void published(String namespace, String name, int addresses) {
    published.labelValues(namespace, name).set(addresses);
  }

  void unpublished(String namespace, String name) {
    published.remove(namespace, name);
  }

  void leader(boolean value) {
    leader.set(value ? 1 : 0);
  }

  void queueDepth(int depth) {
    queueDepth.set(depth);
  }

  public long statusWrites() {
    return (long) statusWrites.get();
  }

  public long conditionWrites() {
    return (long) conditionWrites.get();
  }

  public long reconciles(String result) {
    return (long) reconciles.labelValues(result).get();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every metric in the registry. */
  public void write(OutputStream out) throws IOException {
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
  }

  public String text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
