package dev.nodeipam.controller;

import dev.nodeipam.ipam.Exclusion;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one Service: the pure decision on the cached records, compared with the status the
 * Service shows, and a status write only when they differ (E2).
 */
final class Reconciler {
  /** How a reconcile ended; the label of {@code nodeipam_reconcile_total}. */
  enum Result {
    WRITTEN("written", false),
    UNCHANGED("unchanged", false),
    DRY_RUN("dry_run", false),
    NOT_HANDLED("not_handled", false),
    CLEARED("cleared", false),
    GONE("gone", false),
    INVALID("invalid", true),
    REJECTED("rejected", true),
    ERROR("error", true);

    final String label;
    final boolean retry;

    Result(String label, boolean retry) {
      this.label = label;
      this.retry = retry;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");
  private static final int LOGGED_EXCLUSIONS = 20;
  private static final int LOGGED_ADDRESSES = 32;

  private final NodeIpam ipam;
  private final ControllerSettings settings;
  private final RecordCache cache;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final ControllerMetrics metrics;
  private final BooleanSupplier leading;
  private final Consumer<PublishedChange> listener;
  private final Map<String, String> reportedErrors = new ConcurrentHashMap<>();
  private final Map<String, List<LoadBalancerIngress>> dryRunPublished = new ConcurrentHashMap<>();
  private final Map<String, String> unavailable = new ConcurrentHashMap<>();
  private final Map<String, String> rejected = new ConcurrentHashMap<>();
  private final AtomicBoolean serverDropsIpMode = new AtomicBoolean();

  Reconciler(
      ControllerSettings settings,
      RecordCache cache,
      StatusWriter writer,
      EventRecorder events,
      ControllerMetrics metrics,
      BooleanSupplier leading,
      Consumer<PublishedChange> listener) {
    this.ipam = new NodeIpam(settings.options());
    this.settings = settings;
    this.cache = cache;
    this.writer = writer;
    this.events = events;
    this.metrics = metrics;
    this.leading = leading;
    this.listener = listener;
  }

  Result reconcile(String key) {
    Result result;
    try {
      result = attempt(key);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // R5: the Service went away between the read and the write.
        result = Result.GONE;
      } else if (e.getCode() == 422 || e.getCode() == 400) {
        // The server refuses this status (validation, an admission webhook): trying again at once
        // would be refused again, so say why once and retry with the per-Service backoff.
        reportRejected(key, e);
        result = Result.REJECTED;
      } else {
        LOG.warn(
            "status write failed service={} code={} error=\"{}\" (will retry)",
            key,
            e.getCode(),
            e.getMessage());
        result = Result.ERROR;
      }
    }
    metrics.reconciled(result.label);
    return result;
  }

  private Result attempt(String key) {
    Service service = cache.service(key);
    if (service == null) {
      forget(key);
      return Result.GONE;
    }
    IngressDecision decision = ipam.decide(service, cache.pool(), cache.slicesOf(key));
    if (!decision.handled()) {
      metrics.unpublished(service.namespace(), service.name());
      reportedErrors.remove(key);
      if (settings.clearReleasedStatus() && cache.isReleased(key)) {
        return clear(service);
      }
      return Result.NOT_HANDLED;
    }
    cache.clearReleased(key);
    if (decision.isError()) {
      reportInvalid(service, decision.error());
      return Result.INVALID;
    }
    reportedErrors.remove(key);
    String ipMode = serverDropsIpMode.get() ? null : decision.ipMode();
    List<LoadBalancerIngress> desired = new ArrayList<>(decision.ingress().size());
    for (String ip : decision.ingress()) {
      desired.add(new LoadBalancerIngress(ip, null, ipMode));
    }
    metrics.published(service.namespace(), service.name(), desired.size());
    reportUnavailable(service, desired.isEmpty() ? String.join("; ", decision.warnings()) : null);
    if (desired.equals(service.ingress())) {
      dryRunPublished.remove(key);
      return Result.UNCHANGED;
    }
    List<String> before = service.ingressAddresses();
    if (settings.dryRun()) {
      if (!desired.equals(dryRunPublished.put(key, desired))) {
        logChange("would publish", service, before, decision.ingress(), decision.excluded());
        listener.accept(
            new PublishedChange(
                service.namespace(),
                service.name(),
                before,
                decision.ingress(),
                decision.excluded(),
                true));
      }
      return Result.DRY_RUN;
    }
    if (!leading.getAsBoolean()) {
      // Leadership was lost while this Service waited: the new leader writes it.
      return Result.UNCHANGED;
    }
    io.fabric8.kubernetes.api.model.Service written =
        writer.write(service.namespace(), service.name(), desired);
    store(written);
    rejected.remove(key);
    metrics.written();
    if (ipMode != null) {
      noticeDroppedIpMode(written, desired);
    }
    logChange("published", service, before, decision.ingress(), decision.excluded());
    events.normal(
        service,
        EventRecorder.UPDATED,
        "Node IPAM published " + decision.ingress() + " (was " + before + ")");
    listener.accept(
        new PublishedChange(
            service.namespace(),
            service.name(),
            before,
            decision.ingress(),
            decision.excluded(),
            false));
    return Result.WRITTEN;
  }

