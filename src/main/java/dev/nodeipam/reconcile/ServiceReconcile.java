package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.PublishState;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.render.ConditionText;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The controller's decision for one Service: {@link NodeIpam#decide} on the observed records,
 * compared with the status the Service shows, gives the action to take. A write only when they
 * differ (E2), one Event per distinct problem (E4, R13), the E11 clear, and the {@code
 * nodeipam.dev/AddressesPublished} condition written when what it says changes. Pure: the
 * controller's executor does the writes.
 */
public final class ServiceReconcile {
  private final NodeIpam ipam;
  private final boolean clearReleasedStatus;

  public ServiceReconcile(NodeIpamOptions options, boolean clearReleasedStatus) {
    this.ipam = new NodeIpam(options);
    this.clearReleasedStatus = clearReleasedStatus;
  }

  public ReconcileAction decide(Observed in) {
    Service service = in.service();
    if (service == null) {
      // Gone: forget everything said about it.
      return ReconcileAction.of(Outcome.GONE, Reported.NONE, in.released());
    }
    IngressDecision decision = ipam.decide(service, in.pool(), in.slices());
    Reported reported = in.reported().withInvalid(null);
    if (!decision.handled()) {
      if (clearReleasedStatus && in.released()) {
        return clear(service, in.role(), reported);
      }
      return ReconcileAction.of(Outcome.NOT_HANDLED, reported, in.released());
    }
    if (decision.isError()) {
      return invalid(service, decision, in);
    }
    return publish(service, decision, in, reported);
  }

  /** E11: the Service is no longer ours; remove the ingress we published for it. */
  private static ReconcileAction clear(Service service, Role role, Reported reported) {
    List<ServiceCondition> conditions = StatusConditions.without(service.conditions());
    if ((service.ingress().isEmpty() && conditions == null) || role != Role.WRITER) {
      return ReconcileAction.of(Outcome.NOT_HANDLED, reported, false);
    }
    if (service.ingress().isEmpty()) {
      // Only our condition is left to remove.
      return new ReconcileAction(
          Outcome.CLEARED,
          List.of(),
          new StatusWrite(null, conditions, null, null),
          null,
          reported,
          false,
          null,
          null);
    }
    Change change =
        new Change(
            service.namespace(), service.name(), service.ingressAddresses(), null, List.of());
    return new ReconcileAction(
        Outcome.CLEARED,
        List.of(),
        new StatusWrite(List.of(), conditions, change, null),
        null,
        reported,
        false,
        null,
        null);
  }

  /** R13: the status stays as it is; one Warning per distinct error. */
  private static ReconcileAction invalid(
      Service service, IngressDecision decision, Observed in) {
    String error = decision.error();
    List<ServiceCondition> conditions = conditionWrite(service, decision, in.role());
    boolean repeated = Objects.equals(in.reported().invalid(), error);
    List<Notice> events = List.of();
    if (!repeated && in.role() == Role.WRITER) {
      boolean selector = decision.state() == PublishState.INVALID_SELECTOR;
      events =
          List.of(
              new Notice(
                  true, selector ? Notice.INVALID_SELECTOR : Notice.INVALID_ANNOTATION, error));
    }
    return new ReconcileAction(
        Outcome.INVALID,
        events,
        conditions == null ? null : new StatusWrite(null, conditions, null, null),
        null,
        in.reported().withInvalid(error),
        false,
        null,
        repeated ? null : error);
  }

