package dev.nodeipam.guard;

import dev.nodeipam.admission.Admission;
import dev.nodeipam.admission.TrappedGroup;
import dev.nodeipam.admission.Verdict;
import dev.nodeipam.diff.Baseline;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.render.GuardWarnings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AdmissionReview request to its response: the cluster from the cache before and with the
 * object, the decision of {@link Admission}, the warnings of {@link GuardWarnings}. Whatever
 * goes wrong allows the change: the guard is never in the way.
 */
final class ReviewHandler {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.guard");
  static final Set<String> POLICY_KINDS =
      Set.of("NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy");

  private final SnapshotValues cache;
  private final BooleanSupplier synced;
  private final StateDiff.Settings settings;
  private final boolean enforce;
  private final GuardMetrics metrics;
  private final BiConsumer<Service, String> statusEvent;
  /**
   * The before-state kept with its evaluations, for the cache generation it was made of: made
   * again on the first judged review after an informer event. Judged reviews take turns on it
   * (its evaluations keep lazy memos); a review whose object changes no judged field does not
   * wait.
   */
  private Baseline baseline;

  /**
   * @param cache the cluster as the informers hold it
   * @param synced whether the informers synced (before, every change is allowed)
   * @param statusEvent records a Warning Event on a Service whose status newly traps flows
   */
  ReviewHandler(SnapshotValues cache, BooleanSupplier synced, StateDiff.Settings settings,
      boolean enforce, GuardMetrics metrics, BiConsumer<Service, String> statusEvent) {
    this.cache = cache;
    this.synced = synced;
    this.settings = settings;
    this.enforce = enforce;
    this.metrics = metrics;
    this.statusEvent = statusEvent;
  }

  /**
   * Judges a copy of one cached Service with a documentation address (RFC 5737) added in
   * externalIPs, a few times, so that the first real review finds the snapshot built and the
   * code compiled: cold, the first review of the seed's change took over 5 s on a loaded machine,
   * past the webhook's timeout, and the API server went on without the warnings.
   */
  void warmUp() {
    for (int i = 0; i < 3; i++) {
      synchronized (this) {
        Baseline before = baseline();
        cache.withExternalIpOnAnyService(before.state().snapshot(), "192.0.2.1")
            .ifPresent(after -> Admission.trapped(before, after));
      }
    }
  }

  /** The before-state of the cache's current generation. */
  private synchronized Baseline baseline() {
    ClusterSnapshot now = cache.snapshot();
    if (baseline == null || baseline.state().snapshot() != now) {
      baseline = Admission.baseline(now, settings);
    }
    return baseline;
  }

  AdmissionResponse review(AdmissionRequest req) {
    long start = System.nanoTime();
    String resource = req.getResource() == null ? "" : req.getResource().getResource();
    String operation = req.getOperation() == null ? "" : req.getOperation();
    GuardMetrics.Outcome outcome = GuardMetrics.Outcome.error;
    AdmissionResponseBuilder out = new AdmissionResponseBuilder().withUid(req.getUid())
        .withAllowed(true);
    try {
      Verdict v = judge(req);
      List<String> warnings = GuardWarnings.lines(v, req.getNamespace());
      if (!warnings.isEmpty()) {
        out.withWarnings(warnings);
        metrics.warned(resource, warnings.size());
      }
      if (!v.allowed()) {
        out.withAllowed(false).withStatus(new StatusBuilder().withCode(403).withReason("Forbidden")
            .withMessage(GuardWarnings.refusal(v)).build());
        metrics.refused(resource);
      }
      outcome = switch (v.decision()) {
        case ALLOW -> GuardMetrics.Outcome.allowed;
        case WARN -> GuardMetrics.Outcome.warned;
        case REFUSE -> GuardMetrics.Outcome.refused;
      };
    } catch (RuntimeException e) {
      LOG.warn("review of {} {}/{} failed, allowed: {}", resource, req.getNamespace(),
          req.getName(), e.toString());
    }
    metrics.observe(resource, operation, outcome, (System.nanoTime() - start) / 1e9);
    return out.build();
  }

  private Verdict judge(AdmissionRequest req) {
    String kind = req.getKind() == null ? "" : req.getKind().getKind();
    if (!synced.getAsBoolean() || !(req.getObject() instanceof HasMetadata object)) {
      return Verdict.allow();
    }
    boolean service = "Service".equals(kind);
    if (!service && !POLICY_KINDS.contains(kind)) {
      return Verdict.allow();
    }
    HasMetadata old = req.getOldObject() instanceof HasMetadata h ? h : null;
    if (service && old != null && !Admission.mayTrap(
        KubeConverters.service((Service) old, SnapshotValues.SOURCE),
        KubeConverters.service((Service) object, SnapshotValues.SOURCE))) {
      return Verdict.allow();
    }
    if (!service && old != null && !Admission.mayTrap(
        KubeConverters.raw(old, SnapshotValues.SOURCE),
        KubeConverters.raw(object, SnapshotValues.SOURCE))) {
      return Verdict.allow();
    }
    ensureTyped(object, req);
    String key = SnapshotValues.key(req.getKind().getGroup(), kind, req.getNamespace(),
        object.getMetadata().getName());
    List<TrappedGroup> groups;
    synchronized (this) {
      Baseline before = baseline();
      groups = Admission.trapped(before, cache.with(before.state().snapshot(), key, object));
    }
    if (service && "status".equals(req.getSubResource())) {
      // Written by a controller: nobody reads the warning, so it goes to an Event and a metric.
      if (!groups.isEmpty() && !Boolean.TRUE.equals(req.getDryRun())) {
        metrics.statusTrap();
        statusEvent.accept((Service) object, GuardWarnings.event(groups));
      }
      return Verdict.allow();
    }
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return Admission.decide(groups, enforce, annotations);
  }

  /** A request's object may come without apiVersion and kind; the snapshot sorts by them. */
  private static void ensureTyped(KubernetesResource object, AdmissionRequest req) {
    HasMetadata o = (HasMetadata) object;
    if (o.getKind() == null || o.getApiVersion() == null) {
      String g = req.getKind().getGroup();
      String v = req.getKind().getVersion();
      o.setApiVersion(g == null || g.isEmpty() ? v : g + "/" + v);
      // Kind is fixed on typed classes and settable on generic ones.
      if (o instanceof GenericKubernetesResource gr) {
        gr.setKind(req.getKind().getKind());
      }
    }
  }
}
