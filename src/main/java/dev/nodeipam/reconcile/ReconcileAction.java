package dev.nodeipam.reconcile;

import java.util.List;

/**
 * What to do for one Service, decided by {@link ServiceReconcile}; the controller's executor does
 * it in this order: emit {@code events}, write {@code write}, remember {@code reported}.
 *
 * @param outcome how the reconcile ends when every step succeeds
 * @param events Events to emit before any write
 * @param write the status write, or null for none
 * @param dryRunChange in a dry run, the change to log and announce instead of writing it; else null
 * @param reported what to remember about the Service from now on
 * @param released whether the Service stays marked for E11
 * @param published the addresses the Service gets (for the gauge), or null when not decided
 * @param newProblem an invalid annotation or a refused status seen for the first time (logged
 *     once), else null
 */
public record ReconcileAction(
    Outcome outcome,
    List<Notice> events,
    StatusWrite write,
    Change dryRunChange,
    Reported reported,
    boolean released,
    List<String> published,
    String newProblem) {
  public ReconcileAction {
    events = List.copyOf(events);
    published = published == null ? null : List.copyOf(published);
  }

  static ReconcileAction of(Outcome outcome, Reported reported, boolean released) {
    return new ReconcileAction(outcome, List.of(), null, null, reported, released, null, null);
  }
}