  private static ReconcileAction publish(
      Service service, IngressDecision decision, Observed in, Reported reported) {
    String ipMode = in.omitIpMode() ? null : decision.ipMode();
    List<LoadBalancerIngress> desired = new ArrayList<>(decision.ingress().size());
    for (String ip : decision.ingress()) {
      desired.add(new LoadBalancerIngress(ip, null, ipMode));
    }
    List<Notice> events = new ArrayList<>(1);
    // E4: a Service with nothing to publish gets one Warning, whether or not its status changes
    // (a new Service that selects no node never has its status written); again only on a new
    // reason.
    String unavailable = desired.isEmpty() ? String.join("; ", decision.warnings()) : null;
    if (unavailable == null) {
      reported = reported.withUnavailable(null);
    } else if (in.role() == Role.WRITER && !unavailable.equals(reported.unavailable())) {
      reported = reported.withUnavailable(unavailable);
      // The condition's reason leads, so `kubectl describe service` (which prints Events, not
      // status.conditions) answers "why pending" in the condition's own words.
      events.add(
          new Notice(
              true,
              Notice.UNAVAILABLE,
              "No address to publish (" + decision.state().reason() + "): " + unavailable));
    }
    List<String> addresses = decision.ingress();
    List<ServiceCondition> conditions = conditionWrite(service, decision, in.role());
    if (desired.equals(service.ingress())) {
      return new ReconcileAction(
          conditions == null ? Outcome.UNCHANGED : Outcome.CONDITION,
          events,
          conditions == null ? null : new StatusWrite(null, conditions, null, null),
          null,
          reported.withDryRunPublished(null),
          false,
          addresses,
          null);
    }
    Change change =
        new Change(
            service.namespace(),
            service.name(),
            service.ingressAddresses(),
            addresses,
            decision.excluded());
    return switch (in.role()) {
      case DRY_RUN -> {
        // Said once per distinct list, however often the Service is reconciled.
        Change said = desired.equals(reported.dryRunPublished()) ? null : change;
        yield new ReconcileAction(
            Outcome.DRY_RUN,
            events,
            null,
            said,
            reported.withDryRunPublished(desired),
            false,
            addresses,
            null);
      }
      // Leadership was lost while this Service waited: the new leader writes it.
      case STANDBY ->
          new ReconcileAction(
              Outcome.UNCHANGED, events, null, null, reported, false, addresses, null);
      case WRITER -> {
        Notice updated =
            new Notice(
                false,
                Notice.UPDATED,
                "Node IPAM published " + addresses + " (was " + change.before() + ")");
        yield new ReconcileAction(
            Outcome.WRITTEN,
            events,
            new StatusWrite(desired, conditions, change, updated),
            null,
            reported,
            false,
            addresses,
            null);
      }
    };
  }

  /**
   * The conditions to write so the Service shows its {@code nodeipam.dev/AddressesPublished}
   * condition; null when it shows it already, or when this replica writes nothing.
   */
  private static List<ServiceCondition> conditionWrite(
      Service service, IngressDecision decision, Role role) {
    if (role != Role.WRITER) {
      return null;
    }
    ServiceCondition desired = ConditionText.condition(PublishStatus.of(service, decision));
    return StatusConditions.with(service.conditions(), desired);
  }

  /**
   * The API server refused a status write (422, 400: validation, an admission webhook): one Warning
   * per distinct message, and the Service retried with its backoff.
   *
   * @param service the cached record, or null when it is gone
   */
  public static ReconcileAction rejected(
      Service service, Reported reported, String message, Role role) {
    Reported before = reported == null ? Reported.NONE : reported;
    if (Objects.equals(before.rejected(), message)) {
      return new ReconcileAction(
          Outcome.REJECTED, List.of(), null, null, before, false, null, null);
    }
    List<Notice> events =
        service != null && role == Role.WRITER
            ? List.of(
                new Notice(true, Notice.REJECTED, "The API server rejected the status: " + message))
            : List.of();
    return new ReconcileAction(
        Outcome.REJECTED, events, null, null, before.withRejected(message), false, null, message);
  }

  /**
   * API servers before Kubernetes 1.29 (and later ones with the LoadBalancerIPMode gate off) drop
   * {@code ipMode} from what they store. Comparing with it would find every Service changed and
   * write it again forever; so once the server is seen dropping it, it is no longer written.
   *
   * @return whether {@code stored}, what the server kept of {@code written}, lacks only the modes
   */
  public static boolean dropsIpMode(
      List<LoadBalancerIngress> written, List<LoadBalancerIngress> stored) {
    List<LoadBalancerIngress> withoutMode =
        written.stream().map(e -> new LoadBalancerIngress(e.ip(), e.hostname(), null)).toList();
    return !stored.equals(written) && stored.equals(withoutMode);
  }
}