  /**
   * API servers before Kubernetes 1.29 (and later ones with the LoadBalancerIPMode gate off) drop
   * {@code ipMode} from what they store. Comparing with it would find every Service changed and
   * write it again forever; so once the server is seen dropping it, it is no longer written.
   */
  private void noticeDroppedIpMode(
      io.fabric8.kubernetes.api.model.Service written, List<LoadBalancerIngress> desired) {
    if (written == null) {
      return;
    }
    List<LoadBalancerIngress> stored =
        KubeConverters.service(written, NodeIpamController.SOURCE).ingress();
    List<LoadBalancerIngress> withoutMode =
        desired.stream().map(e -> new LoadBalancerIngress(e.ip(), e.hostname(), null)).toList();
    if (!stored.equals(desired)
        && stored.equals(withoutMode)
        && serverDropsIpMode.compareAndSet(false, true)) {
      LOG.warn(
          "the API server dropped status.loadBalancer.ingress[].ipMode (it needs Kubernetes 1.29+"
              + " with the LoadBalancerIPMode feature); publishing addresses without it");
    }
  }

  private void reportRejected(String key, KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    Service service = cache.service(key);
    if (Objects.equals(rejected.put(key, message), message)) {
      return;
    }
    LOG.warn(
        "status write rejected service={} code={} error=\"{}\" (retrying with backoff)",
        key,
        e.getCode(),
        message);
    if (service != null && !settings.dryRun() && leading.getAsBoolean()) {
      events.warning(
          service, EventRecorder.REJECTED, "The API server rejected the status: " + message);
    }
  }

  /** E11: the Service is no longer ours; remove the ingress we published for it. */
  private Result clear(Service service) {
    cache.clearReleased(service.key());
    if (service.ingress().isEmpty() || settings.dryRun() || !leading.getAsBoolean()) {
      return Result.NOT_HANDLED;
    }
    List<String> before = service.ingressAddresses();
    try {
      store(writer.write(service.namespace(), service.name(), null));
    } catch (KubernetesClientException e) {
      cache.markReleased(service.key());
      throw e;
    }
    metrics.written();
    LOG.info(
        "cleared service={} old={} reason=\"no longer owned by {}\"",
        service.key(),
        before,
        settings.options().loadBalancerClass());
    listener.accept(
        new PublishedChange(service.namespace(), service.name(), before, null, List.of(), false));
    return Result.CLEARED;
  }

  private void store(io.fabric8.kubernetes.api.model.Service written) {
    if (written != null && written.getMetadata() != null) {
      cache.putService(
          KubeConverters.service(written, NodeIpamController.SOURCE),
          RecordCache.resourceVersion(written.getMetadata().getResourceVersion()));
    }
  }

  /**
   * E4: one Warning when a Service gets nothing to publish, whether or not that is a change of its
   * status (a new Service that selects no node never has its status written); again only when the
   * reason changes.
   */
  private void reportUnavailable(Service service, String reason) {
    if (reason == null) {
      unavailable.remove(service.key());
      return;
    }
    if (settings.dryRun()
        || !leading.getAsBoolean()
        || Objects.equals(unavailable.put(service.key(), reason), reason)) {
      return;
    }
    events.warning(service, EventRecorder.UNAVAILABLE, "No address to publish: " + reason);
  }

  private void reportInvalid(Service service, String error) {
    if (Objects.equals(reportedErrors.put(service.key(), error), error)) {
      return;
    }
    LOG.warn("invalid service={} error=\"{}\" (status left unchanged)", service.key(), error);
    boolean selector = error.contains(ServiceAnnotations.MATCH_NODE_LABELS);
    if (!settings.dryRun() && leading.getAsBoolean()) {
      events.warning(
          service,
          selector ? EventRecorder.INVALID_SELECTOR : EventRecorder.INVALID_ANNOTATION,
          error);
    }
  }

  void forget(String key) {
    reportedErrors.remove(key);
    rejected.remove(key);
    unavailable.remove(key);
    dryRunPublished.remove(key);
    int slash = key.indexOf('/');
    metrics.unpublished(key.substring(0, slash), key.substring(slash + 1));
  }

  private static void logChange(
      String verb,
      Service service,
      List<String> before,
      List<String> after,
      List<Exclusion> excluded) {
    String exclusions =
        excluded.stream()
            .limit(LOGGED_EXCLUSIONS)
            .map(e -> e.node() + ":" + e.reason().text())
            .collect(Collectors.joining(",", "[", "]"));
    if (excluded.size() > LOGGED_EXCLUSIONS) {
      exclusions += "+" + (excluded.size() - LOGGED_EXCLUSIONS);
    }
    if (before.size() + after.size() <= LOGGED_ADDRESSES) {
      LOG.info(
          "{} service={} old={} new={} excluded={}",
          verb,
          service.key(),
          before,
          after,
          exclusions);
      return;
    }
    // Hundreds of addresses per line help nobody: say what changed, and how many there are.
    Set<String> added = new TreeSet<>(after);
    before.forEach(added::remove);
    Set<String> removed = new TreeSet<>(before);
    after.forEach(removed::remove);
    LOG.info(
        "{} service={} old={} addresses new={} addresses added={} removed={} excluded={}",
        verb,
        service.key(),
        before.size(),
        after.size(),
        abbreviated(added),
        abbreviated(removed),
        exclusions);
  }

  private static String abbreviated(Set<String> addresses) {
    String shown =
        addresses.stream().limit(LOGGED_ADDRESSES).collect(Collectors.joining(", ", "[", "]"));
    return addresses.size() > LOGGED_ADDRESSES
        ? shown + "+" + (addresses.size() - LOGGED_ADDRESSES)
        : shown;
  }
}
