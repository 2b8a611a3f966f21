package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.ArrayList;
import java.util.List;

/**
 * How the {@code nodeipam.dev/AddressesPublished} condition goes into a Service's {@code
 * status.conditions}: written only when what it says changed (heartbeats and restarts write
 * nothing), its transition time kept unless its status changed, other controllers' entries kept.
 */
public final class StatusConditions {
  private StatusConditions() {}

  /**
   * The list to write so that {@code current} carries {@code desired}; null when it already says
   * the same.
   */
  public static List<ServiceCondition> with(
      List<ServiceCondition> current, ServiceCondition desired) {
    ServiceCondition ours = find(current);
    if (desired.sameAs(ours)) {
      return null;
    }
    // lastTransitionTime moves only when the status does (metav1.Condition's contract).
    ServiceCondition stamped =
        ours != null && ours.status().equals(desired.status())
            ? desired.withLastTransitionTime(ours.lastTransitionTime())
            : desired;
    List<ServiceCondition> out = new ArrayList<>(current.size() + 1);
    boolean placed = false;
    for (ServiceCondition c : current) {
      if (PublishStatus.TYPE.equals(c.type())) {
        out.add(stamped);
        placed = true;
      } else {
        out.add(c);
      }
    }
    if (!placed) {
      out.add(stamped);
    }
    return out;
  }

  /** The list without our condition; null when it has none (nothing to remove). */
  public static List<ServiceCondition> without(List<ServiceCondition> current) {
    if (find(current) == null) {
      return null;
    }
    return current.stream().filter(c -> !PublishStatus.TYPE.equals(c.type())).toList();
  }

  /** Our condition in the list, or null. */
  public static ServiceCondition find(List<ServiceCondition> conditions) {
    return conditions.stream()
        .filter(c -> PublishStatus.TYPE.equals(c.type()))
        .findFirst()
        .orElse(null);
  }
}
