package dev.nodeipam.controller;

import dev.nodeipam.ipam.Exclusion;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.reconcile.Change;
import dev.nodeipam.reconcile.Notice;
import dev.nodeipam.reconcile.Observed;
import dev.nodeipam.reconcile.Outcome;
import dev.nodeipam.reconcile.ReconcileAction;
import dev.nodeipam.reconcile.Role;
import dev.nodeipam.reconcile.ServiceReconcile;
import dev.nodeipam.reconcile.StatusWrite;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles one Service: reads its records, asks {@link ServiceReconcile} what to do, and does it
 * (Events, the status write, the logs, the metrics). Every decision is in {@link ServiceReconcile};
 * this class only carries it out and maps the API server's answers.
 */
final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");
  private static final int LOGGED_EXCLUSIONS = 20;
  private static final int LOGGED_ADDRESSES = 32;

  private final ServiceReconcile decision;
  private final ControllerSettings settings;
  private final RecordCache cache;
  private final StatusWriter writer;
  private final EventRecorder events;
  private final ControllerMetrics metrics;
  private final BooleanSupplier leading;
  private final Consumer<PublishedChange> listener;
  private final ReportedCache reported = new ReportedCache();
  private final AtomicBoolean serverDropsIpMode = new AtomicBoolean();

  Reconciler(
      ControllerSettings settings,
      RecordCache cache,
      StatusWriter writer,
      EventRecorder events,
      ControllerMetrics metrics,
      BooleanSupplier leading,
      Consumer<PublishedChange> listener) {
    this.decision = new ServiceReconcile(settings.options(), settings.clearReleasedStatus());
    this.settings = settings;
    this.cache = cache;
    this.writer = writer;
    this.events = events;
    this.metrics = metrics;
    this.leading = leading;
    this.listener = listener;
  }

  Outcome reconcile(String key) {
    Outcome result;
    try {
      result = attempt(key);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // R5: the Service went away between the read and the write.
        result = Outcome.GONE;
      } else if (e.getCode() == 422 || e.getCode() == 400) {
        // The server refuses this status (validation, an admission webhook): trying again at once
        // would be refused again, so say why once and retry with the per-Service backoff.
        result = reportRejected(key, e);
      } else {
        LOG.warn(
            "status write failed service={} code={} error=\"{}\" (will retry)",
            key,
            e.getCode(),
            e.getMessage());
        result = Outcome.ERROR;
      }
    }
    metrics.reconciled(result.label());
    return result;
  }

  private Role role() {
    if (settings.dryRun()) {
      return Role.DRY_RUN;
    }
    return leading.getAsBoolean() ? Role.WRITER : Role.STANDBY;
  }

  private Outcome attempt(String key) {
    ReportedCache.Key id = ReportedCache.Key.of(key);
    Service service = cache.service(key);
    Observed observed =
        Observed.builder()
            .key(key)
            .service(service)
            .pool(cache.pool())
            .slices(cache.slicesOf(key))
            .released(cache.isReleased(key))
            .reported(reported.get(id))
            .role(role())
            .omitIpMode(serverDropsIpMode.get())
            .build();
    ReconcileAction action = decision.decide(observed);
    reported.put(id, action.reported());
    if (!action.released()) {
      cache.clearReleased(key);
    }
    if (action.outcome().unpublishes()) {
      metrics.unpublished(id.namespace(), id.name());
    } else if (action.published() != null) {
      metrics.published(id.namespace(), id.name(), action.published().size());
    }
    if (action.newProblem() != null) {
      LOG.warn("invalid service={} error=\"{}\" (status left unchanged)", key, action.newProblem());
    }
    action.events().forEach(n -> emit(service, n));
    if (action.dryRunChange() != null) {
      announce("would publish", action.dryRunChange(), true);
    }
    if (action.write() != null) {
      write(service, action);
    }
    return action.outcome();
  }

  private void write(Service service, ReconcileAction action) {
    StatusWrite write = action.write();
    io.fabric8.kubernetes.api.model.Service written;
    try {
      written =
          writer.write(service.namespace(), service.name(), write.ingress(), write.conditions());
    } catch (KubernetesClientException e) {
      if (action.outcome() == Outcome.CLEARED) {
        cache.markReleased(service.key());
      }
      throw e;
    }
    store(written);
    if (!write.writesIngress()) {
      metrics.conditionWritten();
      return;
    }
    metrics.written();
    if (action.outcome() == Outcome.CLEARED) {
      LOG.info(
          "cleared service={} old={} reason=\"no longer owned by {}\"",
          service.key(),
          write.change().before(),
          settings.options().loadBalancerClass());
      listener.accept(published(write.change(), false));
      return;
    }
    ReportedCache.Key id = ReportedCache.Key.of(service.key());
    reported.put(id, reported.get(id).withRejected(null));
    if (write.setsIpMode() && written != null) {
      noticeDroppedIpMode(written, write);
    }
    logChange("published", write.change());
    if (write.event() != null) {
      emit(service, write.event());
    }
    listener.accept(published(write.change(), false));
  }

  private void noticeDroppedIpMode(
      io.fabric8.kubernetes.api.model.Service written, StatusWrite write) {
    List<Service.LoadBalancerIngress> stored =
        KubeConverters.service(written, NodeIpamController.SOURCE).ingress();
    if (ServiceReconcile.dropsIpMode(write.ingress(), stored)
        && serverDropsIpMode.compareAndSet(false, true)) {
      LOG.warn(
          "the API server dropped status.loadBalancer.ingress[].ipMode (it needs Kubernetes 1.29+"
              + " with the LoadBalancerIPMode feature); publishing addresses without it");
    }
  }

  private Outcome reportRejected(String key, KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    ReportedCache.Key id = ReportedCache.Key.of(key);
    Service service = cache.service(key);
    ReconcileAction action = ServiceReconcile.rejected(service, reported.get(id), message, role());
    reported.put(id, action.reported());
    if (action.newProblem() != null) {
      LOG.warn(
          "status write rejected service={} code={} error=\"{}\" (retrying with backoff)",
          key,
          e.getCode(),
          message);
    }
    action.events().forEach(n -> emit(service, n));
    return action.outcome();
  }

  private void emit(Service service, Notice notice) {
    if (notice.warning()) {
      events.warning(service, notice.reason(), notice.message());
    } else {
      events.normal(service, notice.reason(), notice.message());
    }
  }

  private void store(io.fabric8.kubernetes.api.model.Service written) {
    if (written != null && written.getMetadata() != null) {
      cache.putService(
          KubeConverters.service(written, NodeIpamController.SOURCE),
          RecordCache.resourceVersion(written.getMetadata().getResourceVersion()));
    }
  }

  private void announce(String verb, Change change, boolean dryRun) {
    logChange(verb, change);
    listener.accept(published(change, dryRun));
  }

  private static PublishedChange published(Change change, boolean dryRun) {
    return new PublishedChange(
        change.namespace(),
        change.name(),
        change.before(),
        change.after(),
        change.excluded(),
        dryRun);
  }

  private static void logChange(String verb, Change change) {
    List<Exclusion> excluded = change.excluded();
    List<String> before = change.before();
    List<String> after = change.after();
    String key = change.namespace() + "/" + change.name();
    String exclusions =
        excluded.stream()
            .limit(LOGGED_EXCLUSIONS)
            .map(e -> e.node() + ":" + e.reason().text())
            .collect(Collectors.joining(",", "[", "]"));
    if (excluded.size() > LOGGED_EXCLUSIONS) {
      exclusions += "+" + (excluded.size() - LOGGED_EXCLUSIONS);
    }
    if (before.size() + after.size() <= LOGGED_ADDRESSES) {
      LOG.info("{} service={} old={} new={} excluded={}", verb, key, before, after, exclusions);
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
        key,
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
